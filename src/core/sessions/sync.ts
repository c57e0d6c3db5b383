import { existsSync } from 'node:fs';
import { conflictError, preconditionError } from '../infra/errors.js';
import { aheadBehind, changedPaths, currentBranch, git, gitProbe, refExists, resolveCommit, useWorkflowShell } from '../git/git.js';
import { mergeTree } from './remove/merge.js';
import { updateManifest } from '../manifest/store.js';
import type { SessionRecord } from '../manifest/manifest.js';
import { execute, type Action, type Spin, type Step } from '../workflow/execute.js';
import type { Project } from '../project/project.js';
import { baseOf, sessionToActOn } from './lookup.js';
import { agentsOf } from '../agents/runtime/records.js';
import { checkStatus, readLiveness } from '../agents/runtime/status.js';

/**
 * `pwt sync [name] [--merge|--rebase]`: the base's new commits into the
 * session. Everything that can refuse refuses before a step runs: an agent
 * running there, uncommitted work, a rebase or merge already in progress, a
 * conflict (found with `git merge-tree --write-tree`, which touches no
 * worktree). A merge is written with commit-tree and then fast-forwarded
 * into the worktree, so it lands whole or not at all; a rebase that stops on
 * a conflict part-way is aborted, which puts the branch back as it was.
 */
