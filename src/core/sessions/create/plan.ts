import { preconditionError } from '../../infra/errors.js';
import { relativeWorktree, type SessionRecord } from '../../manifest/manifest.js';
import type { CopyReport } from '../copy.js';
import type { CreateFacts } from './facts.js';

/** The operations `pwt create` is made of (runners: steps.ts). */
export type CreateOp =
  | { op: 'add-worktree'; path: string; branch: string; base: string; baseCommit: string }
  | { op: 'init-submodules'; path: string; initialised?: boolean }
  | { op: 'copy-env'; from: string; to: string; files: string[]; copied?: string[]; kept?: string[] }
  | { op: 'copy'; from: string; to: string; globs: string[]; copied?: string[]; kept?: string[]; report?: CopyReport }
  | { op: 'register'; id: string; session: SessionRecord };

export interface CreatePlan {
  session: SessionRecord;
  ops: CreateOp[];
}

/**
 * From the facts to the plan, with no I/O: refuses (in this order) what
 * cannot be created, else lists the operations. Nothing has changed yet when
 * it throws.
 */
export function planCreate(facts: CreateFacts, opts: { goals: string[]; copyEnv?: boolean }): CreatePlan {
  if (facts.insideWorktree) {
    throw preconditionError(
      `You are inside a worktree (${facts.insideWorktree}), not the main worktree.`,
      `Create sessions from the main worktree: cd "${facts.mainPath}" (or pcd) and run pwt create again.`,
    );
  }
  if (facts.sessionTaken) {
    throw preconditionError(`A session named "${facts.name}" already exists.`, `Pick another name, or go there with: pcd ${facts.name}`);
  }
  if (facts.interrupted) {
    throw preconditionError(
      `A previous pwt create ${facts.name} was interrupted: its worktree ${facts.path} and branch ${facts.branch} exist but were never registered.`,
      `pwt cleanup adopts it as a session (then pcd ${facts.name}, or pwt remove ${facts.name} to end it).`,
    );
  }
  if (facts.branchTaken) {
    const own = facts.branchOwnCommits ? ` It has ${facts.branchOwnCommits} commit(s) no other branch holds.` : '';
    throw preconditionError(
      `The branch ${facts.branch} already exists (kept from an earlier session?).${own}`,
      `Continue it as a session with: pwt open ${facts.name}; or pick another ` +
        `name.${facts.branchOwnCommits ? '' : ` (git branch -d ${facts.branch} deletes it: nothing only it holds.)`}`,
    );
  }
  if (facts.pathTaken) {
    throw preconditionError(`The folder ${facts.path} already exists.`, 'Pick another name, or move that folder away (pwt cleanup lists stray folders).');
  }
  if (facts.changes > 0) {
    throw preconditionError(
      `The main worktree has ${facts.changes} uncommitted change(s) to tracked files.`,
      'Commit or stash them first, or pass --allow-dirty (the session starts from the last commit either way).',
    );
  }
  if (!facts.baseCommit) {
    throw preconditionError(
      `The base "${facts.base}" does not name a commit.`,
      'Pass an existing branch, tag or commit with --base (an empty repository needs a first commit).',
    );
  }

  const session: SessionRecord = {
    id: facts.name,
    branch: facts.branch,
    worktree: relativeWorktree(facts.mainPath, facts.path),
    startedAt: facts.now.toISOString(),
    goals: opts.goals,
    status: 'active',
    base: facts.base,
    baseCommit: facts.baseCommit,
  };
  const ops: CreateOp[] = [{ op: 'add-worktree', path: facts.path, branch: facts.branch, base: facts.base, baseCommit: facts.baseCommit }];
  if (facts.submodules) ops.push({ op: 'init-submodules', path: facts.path });
  if (opts.copyEnv !== false) ops.push({ op: 'copy-env', from: facts.mainPath, to: facts.path, files: facts.envFiles });
  if (facts.copy.length > 0) ops.push({ op: 'copy', from: facts.mainPath, to: facts.path, globs: facts.copy });
  ops.push({ op: 'register', id: facts.name, session });
  return { session, ops };
}
