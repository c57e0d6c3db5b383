import { fastForwardTo, isAncestor, mergeTree, moveBranch, treeOf } from '../../git/operations.js';

/**
 * Merging without a checkout, from git's named operations (git/operations.ts:
 * mergeTree computes the merge result as a tree, touching no index and no
 * worktree).
 */

export type MergePlan =
  | { kind: 'already-merged'; how: 'ancestor' | 'same-tree' }
  | { kind: 'fast-forward'; target: string }
  | { kind: 'merge-commit'; tree: string }
  | { kind: 'conflicts'; files: string[] };

export { isAncestor, mergeTree } from '../../git/operations.js';

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
export async function advanceBase(
  cwd: string,
  baseBranch: string,
  baseTip: string,
  target: string,
  checkedOutAt: string | null,
  reason: string,
): Promise<void> {
  if (checkedOutAt) {
    await fastForwardTo(checkedOutAt, target, reason);
    return;
  }
  await moveBranch(cwd, baseBranch, baseTip, target, reason);
}
