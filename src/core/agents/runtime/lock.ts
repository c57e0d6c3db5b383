import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { withLock } from '../../infra/lock.js';
import type { Store } from '../../manifest/store.js';
import { pwtStateDir } from './records.js';

/**
 * The per-worktree lifecycle lock: every start, resume, switch, stop and rm
 * of one session's agents runs under it, so two terminals acting on the same
 * worktree at once take turns (the second sees what the first did). The
 * manifest lock is held only for each short read-modify-write inside.
 */
const LIFECYCLE_TIMEOUT_MS = 60_000;

/** `.pwt/locks/<session>.agents.lock`: apart from `<session>.lock`, which remove/restore/cleanup hold while they may stop agents under this one. */
export function lifecycleLockPath(sessionsDir: string, session: string): string {
  return join(pwtStateDir(sessionsDir), 'locks', `${session}.agents.lock`);
}

/**
 * What launches an agent (start, switch, new, resume) holds the session's own
 * lock too, the one `pwt remove`, `restore` and `cleanup` hold, so a start
 * and a removal of one session never interleave (a start racing a removal
 * could launch into a folder being deleted). One lock order everywhere:
 * session lock, then the agents lock, then the manifest lock (held only for
 * each short write). Never the other way round. The path is the one
 * sessions/lock.ts uses.
 */
export function sessionLockPath(sessionsDir: string, session: string): string {
  return join(pwtStateDir(sessionsDir), 'locks', `${session}.lock`);
}

export async function withLaunchLocks<T>(store: Store, session: string, fn: () => Promise<T>): Promise<T> {
  mkdirSync(join(pwtStateDir(store.sessionsDir), 'locks'), { recursive: true });
  return withLock(
    sessionLockPath(store.sessionsDir, session),
    { what: `session ${session} (a remove, restore or cleanup is running)`, timeoutMs: LIFECYCLE_TIMEOUT_MS },
    () => withLifecycleLock(store, session, fn),
  );
}

export async function withLifecycleLock<T>(store: Store, session: string, fn: () => Promise<T>): Promise<T> {
  const dir = join(pwtStateDir(store.sessionsDir), 'locks');
  mkdirSync(dir, { recursive: true });
  const lock = lifecycleLockPath(store.sessionsDir, session);
  return withLock(lock, { what: `the agents of session ${session}`, timeoutMs: LIFECYCLE_TIMEOUT_MS }, fn);
}
