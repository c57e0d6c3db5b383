import { preconditionError } from '../../infra/errors.js';
import { relativeWorktree, type SessionRecord } from '../../manifest/manifest.js';
import type { CopyReport } from '../copy.js';
import type { RestoreFacts } from './facts.js';

/** The operations `pwt restore` is made of (runners: steps.ts). */
export type RestoreOp =
  | { op: 'create-branch'; branch: string; commit: string }
  | { op: 'add-worktree'; path: string; branch: string }
  | { op: 'restore-uncommitted'; path: string; commit: string }
  | { op: 'copy-env'; from: string; to: string; files: string[]; copied?: string[]; kept?: string[] }
  | { op: 'copy'; from: string; to: string; globs: string[]; copied?: string[]; kept?: string[]; report?: CopyReport }
  | { op: 'register'; id: string; session: SessionRecord };

export interface RestorePlan {
  session: SessionRecord;
  branch: string;
  ops: RestoreOp[];
}

/**
 * From the facts to the plan, with no I/O: refuses (in this order) a name
 * that is taken, a folder in the way, a branch of that name pointing
 * elsewhere; else lists the operations. The record is the archived one
 * (goals, base, startedAt), marked restored; running agents are stopped.
 */
export function planRestore(facts: RestoreFacts): RestorePlan {
  const { entry, name, path } = facts;
  const { meta } = entry;
  // A worktree archived with a detached HEAD has no branch of its own: give it the session's.
  const branch = meta.branch === 'HEAD' ? `${facts.branchPrefix}${name}` : meta.branch;
  const tip = meta.tip ?? meta.head;
  if (facts.sessionTaken)
    throw preconditionError(
      `A session named "${name}" exists already; restoring would overwrite it.`,
      `End it first (pwt remove ${name}) or use it as it is: pcd ${name}`,
    );
  if (facts.pathTaken && facts.pathIsWorktree) {
    throw preconditionError(
      `The folder ${path} is in the way: it is a git worktree pwt has no session for.`,
      `pwt cleanup adopts it as a session ${name} (then pwt remove ${name} --strategy abandon archives ` +
        `it), or remove it with git worktree remove; then run pwt restore ${name} again.`,
    );
  }
  if (facts.pathTaken)
    throw preconditionError(
      `The folder ${path} is in the way.`,
      'Move it away (pwt cleanup moves stray folders into .archive/strays/) and run pwt restore again.',
    );
  const existing = facts.branchTips[branch] ?? null;
  if (existing && existing !== tip) {
    throw preconditionError(
      `The branch ${branch} exists and points elsewhere (${existing.slice(0, 10)}, the archive has ${tip.slice(0, 10)}).`,
      `Rename or delete it first (git branch -m ${branch} <other>), then run pwt restore ${name} again.`,
    );
  }

  const old = meta.session;
  const now = facts.now.toISOString();
  const agents = old?.agents?.map((agent) => (agent.status === 'running' ? { ...agent, status: 'stopped' } : agent));
  const session: SessionRecord = {
    ...(old ?? {}),
    id: meta.id,
    branch,
    worktree: relativeWorktree(facts.mainPath, path),
    startedAt: old?.startedAt ?? now,
    goals: old?.goals ?? [],
    status: 'active',
    ...(agents ? { agents } : {}),
    restoredAt: now,
    restoredFrom: entry.ref,
  };

  const ops: RestoreOp[] = [];
  if (!existing) ops.push({ op: 'create-branch', branch, commit: tip });
  ops.push({ op: 'add-worktree', path, branch });
  if (meta.dirty || meta.head !== tip) ops.push({ op: 'restore-uncommitted', path, commit: entry.commit });
  ops.push({ op: 'copy-env', from: facts.mainPath, to: path, files: facts.envFiles });
  if (facts.copy.length > 0) ops.push({ op: 'copy', from: facts.mainPath, to: path, globs: facts.copy });
  ops.push({ op: 'register', id: name, session });
  return { session, branch, ops };
}
