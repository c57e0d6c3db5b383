import { preconditionError } from '../infra/errors.js';
import { git } from './git.js';
import { findRepoFast, isInside, realPath, type Repo } from './repo-fast.js';
import { basename } from 'node:path';

export { findRepoFast, isInside, realPath, type Repo };

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
  const mainPath = realPath(first ?? top);
  const worktreePath = realPath(top);
  return { mainPath, commonDir: realPath(commonDir), worktreePath, gitDir: realPath(gitDir), project: basename(mainPath), isMain: worktreePath === mainPath };
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
