import { chmodSync, constants, copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Step } from '../workflow/execute.js';
import type { Project } from '../project/project.js';

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

export async function copyIgnored(from: string, to: string, globs: string[]): Promise<CopyResult> {
  const result: CopyResult = { copied: [], kept: [] };
  for (const path of await matchCopyGlobs(from, globs)) {
    const target = join(to, path);
    if (existsSync(target) && !lstatSync(target).isDirectory()) {
      result.kept.push(path);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
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
  return result;
}

/** The copy step of create and restore; its action lists what was copied once it ran. */
export function copyStep(from: string, to: string, globs: string[]): Step<{ op: 'copy'; globs: string[]; copied: string[]; kept: string[] }> {
  const action = { op: 'copy' as const, globs, copied: [] as string[], kept: [] as string[] };
  return {
    action,
    title: `copy ${globs.join(', ')} from the main worktree (copy-on-write where possible)`,
    run: async () => {
      const done = await copyIgnored(from, to, globs);
      action.copied.push(...done.copied);
      action.kept.push(...done.kept);
    },
  };
}

/** What a session pwt did not create (adopted by the git hook or cleanup) gets: env files and `copy`. */
export async function warmAdopted(project: Project, path: string): Promise<{ envCopied: string[]; copied: string[] }> {
  const env = copyEnvFiles(project.repo.mainPath, path, project.config.envFiles);
  const copied = await copyIgnored(project.repo.mainPath, path, project.config.copy);
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
