import { preconditionError } from '../../infra/errors.js';
import { relativeWorktree, type SessionRecord } from '../../manifest/manifest.js';
import type { CopyReport } from '../copy.js';
import type { OpenFacts } from './facts.js';

/** The operations `pwt open` is made of (runners: steps.ts). */
export type OpenOp =
  | { op: 'add-worktree'; path: string; branch: string; tracking: string | null }
  | { op: 'copy-env'; from: string; to: string; files: string[]; copied?: string[]; kept?: string[] }
  | { op: 'copy'; from: string; to: string; globs: string[]; copied?: string[]; kept?: string[]; report?: CopyReport }
  | { op: 'register'; id: string; session: SessionRecord };

export type OpenPlan =
  | { kind: 'already-open'; session: SessionRecord; path: string }
  | { kind: 'open'; session: SessionRecord; ops: OpenOp[]; goalsFrom: 'flags' | 'manifest' | 'archive' | null };

/**
 * From the facts to the plan, with no I/O. A session that is open already
 * needs nothing; else it refuses (in this order) what cannot be opened, or
 * lists the operations. The record keeps what pwt remembered about the
 * branch (goals, base, agents, PR), marked active and opened now.
 */
export function planOpen(facts: OpenFacts, opts: { goals: string[]; copyEnv?: boolean }): OpenPlan {
  if (facts.openByName) return { kind: 'already-open', ...facts.openByName };
  const { target, name, path, holder } = facts;
  if (holder?.session) return { kind: 'already-open', session: holder.session, path: holder.path };
  if (holder) {
    const hint = holder.isMain
      ? `Switch the main worktree to another branch first (git switch ${facts.mainBranch === target.branch ? '<other branch>' : '-'}), then run pwt open again.`
      : holder.inSessionsDir
        ? 'pwt cleanup adopts that worktree as a session.'
        : `Work there, or remove that worktree first (git worktree remove "${holder.path}").`;
    throw preconditionError(
      `${target.branch} is already checked out in ${holder.isMain ? 'the main worktree' : holder.path}; git allows a branch in one worktree only.`,
      hint,
    );
  }
  if (facts.existing && (facts.existing.session.branch !== target.branch || facts.existing.worktreeExists)) {
    throw preconditionError(
      `A session named "${name}" exists already (on ${facts.existing.session.branch}).`,
      `Pick another name with --name, or go there: pcd ${name}`,
    );
  }
  if (facts.pathTaken)
    throw preconditionError(`The folder ${path} already exists.`, 'Pick another name with --name, or move that folder away (pwt cleanup lists stray folders).');

  const known = facts.remembered;
  const { endedAt: _endedAt, openedAt: _openedAt, ...earlier } = known?.record ?? {};
  const now = facts.now.toISOString();
  const session: SessionRecord = {
    ...earlier,
    id: name,
    branch: target.branch,
    worktree: relativeWorktree(facts.mainPath, path),
    startedAt: known?.record.startedAt ?? now,
    goals: opts.goals.length > 0 ? opts.goals : (known?.record.goals ?? []),
    status: 'active',
    ...(facts.base ? { base: facts.base } : {}),
    ...(facts.baseCommit ? { baseCommit: facts.baseCommit } : {}),
    ...(target.remoteRef ? { remote: facts.remote } : {}),
    openedAt: now,
  };
  // Agent records of an earlier life of this branch are not running now.
  if (session.agents) session.agents = session.agents.map((agent) => (agent.status === 'running' ? { ...agent, status: 'stopped' } : agent));
  const goalsFrom = opts.goals.length > 0 ? 'flags' : known?.record.goals?.length ? known.from : null;

  const ops: OpenOp[] = [{ op: 'add-worktree', path, branch: target.branch, tracking: target.remoteRef }];
  if (opts.copyEnv !== false) ops.push({ op: 'copy-env', from: facts.mainPath, to: path, files: facts.envFiles });
  if (facts.copy.length > 0) ops.push({ op: 'copy', from: facts.mainPath, to: path, globs: facts.copy });
  ops.push({ op: 'register', id: name, session });
  return { kind: 'open', session, ops, goalsFrom };
}
