import { existsSync } from 'node:fs';
import { aheadBehind, changedPaths, currentBranch, refExists, resolveCommit } from '../../git/git.js';
import { gitPaths, hasUpstream, headCommit } from '../../git/operations.js';
import { baseOf, type SessionRecord } from '../../manifest/manifest.js';
import type { Project } from '../../project/project.js';
import { agentsOf } from '../../agents/runtime/records.js';
import { checkStatus, readLiveness } from '../../agents/runtime/status.js';
import { mergeTree } from '../remove/merge.js';
import { whichSession } from '../../project/which-session.js';

/** What `pwt sync` reads before deciding anything. */
export interface SyncFacts {
  session: SessionRecord;
  path: string;
  /** The recorded base (a branch name, or the start commit when none was recorded). */
  base: string | null;
  /** The branch checked out in the worktree (null: detached). */
  headBranch: string | null;
  /** Uncommitted paths, untracked included. */
  changes: string[];
  /** "a rebase", "a merge"... in progress in the worktree, or null. */
  operation: string | null;
  /** The base's commit now (null: it names none). */
  baseTip: string | null;
  /** The worktree's HEAD. */
  tip: string;
  ahead: number;
  behind: number;
  /** Merging the base into HEAD, computed only when both sides have commits of their own. */
  merged: { tree: string } | { conflicts: string[] } | null;
  /** Agents pwt started here that run now (checked against tmux). */
  runningAgents: string[];
  /** The branch was pushed before (so a rebase means a forced push later). */
  pushedBefore: boolean;
}

/**
 * Agents pwt started in the session that run now: remembered as running and
 * checked against tmux (the pane pwt recorded, with the very process it
 * started). One tmux call, and only when some agent is remembered running.
 */
export async function runningAgents(session: SessionRecord): Promise<string[]> {
  const remembered = agentsOf(session).filter((agent) => agent.status === 'running');
  if (remembered.length === 0) return [];
  const liveness = await readLiveness();
  return remembered.filter((agent) => checkStatus(agent, liveness).status === 'running').map((agent) => agent.id);
}

/** The base's commit now: a local branch wins over a tag or remote branch of the same name. */
export async function baseTipOf(mainPath: string, base: string): Promise<string | null> {
  const short = base.replace(/^refs\/heads\//, '');
  if (await refExists(mainPath, `refs/heads/${short}`)) return resolveCommit(mainPath, `refs/heads/${short}`);
  return resolveCommit(mainPath, base);
}

const IN_PROGRESS: Array<[string, string]> = [
  ['rebase-merge', 'a rebase'],
  ['rebase-apply', 'a rebase'],
  ['MERGE_HEAD', 'a merge'],
  ['CHERRY_PICK_HEAD', 'a cherry-pick'],
  ['REVERT_HEAD', 'a revert'],
];

async function operationInProgress(path: string): Promise<string | null> {
  const files = await gitPaths(
    path,
    IN_PROGRESS.map(([marker]) => marker),
  );
  const found = IN_PROGRESS.find((_, index) => files[index] && existsSync(files[index] as string));
  return found ? found[1] : null;
}

export async function gatherSyncFacts(project: Project, name: string | undefined): Promise<SyncFacts> {
  const { session, path } = await whichSession(project, { name, command: 'sync' });
  const mainPath = project.repo.mainPath;
  const base = baseOf(session) ?? null;
  const [headBranch, changes, operation, baseTip, tip, agents, upstream] = await Promise.all([
    currentBranch(path),
    changedPaths(path, { untracked: 'normal' }),
    operationInProgress(path),
    base ? baseTipOf(mainPath, base) : Promise.resolve(null),
    headCommit(path),
    runningAgents(session),
    hasUpstream(path),
  ]);
  const counts = baseTip ? await aheadBehind(mainPath, baseTip, tip) : null;
  const ahead = counts?.ahead ?? 0;
  const behind = counts?.behind ?? 0;
  const merged = baseTip && ahead > 0 && behind > 0 ? await mergeTree(mainPath, tip, baseTip) : null;
  return {
    session,
    path,
    base,
    headBranch,
    changes,
    operation,
    baseTip,
    tip,
    ahead,
    behind,
    merged,
    runningAgents: agents,
    pushedBefore: Boolean(session.lastPushedAt || session.pr) || upstream,
  };
}
