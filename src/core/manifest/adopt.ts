import { currentBranch, mergeBase } from '../git/git.js';

/**
 * For a worktree pwt did not create (adopted by `pwt cleanup` or the
 * post-checkout hook, or found again when a corrupt manifest is rebuilt), the
 * base is a guess: the branch the main worktree is on, where `pwt create`
 * would have started, and the commit where the worktree's history left it.
 * Status needs both for ahead/behind; remove for its merge target.
 */
export async function guessBase(mainPath: string, worktreePath: string): Promise<{ base?: string; baseCommit?: string }> {
  const base = await currentBranch(mainPath);
  if (!base) return {};
  const baseCommit = await mergeBase(worktreePath, base, 'HEAD');
  return baseCommit ? { base, baseCommit } : { base };
}