export const SYNC_MODES = ['merge', 'rebase'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

export interface SyncOptions {
  name?: string;
  mode: SyncMode;
  force?: boolean;
  dryRun?: boolean;
  onStep?: (title: string) => void;
  spin?: Spin;
}

export interface SyncResult {
  session: SessionRecord;
  path: string;
  base: string;
  /** Commits on the base that the session lacked. */
  behind: number;
  actions: Action[];
  titles: string[];
  dryRun: boolean;
  notes: string[];
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
async function baseTipOf(mainPath: string, base: string): Promise<string | null> {
  const short = base.replace(/^refs\/heads\//, '');
  if (await refExists(mainPath, `refs/heads/${short}`)) return resolveCommit(mainPath, `refs/heads/${short}`);
  return resolveCommit(mainPath, base);
}

async function operationInProgress(path: string): Promise<string | null> {
  const markers: Array<[string, string]> = [['rebase-merge', 'a rebase'], ['rebase-apply', 'a rebase'], ['MERGE_HEAD', 'a merge'], ['CHERRY_PICK_HEAD', 'a cherry-pick'], ['REVERT_HEAD', 'a revert']];
  for (const [marker, what] of markers) {
    const file = (await git(path, ['rev-parse', '--path-format=absolute', '--git-path', marker])).trim();
    if (existsSync(file)) return what;
  }
  return null;
}

const listed = (paths: string[]) => `${paths.slice(0, 8).join(', ')}${paths.length > 8 ? `, and ${paths.length - 8} more` : ''}`;

export async function syncSession(project: Project, opts: SyncOptions): Promise<SyncResult> {
  await useWorkflowShell();
  const { session, path } = await sessionToActOn(project, opts.name, 'sync');
  const mainPath = project.repo.mainPath;
  const base = baseOf(session);
  if (!base) throw preconditionError(`Session ${session.id} has no recorded base to sync from.`, `Merge the branch you want by hand in ${path} (git merge <branch>).`);

  const agents = await runningAgents(session);
  if (agents.length > 0 && !opts.force) {
    throw preconditionError(`An agent is running in ${session.id} (${agents.join(', ')}); changing its files under it would confuse it.`, `Stop it first (pwt agent stop), or pass --force to sync anyway.`);
  }
  const [branch, changes, operation, baseTip] = await Promise.all([currentBranch(path), changedPaths(path, { untracked: 'normal' }), operationInProgress(path), baseTipOf(mainPath, base)]);
  if (operation) throw preconditionError(`${operation} is in progress in ${path}.`, `Finish or abort it there first (git status says how), then run pwt sync ${session.id} again.`);
  if (branch !== session.branch) {
    throw preconditionError(`The worktree of ${session.id} is ${branch ? `on ${branch}` : 'on a detached HEAD'}, not on ${session.branch}.`, `Check out ${session.branch} there first: git -C "${path}" switch ${session.branch}`);
  }
  if (changes.length > 0) {
    throw preconditionError(
      `Session ${session.id} has ${changes.length} uncommitted change(s), untracked included: ${listed(changes)}.`,
      `Commit them first (cd "${path}" && git add -A && git commit), or set them aside with git stash -u; then run pwt sync ${session.id} again.`,
    );
  }
  if (!baseTip) throw preconditionError(`The base "${base}" of ${session.id} no longer names a commit.`, `Sync by hand in ${path} (git merge <branch>).`);
  const tip = (await git(path, ['rev-parse', 'HEAD'])).trim();
  const counts = await aheadBehind(mainPath, baseTip, tip);
  const behind = counts?.behind ?? 0;
  const ahead = counts?.ahead ?? 0;
  const notes: string[] = [];
  const steps: Step[] = [];

  if (behind > 0) {
    if (ahead === 0) steps.push(fastForwardStep(path, base, baseTip));
    else {
      const merged = await mergeTree(mainPath, tip, baseTip);
      if ('conflicts' in merged) {
        throw conflictError(
          `Bringing ${base} into ${session.branch} conflicts in: ${listed(merged.conflicts)}. Nothing was changed.`,
          `Resolve it by hand in the session (cd "${path}" && git merge ${base}), or end the session with a PR and resolve it there.`,
        );
      }
      if (opts.mode === 'merge') steps.push(mergeStep(path, session.branch, base, tip, baseTip, merged.tree));
      else {
        steps.push(rebaseStep(path, session.branch, base, baseTip));
        if (session.lastPushedAt || session.pr || (await gitProbe(path, ['rev-parse', '--verify', '--quiet', '@{upstream}'])).code === 0) {
          notes.push(`${session.branch} was pushed before and a rebase rewrites its commits: the next push needs git push --force-with-lease.`);
        }
      }
    }
    steps.push(recordStep(project, session.id, baseTip));
  }
  const actions = await execute(steps, { dryRun: opts.dryRun, onStep: opts.onStep, spin: opts.spin });
  return { session, path, base, behind, actions, titles: steps.map((step) => step.title), dryRun: Boolean(opts.dryRun), notes };
}

function fastForwardStep(path: string, base: string, baseTip: string): Step {
  return {
    action: { op: 'fast-forward', to: baseTip, base },
    title: `fast-forward to ${base} (${baseTip.slice(0, 10)}): the session has no commits of its own`,
    slow: true,
    run: async () => void (await git(path, ['merge', '--ff-only', '--quiet', baseTip], { GIT_REFLOG_ACTION: `pwt sync: fast-forward to ${base}` })),
  };
}

function mergeStep(path: string, branch: string, base: string, tip: string, baseTip: string, tree: string): Step {
  const action: Action = { op: 'merge', base, into: branch };
  return {
    action,
    title: `merge ${base} into ${branch} (a merge commit)`,
    slow: true,
    run: async () => {
      // The merge commit is made without a checkout, then the worktree moves to it in one fast-forward.
      const commit = (await git(path, ['commit-tree', tree, '-p', tip, '-p', baseTip, '-m', `Merge branch '${base}' into ${branch}`])).trim();
      await git(path, ['merge', '--ff-only', '--quiet', commit], { GIT_REFLOG_ACTION: `pwt sync: merge ${base}` });
      action.commit = commit;
    },
  };
}

function rebaseStep(path: string, branch: string, base: string, baseTip: string): Step {
  return {
    action: { op: 'rebase', branch, onto: base },
    title: `rebase ${branch} onto ${base}`,
    slow: true,
    run: async () => {
      const rebased = await gitProbe(path, ['rebase', '--quiet', baseTip], { GIT_REFLOG_ACTION: `pwt sync: rebase onto ${base}`, GIT_EDITOR: 'true' });
      if (rebased.code === 0) return;
      // The whole-branch check passed, yet replaying one commit at a time can still conflict: undo it all.
      const conflicted = (await gitProbe(path, ['diff', '--name-only', '--diff-filter=U'])).stdout.split('\n').filter(Boolean);
      await gitProbe(path, ['rebase', '--abort']);
      if (conflicted.length > 0) {
        throw conflictError(`Rebasing ${branch} onto ${base} conflicts at one of its commits in: ${listed(conflicted)}. The rebase was undone; nothing changed.`, `Use pwt sync --merge (the whole branch merges cleanly), or rebase by hand in ${path}.`);
      }
      throw preconditionError(`git rebase failed and was undone: ${rebased.stderr.trim() || rebased.stdout.trim()}`, `Look at it in ${path}, or use pwt sync --merge.`);
    },
  };
}

function recordStep(project: Project, id: string, baseTip: string): Step {
  return {
    action: { op: 'record', id, baseCommit: baseTip },
    title: `record ${baseTip.slice(0, 10)} as the base commit of ${id}`,
    run: async () => {
      await updateManifest(project, (manifest) => {
        const entry = manifest.sessions.find((each) => each.id === id);
        if (!entry) return;
        entry.baseCommit = baseTip;
        entry.syncedAt = new Date().toISOString();
      });
    },
  };
}
