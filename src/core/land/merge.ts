import { git } from '../git/git.js';
import { isAncestor, mergeTree } from '../sessions/remove/merge.js';
import type { MergeOutcome } from './queue.js';
import type { Candidate } from './state.js';

/**
 * One candidate onto the last result, without any worktree: `git merge-tree
 * --write-tree` for the tree (or the conflicting files), `git commit-tree`
 * for the commit. The commit carries the queue's start date as author and
 * committer date, so a continued queue builds the very same commits and
 * reuses the checks already run on them. A branch the result already holds
 * is "already"; a result the branch descends from fast-forwards to its tip
 * (as `git merge` does), unless squashing.
 */
export interface MergeContext {
  mainPath: string;
  base: string;
  squash: boolean;
  /** ISO date every commit of this queue carries. */
  date: string;
}

export function mergeMessage(candidate: Candidate, base: string, squash: boolean): string {
  const goals = candidate.goals.map((goal) => `- ${goal}`).join('\n');
  const subject = squash ? (candidate.goals[0] ? `${candidate.session}: ${candidate.goals[0]}` : `Squash-merge ${candidate.branch} into ${base}`) : `Merge branch '${candidate.branch}' into ${base}`;
  return `${subject}${goals ? `\n\nSession goals:\n${goals}` : ''}\n\nLanded by pwt land.`;
}

export async function mergeCandidate(ctx: MergeContext, onto: string, candidate: Candidate): Promise<MergeOutcome> {
  const { mainPath } = ctx;
  if (await isAncestor(mainPath, candidate.tip, onto)) return { already: true };
  const forward = await isAncestor(mainPath, onto, candidate.tip);
  if (forward && !ctx.squash) return { commit: candidate.tip };
  let tree: string;
  if (forward) tree = (await git(mainPath, ['rev-parse', `${candidate.tip}^{tree}`])).trim();
  else {
    const merged = await mergeTree(mainPath, onto, candidate.tip);
    if ('conflicts' in merged) return { conflicts: merged.conflicts };
    tree = merged.tree;
    // Its changes are all in already (a squash or cherry-pick landed them): nothing to add.
    if (tree === (await git(mainPath, ['rev-parse', `${onto}^{tree}`])).trim()) return { already: true };
  }
  const parents = ctx.squash ? ['-p', onto] : ['-p', onto, '-p', candidate.tip];
  const env = { GIT_AUTHOR_DATE: ctx.date, GIT_COMMITTER_DATE: ctx.date };
  const commit = (await git(mainPath, ['commit-tree', tree, ...parents, '-m', mergeMessage(candidate, ctx.base, ctx.squash)], env)).trim();
  return { commit };
}
