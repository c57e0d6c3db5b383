import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DoorError } from '../infra/errors.js';
import { environmentProblem } from '../infra/environment.js';
import { adoptedSession, emptyManifest, manifestPath, ManifestShapeError, sessionPath, validateManifest, type Manifest } from './manifest.js';
import { salvageManifest, type Salvage } from './salvage.js';
import { listWorktrees } from '../git/worktrees.js';
import { isInside, realPath, type Repo } from '../git/repo.js';
import { utcStamp } from '../infra/time.js';
import { notes } from '../infra/notes.js';
import { acquireLock } from '../infra/lock.js';
import { guessBase } from './adopt.js';
import { sweepTemps, writeAtomic } from '../infra/atomic.js';

export { writeAtomic };

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

type ReadResult = { kind: 'missing' } | { kind: 'ok'; manifest: Manifest } | { kind: 'damaged'; salvage: Salvage };

function readRaw(file: string, project: string): ReadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    if ((error as NodeJS.ErrnoException).code === 'EISDIR')
      return { kind: 'damaged', salvage: { manifest: emptyManifest(project), setAside: [], complete: false, reason: 'it is a directory' } };
    throw new DoorError(
      'manifest-unreadable',
      { path: file, said: environmentProblem(error) ?? (error as Error).message },
      `cannot read ${file}: ${(error as Error).message}`,
    );
  }
  try {
    return { kind: 'ok', manifest: validateManifest(JSON.parse(text), file) };
  } catch (error) {
    if (!(error instanceof ManifestShapeError) && !(error instanceof SyntaxError)) throw error;
  }
  return { kind: 'damaged', salvage: salvageManifest(text, file, project) };
}

/**
 * Reads the manifest without taking the lock (renames make reads safe). A
 * damaged file is salvaged in memory (its intact entries) and reported; it
 * is only rewritten by the next change (updateManifest), so a read-only
 * command never moves it.
 * Null when missing.
 */
export async function readManifest(store: Store): Promise<Manifest | null> {
  const file = manifestPath(store.sessionsDir);
  const result = readRaw(file, store.repo.project);
  if (result.kind === 'missing') return null;
  if (result.kind === 'ok') return result.manifest;
  // Only what the file holds: worktrees it lost show as unregistered until the next change adopts them.
  const { manifest } = result.salvage;
  notes.warn(
    `${describeDamage(file, result.salvage)} Using the ${manifest.sessions.length} intact session(s); ` +
      `the next change to the manifest keeps a copy of the file, sets the rest aside and registers lost ` +
      `worktrees again (nothing is deleted).`,
  );
  return manifest;
}

/** Lock, read (salvaging a damaged file), apply fn, write atomically, unlock. */
export async function updateManifest<T = Manifest>(store: Store, fn: (manifest: Manifest) => T | Promise<T>): Promise<T> {
  mkdirSync(store.sessionsDir, { recursive: true });
  const file = manifestPath(store.sessionsDir);
  const release = await acquireLock(lockPath(store.sessionsDir), { what: 'the manifest', timeoutMs: 10_000 });
  try {
    sweepTemps(file);
    const result = readRaw(file, store.repo.project);
    let manifest: Manifest;
    if (result.kind === 'ok') manifest = result.manifest;
    else if (result.kind === 'missing') manifest = emptyManifest(store.repo.project);
    else manifest = await setAsideDamaged(store, file, result.salvage);
    const before = JSON.stringify(manifest);
    const returned = await fn(manifest);
    if (JSON.stringify(manifest) !== before || result.kind !== 'ok') writeAtomic(file, `${JSON.stringify(manifest, null, 2)}\n`);
    return (returned === undefined ? manifest : returned) as T;
  } finally {
    await release();
  }
}

function describeDamage(file: string, salvage: Salvage): string {
  const names = salvage.setAside.map((each) => each.reason);
  return `The manifest ${file} is damaged (${salvage.reason})${names.length ? `; unusable entries: ${names.join('; ')}` : ''}.`;
}

/** A file cut short lost the entries after the cut: git's worktree list brings back those sessions (without goals). */
async function completeFromGit(store: Store, salvage: Salvage): Promise<Manifest> {
  const manifest: Manifest = { ...salvage.manifest, sessions: [...salvage.manifest.sessions] };
  if (salvage.complete) return manifest;
  const known = new Set(manifest.sessions.map((session) => realPath(sessionPath(store.repo.mainPath, session))));
  const ids = new Set(manifest.sessions.map((session) => session.id));
  for (const rebuilt of (await rebuildFromGit(store)).sessions) {
    if (known.has(realPath(sessionPath(store.repo.mainPath, rebuilt))) || ids.has(rebuilt.id)) continue;
    manifest.sessions.push(rebuilt);
  }
  return manifest;
}

/**
 * Keeps a copy of the damaged file (`.manifest.json.corrupt-<stamp>`), and
 * the entries that cannot be used in the manifest's own `setAside` list
 * (with the reason), where `cat` shows them and an edit moves one back.
 */
async function setAsideDamaged(store: Store, file: string, salvage: Salvage): Promise<Manifest> {
  let backup = `${file}.corrupt-${utcStamp()}`;
  if (existsSync(backup)) backup = `${backup}-${process.pid}`;
  if (existsSync(file) && !statSync(file).isDirectory()) copyFileSync(file, backup);
  else if (existsSync(file)) renameSync(file, backup);
  const manifest = await completeFromGit(store, salvage);
  if (salvage.setAside.length) {
    const earlier = Array.isArray(manifest.setAside) ? (manifest.setAside as unknown[]) : [];
    manifest.setAside = [...earlier, ...salvage.setAside.map((each) => ({ ...each, at: new Date().toISOString() }))];
  }
  notes.warn(
    `${describeDamage(file, salvage)} Kept ${salvage.manifest.sessions.length} intact session(s)` +
      (manifest.sessions.length > salvage.manifest.sessions.length
        ? ` and found ${manifest.sessions.length - salvage.manifest.sessions.length} more from git`
        : '') +
      `; a copy of the file is ${backup}` +
      (salvage.setAside.length ? '; the unusable entries are under "setAside" in the manifest: fix one and move it back into "sessions" to restore it' : '') +
      '.',
  );
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
