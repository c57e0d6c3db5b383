import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { doorRefusal } from './door-errors.js';
import { isSameProcess, processStartTime } from './processes.js';
import { PWT_ENV } from './env.js';

/**
 * Inter-process locks. A lock is a directory holding a `pid` file that names
 * its holder. It comes into being whole: the directory is made under a temp
 * name, the pid written inside, then renamed into place (rename(2) fails on a
 * directory that exists with content), so a lock is never seen without its
 * owner. A lock whose holder is gone (killed with kill -9, which skips every
 * cleanup) is taken over at once; so is one with no readable pid (left by an
 * older pwt, or edited by hand), since no running pwt writes one like that.
 */
export interface LockOptions {
  /** What the lock protects, for the error message ("the manifest"). */
  what: string;
  timeoutMs: number;
  /** Called once when the lock is busy and pwt starts waiting (say so: a silent wait looks like a hang). */
  onWait?: (message: string) => void;
}

export interface LockHolder {
  pid: number;
  /** The holder's start time (/proc), so a reused pid is not taken for the holder. */
  start: string | null;
}

const holderFile = (lockPath: string) => join(lockPath, 'pid');

/** Who holds the lock: null when the directory is missing or names no one. */
export function lockHolder(lockPath: string): LockHolder | null {
  try {
    const [pidText, start] = readFileSync(holderFile(lockPath), 'utf8').trim().split(/\s+/);
    const pid = Number(pidText);
    return Number.isInteger(pid) && pid > 0 ? { pid, start: start || null } : null;
  } catch {
    return null;
  }
}

/** The lock exists and its holder is a running process. */
export function lockIsLive(lockPath: string): boolean {
  const holder = lockHolder(lockPath);
  return holder !== null && isSameProcess(holder.pid, holder.start);
}

let counter = 0;

/** Leftovers of this lock's temp and set-aside directories whose makers are gone. */
function sweepLeftovers(lockPath: string): void {
  const prefix = `${basename(lockPath)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(lockPath));
  } catch {
    return;
  }
  for (const name of names) {
    const match = name.startsWith(prefix) ? /^(?:new|dead)-(\d+)-/.exec(name.slice(prefix.length)) : null;
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isSameProcess(pid, null)) continue;
    rmSync(join(dirname(lockPath), name), { recursive: true, force: true });
  }
}

/** One attempt: true when this process now holds the lock. */
function tryLock(lockPath: string): boolean {
  const temp = `${lockPath}.new-${process.pid}-${++counter}`;
  mkdirSync(temp);
  try {
    writeFileSync(holderFile(temp), `${process.pid} ${processStartTime(process.pid) ?? ''}\n`);
    renameSync(temp, lockPath);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EISDIR') return false;
    if (code === 'ENOTDIR') {
      throw doorRefusal('lock-in-the-way', { path: lockPath });
    }
    throw error;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/**
 * Takes over a lock whose holder is gone. Renaming it aside first makes the
 * takeover atomic: of two pwt processes seeing the same dead holder, only one
 * rename succeeds. Should the one set aside turn out to be live (a new holder
 * came between the look and the rename), it goes back.
 */
function takeOverDead(lockPath: string): boolean {
  const holder = lockHolder(lockPath);
  if (holder !== null && (holder.pid === process.pid || isSameProcess(holder.pid, holder.start))) return false;
  // An empty directory without a pid may be a lock being renamed into place right now: rename(2) replaces an empty one anyway.
  const aside = `${lockPath}.dead-${process.pid}-${++counter}`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return false;
  }
  const moved = lockHolder(aside);
  if (moved !== null && moved.pid !== holder?.pid && isSameProcess(moved.pid, moved.start)) {
    try {
      renameSync(aside, lockPath);
      return false;
    } catch {
      // Someone holds it again; the displaced one's release finds it gone and does nothing.
    }
  }
  rmSync(aside, { recursive: true, force: true });
  return true;
}

/** Takes the lock (directory `lockPath`), waiting up to timeoutMs; returns the release function. */
export async function acquireLock(lockPath: string, opts: LockOptions): Promise<() => Promise<void>> {
  const timeoutMs = Number(process.env[PWT_ENV.lockTimeoutMs]) || opts.timeoutMs;
  const deadline = Date.now() + timeoutMs;
  let told = false;
  let swept = false;
  for (;;) {
    if (fileInTheWay(lockPath)) {
      throw doorRefusal('lock-in-the-way', { path: lockPath });
    }
    if (tryLock(lockPath)) {
      if (!swept) sweepLeftovers(lockPath);
      return async () => {
        if (lockHolder(lockPath)?.pid !== process.pid) return;
        // Renamed aside first, then deleted: deleting in place empties the folder before removing it, and
        // another pwt's lock renamed onto that empty folder meanwhile would make the removal fail (ENOTEMPTY).
        const aside = `${lockPath}.dead-${process.pid}-${++counter}`;
        try {
          renameSync(lockPath, aside);
        } catch {
          return;
        }
        rmSync(aside, { recursive: true, force: true });
      };
    }
    if (!swept) {
      swept = true;
      sweepLeftovers(lockPath);
    }
    if (takeOverDead(lockPath)) continue;
    const holder = lockHolder(lockPath);
    if (!told && opts.onWait) {
      told = true;
      opts.onWait(
        `Waiting for ${opts.what}: ${lockPath} is held by another ` +
          `pwt${holder ? ` (pid ${holder.pid})` : ''}; giving up after ${Math.round(timeoutMs / 1000)} s.`,
      );
    }
    if (Date.now() >= deadline) {
      throw doorRefusal('lock-busy', { what: opts.what, path: lockPath, holder: holder?.pid ?? null, seconds: Math.round(timeoutMs / 1000) });
    }
    await new Promise((done) => setTimeout(done, 20 + Math.random() * 60));
  }
}

function fileInTheWay(lockPath: string): boolean {
  try {
    return !statSync(lockPath).isDirectory();
  } catch {
    return false;
  }
}

export async function withLock<T>(lockPath: string, opts: LockOptions, fn: () => Promise<T>): Promise<T> {
  const release = await acquireLock(lockPath, opts);
  try {
    return await fn();
  } finally {
    await release();
  }
}
