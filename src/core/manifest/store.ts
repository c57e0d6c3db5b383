import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Exit, PwtError } from '../infra/errors.js';
import { adoptedSession, emptyManifest, manifestPath, ManifestShapeError, validateManifest, type Manifest } from './manifest.js';
import { listWorktrees } from '../git/worktrees.js';
import { isInside, realPath, type Repo } from '../git/repo.js';
import { utcStamp } from '../infra/time.js';
import { notes } from '../infra/notes.js';
import { acquireLock } from '../infra/lock.js';
import { guessBase } from './adopt.js';
import { PWT_ENV } from '../infra/env.js';

/**
 * The one door to the manifest file (docs/concepts.md): reads validate, and every
 * change is a read-modify-write under an inter-process lock, written to a temp
 * file, fsynced and renamed over the old one.
 */
export interface Store {
  repo: Repo;
  sessionsDir: string;
}

export function lockPath(sessionsDir: string): string {
  return `${manifestPath(sessionsDir)}.lock`;
}

type ReadResult = { kind: 'missing' } | { kind: 'ok'; manifest: Manifest } | { kind: 'corrupt'; reason: string };

function readRaw(file: string): ReadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') return { kind: 'corrupt', reason: 'it is a directory' };
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { kind: 'corrupt', reason: `it is not valid JSON (${(error as Error).message})` };
  }
  try {
    return { kind: 'ok', manifest: validateManifest(data, file) };
  } catch (error) {
    if (error instanceof ManifestShapeError) return { kind: 'corrupt', reason: error.message };
    throw error;
  }
}

/**
 * Reads the manifest without taking the lock (renames make reads safe). A
 * corrupt file is moved aside and rebuilt under the lock. Null when missing.
 */
export async function readManifest(store: Store): Promise<Manifest | null> {
  const result = readRaw(manifestPath(store.sessionsDir));
  if (result.kind === 'missing') return null;
  if (result.kind === 'ok') return result.manifest;
  return updateManifest(store, (manifest) => manifest);
}

/** Lock, read (recovering a corrupt file), apply fn, write atomically, unlock. */
export async function updateManifest<T = Manifest>(store: Store, fn: (manifest: Manifest) => T | Promise<T>): Promise<T> {
  mkdirSync(store.sessionsDir, { recursive: true });
  const file = manifestPath(store.sessionsDir);
  const release = await acquireLock(file, lockPath(store.sessionsDir), { what: 'the manifest', timeoutMs: 10_000 });
  try {
    const result = readRaw(file);
    let manifest: Manifest;
    if (result.kind === 'ok') manifest = result.manifest;
    else if (result.kind === 'missing') manifest = emptyManifest(store.repo.project);
    else manifest = await recoverCorrupt(store, file, result.reason);
    const before = JSON.stringify(manifest);
    const returned = await fn(manifest);
    if (JSON.stringify(manifest) !== before || result.kind !== 'ok') writeAtomic(file, `${JSON.stringify(manifest, null, 2)}\n`);
    return (returned === undefined ? manifest : returned) as T;
  } finally {
    await release();
  }
}

let tempCounter = 0;

/** Write to a temp file in the same folder, fsync, rename: readers see old or new, never half. */
export function writeAtomic(file: string, text: string): void {
  // pid + time + counter is unique among writers; node:crypto would cost startup time.
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.${++tempCounter}.tmp`);
  try {
    if (process.env[PWT_ENV.fault] === 'manifest-write') throw new PwtError(`Injected failure writing ${file} (PWT_FAULT=manifest-write).`, Exit.bug);
    const fd = openSync(temp, 'w', 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Moves a corrupt manifest aside and rebuilds one from git's worktree list. */
async function recoverCorrupt(store: Store, file: string, reason: string): Promise<Manifest> {
  const backup = `${file}.corrupt-${utcStamp()}`;
  renameSync(file, existsSync(backup) ? `${backup}-${process.pid}` : backup);
  const manifest = await rebuildFromGit(store);
  notes.warn(`The manifest was unreadable (${reason}); moved it to ${backup} and rebuilt ${manifest.sessions.length} session(s) from git. Goals are only in the backup.`);
  return manifest;
}

export async function rebuildFromGit(store: Store): Promise<Manifest> {
  const manifest = emptyManifest(store.repo.project);
  const sessionsDir = realPath(store.sessionsDir);
  for (const entry of await listWorktrees(store.repo.mainPath)) {
    const path = realPath(entry.path);
    if (entry.prunable || entry.bare || dirname(path) !== sessionsDir || !isInside(path, sessionsDir)) continue;
    manifest.sessions.push(adoptedSession(store.repo.mainPath, path, entry.branch ?? entry.head ?? 'HEAD', await guessBase(store.repo.mainPath, path)));
  }
  return manifest;
}
