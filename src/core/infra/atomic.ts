import { closeSync, fsyncSync, linkSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Exit, PwtError } from './errors.js';
import { PWT_ENV } from './env.js';
import { isAlive } from './processes.js';

/**
 * Atomic files, and the test hook that cuts pwt before a file change.
 *
 * `PWT_FAULT=kill-before-change:K` kills this pwt (SIGKILL, as a crash or
 * an OOM kill would) right before its K-th file change: a write through
 * writeAtomic, a recorded intent written or cleared, a folder moved into the
 * archive. The crash tests run each operation with every K and check that the
 * next run finishes the job.
 */
let changes = 0;

export function beforeChange(): void {
  const fault = process.env[PWT_ENV.fault];
  if (!fault?.startsWith('kill-before-change:')) return;
  if (++changes === Number(fault.slice('kill-before-change:'.length))) process.kill(process.pid, 'SIGKILL');
}

let tempCounter = 0;

const tempPattern = /^\.(.+)\.(\d+)\.\d+\.\d+\.tmp$/;

/**
 * Write to a temp file in the same folder, fsync, rename: readers see old or new, never half.
 * `durable: false` skips the fsync, for files that are only a cache (after a power cut they may be
 * empty, and their readers treat that as no cache): an fsync costs milliseconds on a busy disk.
 */
export function writeAtomic(file: string, text: string, mode = 0o644, { durable = true }: { durable?: boolean } = {}): void {
  beforeChange();
  // pid + time + counter is unique among writers; node:crypto would cost startup time.
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.${++tempCounter}.tmp`);
  try {
    if (process.env[PWT_ENV.fault] === 'manifest-write') throw new PwtError(`Injected failure writing ${file} (PWT_FAULT=manifest-write).`, Exit.bug);
    const fd = openSync(temp, 'w', mode);
    try {
      writeSync(fd, text);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Removes the temp files a killed writer left beside `file` (those of live writers stay). */
export function sweepTemps(file: string): void {
  let names: string[];
  try {
    names = readdirSync(dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    const match = tempPattern.exec(name);
    if (!match || match[1] !== basename(file)) continue;
    const pid = Number(match[2]);
    if (pid !== process.pid && !isAlive(pid)) rmSync(join(dirname(file), name), { force: true });
  }
}

/**
 * Writes `file` whole (temp file, fsync, hard link) only if it does not
 * exist yet: false when it does. link(2) fails on an existing name, so of two
 * writers only one gets it.
 */
export function writeExclusive(file: string, text: string): boolean {
  beforeChange();
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.${++tempCounter}.tmp`);
  try {
    const fd = openSync(temp, 'w', 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linkSync(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Removes a file as a counted change (the crash tests cut before it too). */
export function removeFile(file: string): void {
  beforeChange();
  rmSync(file, { force: true });
}
