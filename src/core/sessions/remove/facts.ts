import { existsSync } from 'node:fs';
import { findArtifacts } from '../archive.js';
import { aheadBehind, changedPaths, currentBranch, resolveCommit, refExists } from '../../git/git.js';
import { findSession, sessionPath, type SessionRecord } from '../../manifest/manifest.js';
import type { Project } from '../../project/project.js';
import { isInside, realPath } from '../../git/repo.js';
import { takeSnapshot } from '../status.js';
import { utcStamp } from '../../infra/time.js';
import type { WorktreeEntry } from '../../git/worktrees.js';
import { messages } from '../../infra/messages.js';
import { takeInventory, type Inventory } from '../inventory.js';

/**
 * Everything `pwt remove` decides from, read once before anything changes
 * (git-town's "snapshot, then plan"). Steps never re-ask git what to do;
 * they only act.
 */
export interface RemoveFacts {
  project: Project;
  session: SessionRecord;
  /** Absolute worktree path from the manifest. */
  path: string;
  /** The worktree is on disk and git knows it. */
  worktreeExists: boolean;
  /** git still has an admin entry for it (prunable or live). */
  gitKnowsWorktree: boolean;
  /** Changed paths in the worktree (untracked included, ignored not). */
  dirty: string[];
  branchTip: string | null;
  /** The base as a local branch name, when it is one. */
  baseBranch: string | null;
  baseTip: string | null;
  /** Commits on the base that the branch lacks. */
  baseAhead: number;
  /** Worktree where the base branch is checked out, if any. */
  baseCheckedOutAt: string | null;
  /** The shell that ran pwt sits inside the worktree that is about to go. */
  cwdInside: boolean;
  artifacts: string[];
  /** What exists only in the worktree (null when it is gone). */
  inventory: Inventory | null;
  stamp: string;
}

export function unknownSession(project: Project, name: string) {
  return messages.unknownSession(name, project.sessionsDir);
}

function worktreeAt(worktrees: WorktreeEntry[], path: string): WorktreeEntry | undefined {
  const wanted = realPath(path);
  return worktrees.find((entry) => entry.path === path || realPath(entry.path) === wanted);
}

/** The base's local branch name: `main`, or `main` for `refs/heads/main`; null for commits, tags and remote branches. */
async function localBranch(cwd: string, base: string): Promise<string | null> {
  const short = base.replace(/^refs\/heads\//, '');
  return (await refExists(cwd, `refs/heads/${short}`)) ? short : null;
}

export async function gatherFacts(project: Project, name: string, cwd = process.cwd()): Promise<RemoveFacts> {
  const { repo } = project;
  const snapshot = await takeSnapshot(project);
  const session = findSession(snapshot.manifest, name);
  if (!session) throw unknownSession(project, name);
  const path = sessionPath(repo.mainPath, session);
  const entry = worktreeAt(snapshot.worktrees, path);
  const worktreeExists = existsSync(path) && entry !== undefined && !entry.prunable;

  const base = session.base ?? (await currentBranch(repo.mainPath)) ?? session.baseCommit ?? 'HEAD';
  const baseBranch = await localBranch(repo.mainPath, base);
  const [branchTip, baseTip, changed, artifacts, inventory] = await Promise.all([
    resolveCommit(repo.mainPath, `refs/heads/${session.branch}`),
    resolveCommit(repo.mainPath, baseBranch ? `refs/heads/${baseBranch}` : base),
    worktreeExists ? changedPaths(path, { untracked: 'normal' }) : Promise.resolve([]),
    worktreeExists ? findArtifacts(path, project.config.artifacts) : Promise.resolve([]),
    worktreeExists ? takeInventory({ mainPath: repo.mainPath, path, recordedBranch: session.branch, entry }) : Promise.resolve(null),
  ]);
  // A nested repository shows as one untracked "dir/"; it is archived as a folder, not committed as a gitlink.
  // pwt's own running agents are not in the way: the removal stops them first (agents/runtime/session-end.ts).
  if (inventory?.processes.length && session.agents?.length) {
    const ours = (await import('../../agents/runtime/session-end.js')).agentProcessFilter(session);
    inventory.processes = inventory.processes.filter((each) => !ours(each.pid));
  }
  const nestedRepos = new Set(inventory?.nested.filter((each) => each.kind === 'repo').map((each) => `${each.path}/`));
  const dirty = changed.filter((file) => !nestedRepos.has(file));
  const counts = branchTip && baseTip ? await aheadBehind(repo.mainPath, baseTip, branchTip) : null;
  const baseCheckedOutAt = baseBranch ? (snapshot.worktrees.find((each) => each.branch === baseBranch && !each.prunable)?.path ?? null) : null;

  return {
    project,
    session,
    path,
    worktreeExists,
    gitKnowsWorktree: entry !== undefined,
    dirty,
    branchTip,
    baseBranch,
    baseTip,
    baseAhead: counts?.behind ?? 0,
    baseCheckedOutAt,
    cwdInside: worktreeExists && isInside(realPath(cwd), realPath(path)),
    artifacts,
    inventory,
    stamp: utcStamp(),
  };
}

/** The base name people see in messages. */
export const baseName = (facts: RemoveFacts) => facts.baseBranch ?? facts.session.base ?? facts.session.baseCommit ?? 'the base';

/** Nested repositories that are not submodules (left out of commits and archive trees). */
export const nestedRepoPaths = (facts: RemoveFacts) => facts.inventory?.nested.filter((each) => each.kind === 'repo').map((each) => each.path) ?? [];
