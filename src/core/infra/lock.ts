import { preconditionError } from './errors.js';
import { PWT_ENV } from './env.js';

/**
 * Inter-process locks (proper-lockfile: a lock directory whose mtime is
 * refreshed while held; one older than `stale` is taken over, so a killed
 * pwt never blocks the others for long).
 */
type LockModule = { default: typeof import('proper-lockfile') };
let lockModule: Promise<LockModule> | undefined;
const STALE_MS = 10_000;

/** Starts loading proper-lockfile (~20 ms) early, so it overlaps with git work. */
export function preloadLock(): void {
  lockModule ??= import('proper-lockfile');
}

export interface LockOptions {
  /** What the lock protects, for the error message ("the manifest"). */
  what: string;
  timeoutMs: number;
}

/** Takes the lock (directory `lockPath` guarding `target`), waiting up to timeoutMs; returns the release function. */
export async function acquireLock(target: string, lockPath: string, opts: LockOptions): Promise<() => Promise<void>> {
  preloadLock();
  const { default: lockfile } = await (lockModule as Promise<LockModule>);
  const timeoutMs = Number(process.env[PWT_ENV.lockTimeoutMs]) || opts.timeoutMs;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      // realpath: false lets us lock a file that does not exist yet.
      return await lockfile.lock(target, { realpath: false, stale: STALE_MS, lockfilePath: lockPath, onCompromised: () => {} });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // proper-lockfile's lock is a directory; a file of that name (ENOTDIR) is in the way.
      if (code === 'ENOTDIR' || code === 'EEXIST') {
        throw preconditionError(`${lockPath} is in the way: it should be a lock directory but is a file.`, `If no pwt is running, delete it (rm ${lockPath}) and run the command again.`);
      }
      if (code !== 'ELOCKED') throw error;
      if (Date.now() >= deadline) {
        throw preconditionError(
          `Could not lock ${opts.what} within ${Math.round(timeoutMs / 1000)} s: ${lockPath} is held by another pwt.`,
          `Wait for the other pwt to finish; if none is running, delete ${lockPath}.`,
        );
      }
      await new Promise((done) => setTimeout(done, 20 + Math.random() * 60));
    }
  }
}

export async function withLock<T>(target: string, lockPath: string, opts: LockOptions, fn: () => Promise<T>): Promise<T> {
  const release = await acquireLock(target, lockPath, opts);
  try {
    return await fn();
  } finally {
    await release();
  }
}
