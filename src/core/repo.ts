import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { preconditionError } from './errors.js';
import { git } from './git.js';

/**
 * Where the current directory sits in a repository. Found by reading the .git
 * file or folder directly (no git process) because `pwt path` and the hooks
 * must start fast; unusual layouts (GIT_DIR, separate git dirs) fall back to
 * git itself.
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

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** Fast discovery; null when the layout needs git to interpret it. */
export function findRepoFast(cwd: string): Repo | null | 'not-a-repo' {
  if (process.env.GIT_DIR || process.env.GIT_WORK_TREE || process.env.GIT_COMMON_DIR) return null;
  const found = findDotGit(real(cwd));
  if (!found) return 'not-a-repo';
  const commonDir = real(commonDirOf(found.gitDir));
  // The usual layout: <main>/.git is the common dir. Anything else (bare repo,
  // --separate-git-dir) goes through git.
  if (basename(commonDir) !== '.git' || existsSync(join(commonDir, 'commondir'))) return null;
  const mainPath = dirname(commonDir);
  if (!existsSync(join(mainPath, '.git'))) return null;
  const worktreePath = real(found.top);
  return { mainPath, commonDir, worktreePath, gitDir: real(found.gitDir), project: basename(mainPath), isMain: worktreePath === mainPath };
}

async function findRepoWithGit(cwd: string): Promise<Repo | null> {
  let out: string;
  try {
    out = await git(cwd, ['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-dir', '--git-common-dir']);
  } catch {
    return null;
  }
  const [top, gitDir, commonDir] = out.trim().split('\n');
  if (!top || !gitDir || !commonDir) return null;
  const list = await git(cwd, ['worktree', 'list', '--porcelain', '-z']);
  const first = list.split('\0')[0]?.replace(/^worktree /, '');
  const mainPath = real(first ?? top);
  const worktreePath = real(top);
  return { mainPath, commonDir: real(commonDir), worktreePath, gitDir: real(gitDir), project: basename(mainPath), isMain: worktreePath === mainPath };
}

export async function findRepo(cwd = process.cwd()): Promise<Repo | null> {
  const fast = findRepoFast(cwd);
  if (fast === 'not-a-repo') return null;
  return fast ?? findRepoWithGit(cwd);
}

export async function requireRepo(cwd = process.cwd()): Promise<Repo> {
  const repo = await findRepo(cwd);
  if (!repo) throw preconditionError('Not inside a git repository.', 'cd into your project (the main worktree) and run the command again.');
  return repo;
}

/** True when `child` is `parent` or inside it (both real paths). */
export function isInside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

export { real as realPath };
