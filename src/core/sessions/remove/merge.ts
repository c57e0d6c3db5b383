import { git, gitProbe } from '../../git/git.js';

/**
 * Merging without a checkout. `git merge-tree --write-tree` (git 2.38+)
 * computes the merge result as a tree, touching no index and no worktree;
 * exit 1 means conflicts, listed after the tree id with --name-only
 * (git-merge-tree(1), "OUTPUT").
 */

export type MergePlan =
  | { kind: 'already-merged'; how: 'ancestor' | 'same-tree' }
  | { kind: 'fast-forward'; target: string }
  | { kind: 'merge-commit'; tree: string }
  | { kind: 'conflicts'; files: string[] };

export async function isAncestor(cwd: string, ancestor: string, descendant: string): Promise<boolean> {
  return (await gitProbe(cwd, ['merge-base', '--is-ancestor', ancestor, descendant])).code === 0;
}

async function treeOf(cwd: string, commit: string): Promise<string> {
  return (await git(cwd, ['rev-parse', `${commit}^{tree}`])).trim();
}

/** Tree of merging `theirs` into `ours`, or the conflicting files. */
export async function mergeTree(cwd: string, ours: string, theirs: string): Promise<{ tree: string } | { conflicts: string[] }> {
  const result = await gitProbe(cwd, ['merge-tree', '--write-tree', '-z', '--name-only', '--no-messages', ours, theirs]);
  const [tree, ...rest] = result.stdout.split('\0');
  if (result.code === 0 && tree) return { tree };
  if (result.code === 1 && tree) return { conflicts: [...new Set(rest.filter(Boolean))] };
  throw new Error(`git merge-tree --write-tree failed (${result.code}): ${result.stderr.trim()}`);
}

/**
 * What merging `branchTip` into `baseTip` would do. Trees, not only ancestry,
 * decide "already merged": a branch whose changes reached the base through a
 * squash merge (or cherry-picks) merges to exactly the base's tree.
 */
export async function planMerge(cwd: string, baseTip: string, branchTip: string): Promise<MergePlan> {
  if (await isAncestor(cwd, branchTip, baseTip)) return { kind: 'already-merged', how: 'ancestor' };
  if (await isAncestor(cwd, baseTip, branchTip)) return { kind: 'fast-forward', target: branchTip };
  const merged = await mergeTree(cwd, baseTip, branchTip);
  if ('conflicts' in merged) return { kind: 'conflicts', files: merged.conflicts };
  if (merged.tree === (await treeOf(cwd, baseTip))) return { kind: 'already-merged', how: 'same-tree' };
  return { kind: 'merge-commit', tree: merged.tree };
}

/** True when everything on the branch is in the base (by ancestry or by tree, so squash merges count). */
export async function isMerged(cwd: string, base: string, branch: string): Promise<boolean> {
  const plan = await planMerge(cwd, base, branch).catch(() => null);
  return plan?.kind === 'already-merged';
}

/**
 * Moves the base branch to `target`, a descendant of its tip. Where the base
 * is checked out, `git merge --ff-only` moves branch, index and files together
 * or fails having changed nothing. Elsewhere `update-ref` with the old value
 * refuses if someone moved the base meanwhile.
 */
export async function advanceBase(cwd: string, baseBranch: string, baseTip: string, target: string, checkedOutAt: string | null, reason: string): Promise<void> {
  if (checkedOutAt) {
    await git(checkedOutAt, ['merge', '--ff-only', '--quiet', target], { GIT_REFLOG_ACTION: reason });
    return;
  }
  await git(cwd, ['update-ref', '-m', reason, `refs/heads/${baseBranch}`, target, baseTip]);
}
