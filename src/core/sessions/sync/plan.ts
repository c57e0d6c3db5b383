import { conflictError, preconditionError } from '../../infra/errors.js';
import type { SyncFacts } from './facts.js';

export const SYNC_MODES = ['merge', 'rebase'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

/** The operations `pwt sync` is made of (runners: steps.ts). */
export type SyncOp =
  | { op: 'fast-forward'; path: string; base: string; to: string }
  | { op: 'merge'; path: string; base: string; into: string; tip: string; baseTip: string; tree: string; commit?: string }
  | { op: 'rebase'; path: string; branch: string; onto: string; baseTip: string }
  | { op: 'record'; id: string; baseCommit: string };

export interface SyncPlan {
  ops: SyncOp[];
  /** Things to tell the user (a rebase of a pushed branch). */
  notes: string[];
}

const listed = (paths: string[]) => `${paths.slice(0, 8).join(', ')}${paths.length > 8 ? `, and ${paths.length - 8} more` : ''}`;

/**
 * From the facts to the plan, with no I/O: refuses (in this order) what
 * cannot be synced, else lists the operations. Nothing has changed yet when
 * it throws. Nothing new on the base: an empty plan.
 */
export function planSync(facts: SyncFacts, opts: { mode: SyncMode; force?: boolean }): SyncPlan {
  const { session, path } = facts;
  const id = session.id;
  if (!facts.base)
    throw preconditionError(`Session ${id} has no recorded base to sync from.`, `Merge the branch you want by hand in ${path} (git merge <branch>).`);
  if (facts.runningAgents.length > 0 && !opts.force) {
    throw preconditionError(
      `An agent is running in ${id} (${facts.runningAgents.join(', ')}); changing its files under it would confuse it.`,
      'Stop it first (pwt agent stop), or pass --force to sync anyway.',
    );
  }
  if (facts.operation)
    throw preconditionError(
      `${facts.operation} is in progress in ${path}.`,
      `Finish or abort it there first (git status says how), then run pwt sync ${id} again.`,
    );
  if (facts.headBranch !== session.branch) {
    throw preconditionError(
      `The worktree of ${id} is ${facts.headBranch ? `on ${facts.headBranch}` : 'on a detached HEAD'}, not on ${session.branch}.`,
      `Check out ${session.branch} there first: git -C "${path}" switch ${session.branch}`,
    );
  }
  if (facts.changes.length > 0) {
    throw preconditionError(
      `Session ${id} has ${facts.changes.length} uncommitted change(s), untracked included: ${listed(facts.changes)}.`,
      `Commit them first (cd "${path}" && git add -A && git commit), or set them aside with git stash -u; then run pwt sync ${id} again.`,
    );
  }
  if (!facts.baseTip) throw preconditionError(`The base "${facts.base}" of ${id} no longer names a commit.`, `Sync by hand in ${path} (git merge <branch>).`);
  if (facts.behind === 0) return { ops: [], notes: [] };

  const record: SyncOp = { op: 'record', id, baseCommit: facts.baseTip };
  if (facts.ahead === 0) return { ops: [{ op: 'fast-forward', path, base: facts.base, to: facts.baseTip }, record], notes: [] };
  if (!facts.merged) throw new Error('sync facts lack the merge result for a diverged branch');
  if ('conflicts' in facts.merged) {
    throw conflictError(
      `Bringing ${facts.base} into ${session.branch} conflicts in: ${listed(facts.merged.conflicts)}. Nothing was changed.`,
      `Resolve it by hand in the session (cd "${path}" && git merge ${facts.base}), or end the session with a PR and resolve it there.`,
    );
  }
  if (opts.mode === 'merge') {
    return {
      ops: [{ op: 'merge', path, base: facts.base, into: session.branch, tip: facts.tip, baseTip: facts.baseTip, tree: facts.merged.tree }, record],
      notes: [],
    };
  }
  const notes = facts.pushedBefore
    ? [`${session.branch} was pushed before and a rebase rewrites its commits: the next push needs git push --force-with-lease.`]
    : [];
  return { ops: [{ op: 'rebase', path, branch: session.branch, onto: facts.base, baseTip: facts.baseTip }, record], notes };
}
