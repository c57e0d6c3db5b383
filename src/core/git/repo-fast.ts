import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';

/**
 * Where the current directory sits in a repository. Found by reading the .git
 * file or folder directly (no git process, no child_process module) because
 * `pwt path` and the hooks must start fast; unusual layouts (GIT_DIR,
 * separate git dirs) fall back to git itself (./repo.ts).
 */
export interface Repo {
  /** Absolute real path of the main worktree (first entry of `git worktree list`). */
  mainPath: string;
  /** The common git dir shared by all worktrees. */
  commonDir: string;
  /** Top folder of the worktree that holds cwd. */
  worktreePath: string;
  /** The per-worktree git dir of that worktree. */
  gitDir: string;
  /** Project name: basename of the main worktree. */
  project: string;
  isMain: boolean;
}

function readGitFile(file: string): string | null {
  const match = readFileSync(file, 'utf8').match(/^gitdir: (.*)$/m);
  if (!match?.[1]) return null;
  const target = match[1].trim();
  return isAbsolute(target) ? target : resolve(dirname(file), target);
}

function findDotGit(start: string): { top: string; gitDir: string } | null {
  let dir = start;
  for (;;) {
    const candidate = join(dir, '.git');
    if (existsSync(candidate)) {
      const gitDir = statSync(candidate).isDirectory() ? candidate : readGitFile(candidate);
      return gitDir ? { top: dir, gitDir } : null;
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function commonDirOf(gitDir: string): string {
  const file = join(gitDir, 'commondir');
  if (!existsSync(file)) return gitDir;
  const target = readFileSync(file, 'utf8').trim();
  return isAbsolute(target) ? target : resolve(gitDir, target);
}

export function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** Fast discovery; null when the layout needs git to interpret it. */
export function findRepoFast(cwd: string): Repo | null | 'not-a-repo' {
  if (process.env.GIT_DIR || process.env.GIT_WORK_TREE || process.env.GIT_COMMON_DIR) return null;
  const found = findDotGit(realPath(cwd));
  if (!found) return 'not-a-repo';
  const commonDir = realPath(commonDirOf(found.gitDir));
  // The usual layout: <main>/.git is the common dir. Anything else (bare repo,
  // --separate-git-dir) goes through git.
  if (basename(commonDir) !== '.git' || existsSync(join(commonDir, 'commondir'))) return null;
  const mainPath = dirname(commonDir);
  if (!existsSync(join(mainPath, '.git'))) return null;
  const worktreePath = realPath(found.top);
  return { mainPath, commonDir, worktreePath, gitDir: realPath(found.gitDir), project: basename(mainPath), isMain: worktreePath === mainPath };
}

/** True when `child` is `parent` or inside it (both real paths). */
export function isInside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}
