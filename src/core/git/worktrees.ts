import { git, gitProbe, type RunResult } from './git.js';

export interface WorktreeEntry {
  path: string;
  head: string | null;
  /** Short branch name, or null when detached or bare. */
  branch: string | null;
  bare: boolean;
  detached: boolean;
  locked: boolean;
  prunable: boolean;
}

/**
 * Parses `git worktree list --porcelain -z`: each attribute ends in NUL and an
 * empty attribute ends a record, so paths with newlines survive.
 */
export function parseWorktreeList(text: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = [];
  for (const block of text.split('\0\0')) {
    const lines = block.split('\0').filter(Boolean);
    if (!lines[0]?.startsWith('worktree ')) continue;
    const entry: WorktreeEntry = { path: lines[0].slice(9), head: null, branch: null, bare: false, detached: false, locked: false, prunable: false };
    for (const line of lines.slice(1)) {
      if (line.startsWith('HEAD ')) entry.head = line.slice(5);
      else if (line.startsWith('branch ')) entry.branch = line.slice(7).replace(/^refs\/heads\//, '');
      else if (line === 'bare') entry.bare = true;
      else if (line === 'detached') entry.detached = true;
      else if (line === 'locked' || line.startsWith('locked ')) entry.locked = true;
      else if (line === 'prunable' || line.startsWith('prunable ')) entry.prunable = true;
    }
    entries.push(entry);
  }
  return entries;
}

export async function listWorktrees(cwd: string): Promise<WorktreeEntry[]> {
  return parseWorktreeList(await git(cwd, ['worktree', 'list', '--porcelain', '-z']));
}

/** How a new worktree gets its branch: a new one at a commit, a new one tracking a remote branch, an existing one, or none (detached at a commit). */
export type WorktreeBranch = { create: string; at: string } | { create: string; tracking: string } | { existing: string } | { detach: string };

/**
 * `git worktree add` (quiet). `env` is added for git and its hooks (pwt marks
 * its own adds so its post-checkout hook does not adopt them twice).
 */
export async function addWorktree(mainPath: string, path: string, branch: WorktreeBranch, env?: NodeJS.ProcessEnv): Promise<RunResult & { args: string[] }> {
  const args =
    'detach' in branch
      ? ['worktree', 'add', '--quiet', '--detach', '--', path, branch.detach]
      : 'existing' in branch
        ? ['worktree', 'add', '--quiet', '--', path, branch.existing]
        : 'tracking' in branch
          ? ['worktree', 'add', '--quiet', '--track', '-b', branch.create, '--', path, branch.tracking]
          : ['worktree', 'add', '--quiet', '-b', branch.create, '--', path, branch.at];
  return { ...(await gitProbe(mainPath, args, env)), args };
}

/** Takes back a worktree pwt just added: removed even with changes (double force: also a locked one), then pruned. Never fails. */
export async function discardNewWorktree(mainPath: string, path: string): Promise<void> {
  await gitProbe(mainPath, ['worktree', 'remove', '--force', '--force', '--', path]);
  await gitProbe(mainPath, ['worktree', 'prune']);
}

/**
 * `git worktree remove`; `force` 1 also removes changes and untracked files
 * (and what git never removes without it: nested repositories), 2 also a
 * locked worktree. Fails as git does.
 */
export async function removeWorktree(mainPath: string, path: string, force: 0 | 1 | 2 = 0): Promise<void> {
  await git(mainPath, ['worktree', 'remove', ...Array<string>(force).fill('--force'), '--', path]);
}

/** `git worktree prune`: forgets worktrees whose folder is gone. */
export async function pruneWorktrees(mainPath: string): Promise<void> {
  await git(mainPath, ['worktree', 'prune']);
}

/** `git branch -D`: for branches pwt just made and is taking back. Never fails. */
export async function discardNewBranch(mainPath: string, branch: string): Promise<void> {
  await gitProbe(mainPath, ['branch', '-D', '--', branch]);
}
