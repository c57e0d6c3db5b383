import { chmodSync, constants, copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Project } from '../project/project.js';
import { notes } from '../infra/notes.js';

/**
 * `.pwt.json` "copy": ignored files (node_modules, build caches) brought from
 * the main worktree into a new session so it starts warm. Copy-on-write
 * where the filesystem can (COPYFILE_FICLONE: a reflink on btrfs, XFS, APFS;
 * otherwise Node falls back to a plain copy), never hardlinks: an agent
 * editing a hardlinked file would edit the main worktree's too. Symlinks are
 * copied as they are (node_modules/.bin points into its own tree), modes and
 * times are kept (build caches compare mtimes), and nothing that already
 * exists in the session is overwritten.
 */
export interface CopyResult {
  /** Matched paths (files or whole folders), relative to the worktree. */
  copied: string[];
  /** Matched paths that already existed in the session, left alone. */
  kept: string[];
  /** How the copy went, when something was copied. */
  report?: CopyReport;
}

/** How a copy was made: by reflink (blocks shared, copy-on-write) or byte by byte; its size, entries and time. */
export interface CopyReport {
  mode: 'reflink' | 'bytes';
  bytes: number;
  entries: number;
  ms: number;
}

/** Files, folders and symlinks under `path` (itself included) and the bytes of its files. */
function measure(path: string): { entries: number; bytes: number; firstFile: string | null } {
  let entries = 0;
  let bytes = 0;
  let firstFile: string | null = null;
  const stack = [path];
  while (stack.length > 0) {
    const current = stack.pop()!;
    const stat = lstatSync(current, { throwIfNoEntry: false });
    if (!stat) continue;
    entries++;
    if (stat.isDirectory()) for (const name of readdirSync(current)) stack.push(join(current, name));
    else if (stat.isFile()) {
      bytes += stat.size;
      if (firstFile === null && stat.size > 0) firstFile = current;
    }
  }
  return { entries, bytes, firstFile };
}

/**
 * Whether this filesystem pair shares blocks: one file copied with
 * COPYFILE_FICLONE_FORCE (which fails where a reflink is impossible, where
 * COPYFILE_FICLONE would silently copy the bytes), then removed.
 */
function reflinks(file: string, toDir: string): boolean {
  const probe = join(toDir, `.pwt-reflink-probe-${process.pid}`);
  try {
    copyFileSync(file, probe, constants.COPYFILE_FICLONE_FORCE);
    return true;
  } catch {
    return false;
  } finally {
    try {
      unlinkSync(probe);
    } catch {
      // Never made.
    }
  }
}

const megabytes = (bytes: number) =>
  bytes >= 1024 * 1024 * 1024
    ? `${(bytes / 1024 ** 3).toFixed(1)} GB`
    : bytes >= 1024 * 1024
      ? `${(bytes / 1024 ** 2).toFixed(1)} MB`
      : `${Math.ceil(bytes / 1024)} KB`;

/** One line for people: what was copied, how, how big, how long. */
export function describeCopy(copied: string[], report: CopyReport): string {
  const how = report.mode === 'reflink' ? 'by reflink (blocks shared, copy-on-write)' : 'byte by byte (this filesystem has no reflinks)';
  const size = `${report.entries} entries, ${megabytes(report.bytes)}`;
  return `Copied ${copied.join(', ')} from the main worktree: ${size}, ${how}, in ${(report.ms / 1000).toFixed(1)} s.`;
}

/** Paths matching the globs in `from`, folders taken whole (nothing inside a matched folder is listed again). */
export async function matchCopyGlobs(from: string, globs: string[]): Promise<string[]> {
  if (globs.length === 0 || !existsSync(from)) return [];
  const { glob } = await import('tinyglobby');
  const found = await glob(globs, { cwd: from, dot: true, onlyFiles: false, followSymbolicLinks: false, ignore: ['**/.git', '**/.git/**'] });
  const paths = [...new Set(found.map((path) => path.replace(/\/+$/, '')))].filter(Boolean).sort();
  const tops: string[] = [];
  for (const path of paths) if (!tops.some((top) => path.startsWith(`${top}/`))) tops.push(path);
  return tops;
}

/** Copies the matches of `globs` from `from` into `to`; says how (a note) before anything runs after it, such as the post-create hook. */
export async function copyIgnored(from: string, to: string, globs: string[]): Promise<CopyResult> {
  const result: CopyResult = { copied: [], kept: [] };
  const started = Date.now();
  let mode: CopyReport['mode'] | null = null;
  for (const path of await matchCopyGlobs(from, globs)) {
    const target = join(to, path);
    if (existsSync(target) && !lstatSync(target).isDirectory()) {
      result.kept.push(path);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    if (mode === null) {
      const sample = measure(join(from, path)).firstFile;
      if (sample !== null) mode = reflinks(sample, dirname(target)) ? 'reflink' : 'bytes';
    }
    cpSync(join(from, path), target, {
      recursive: true,
      force: false,
      errorOnExist: false,
      verbatimSymlinks: true,
      preserveTimestamps: true,
      mode: constants.COPYFILE_FICLONE,
    });
    result.copied.push(path);
  }
  if (result.copied.length > 0) {
    const ms = Date.now() - started;
    const size = result.copied
      .map((path) => measure(join(to, path)))
      .reduce((sum, each) => ({ entries: sum.entries + each.entries, bytes: sum.bytes + each.bytes }), { entries: 0, bytes: 0 });
    result.report = { mode: mode ?? 'bytes', bytes: size.bytes, entries: size.entries, ms };
    notes.info(describeCopy(result.copied, result.report));
  }
  return result;
}

/** The title of the copy step of create and restore. */
export const copyTitle = (globs: string[]) => `copy ${globs.join(', ')} from the main worktree (copy-on-write where possible)`;

/** What a session pwt did not create (adopted by the git hook or cleanup) gets: env files and `copy`. */
export async function warmAdopted(project: Project, path: string): Promise<{ envCopied: string[]; copied: string[] }> {
  const env = copyEnvFiles(project.repo.mainPath, path, project.config.envFiles);
  const copied = await copyIgnored(project.repo.mainPath, path, project.config.copy);
  const { ensureSessionHooks } = await import('../project/hooks-folder.js');
  await ensureSessionHooks(project.repo.mainPath, path);
  return { envCopied: env.copied, copied: copied.copied };
}

/** Copies env files that exist in the main worktree; an existing target is never overwritten. */
export function copyEnvFiles(from: string, to: string, files: string[]): { copied: string[]; kept: string[] } {
  const copied: string[] = [];
  const kept: string[] = [];
  for (const file of files) {
    const source = join(from, file);
    if (!existsSync(source) || !statSync(source).isFile()) continue;
    const target = join(to, file);
    if (existsSync(target)) {
      kept.push(file);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(source, target, constants.COPYFILE_EXCL);
    chmodSync(target, statSync(source).mode & 0o7777);
    copied.push(file);
  }
  return { copied, kept };
}
