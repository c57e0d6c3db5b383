import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock } from '../infra/lock.js';
import { Exit, PwtError } from '../infra/errors.js';
import type { Project } from '../project/project.js';

/**
 * One pwt at a time per session for the commands that end or bring back a
 * session (remove, restore, cleanup): two of them interleaving could each
 * see the other's half-done state. The lock lives in the sessions dir's
 * `.pwt/locks/`, never in the worktree that is about to go.
 */
export async function withSessionLock<T>(project: Project, id: string, fn: () => Promise<T>): Promise<T> {
  const folder = join(project.sessionsDir, '.pwt', 'locks');
  mkdirSync(folder, { recursive: true });
  let release: () => Promise<void>;
  try {
    release = await acquireLock(join(folder, `${id}.lock`), { what: `session ${id}`, timeoutMs: 1_000 });
  } catch (error) {
    if (error instanceof PwtError && error.kind === 'lock-busy') {
      throw new PwtError(
        `Another pwt is working on session ${id} right now (remove, restore, cleanup or an agent start).`,
        Exit.precondition,
        'Wait for it to finish, then run pwt status and try again if needed.',
      );
    }
    throw error;
  }
  try {
    return await fn();
  } finally {
    await release();
  }
}

/** Several sessions' locks, taken in name order (two cleanups never wait on each other crosswise). */
export async function withSessionLocks<T>(project: Project, ids: string[], fn: () => Promise<T>): Promise<T> {
  const [first, ...rest] = [...new Set(ids.filter(Boolean))].sort();
  if (first === undefined) return fn();
  return withSessionLock(project, first, () => withSessionLocks(project, rest, fn));
}
