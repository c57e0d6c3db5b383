import { conflictError } from '../../infra/errors.js';
import { git } from '../../git/git.js';
import type { Step } from '../../workflow/execute.js';
import type { RemoveFacts } from './facts.js';
import { advanceBase, planMergeNow, type MergePlan } from './merge.js';

/**
 * `pwt remove --strategy merge --squash [--message M]`: the session's work
 * lands on the base as one commit whose only parent is the base tip (like
 * `git merge --squash` and a commit, but without touching any worktree): the
 * tree is the branch's own when the base has not moved, else the tree
 * `git merge-tree` computed. The branch's own commits are archived before
 * the branch is deleted, so `pwt restore` can bring them back.
 */
export interface SquashChoice {
  /** The commit message; default: the session's name and goals and the squashed commits' subjects. */
  message?: string;
}

async function defaultMessage(facts: RemoveFacts, baseTip: string, branchTip: string, into: string): Promise<string> {
  const { session } = facts;
  const subjects = (await git(facts.project.repo.mainPath, ['log', '--format=%s', '--reverse', `${baseTip}..${branchTip}`, '--'])).split('\n').filter(Boolean);
  const goals = session.goals.map((goal) => `- ${goal}`).join('\n');
  const listed = subjects.slice(0, 30).map((subject) => `* ${subject}`).join('\n');
  return [
    session.goals[0] ? `${session.id}: ${session.goals[0]}` : `Squash-merge ${session.branch} into ${into}`,
    ...(goals ? ['', `Session goals:\n${goals}`] : []),
    '',
    `Squashed from ${session.branch} (${subjects.length} commit(s)):`,
    listed + (subjects.length > 30 ? `\n* ... and ${subjects.length - 30} more` : ''),
  ].join('\n');
}

export function squashStep(facts: RemoveFacts, predicted: MergePlan, choice: SquashChoice): Step {
  const baseBranch = facts.baseBranch as string;
  const branch = facts.session.branch;
  const mainPath = facts.project.repo.mainPath;
  const action: Step['action'] = { op: 'squash-merge', branch, into: baseBranch, mode: predicted.kind, ...(choice.message !== undefined ? { message: choice.message } : {}) };
  return {
    action,
    title: predicted.kind === 'already-merged' ? `squash ${branch} into ${baseBranch} (already merged: nothing to do)` : `squash ${branch} into one commit on ${baseBranch}`,
    slow: true,
    run: async () => {
      const { plan, branchTip, baseTip } = await planMergeNow(mainPath, branch, baseBranch, facts.session.id);
      action.mode = plan.kind;
      if (plan.kind === 'conflicts') throw conflictError(`Squashing ${branch} into ${baseBranch} conflicts in: ${plan.files.join(', ')}. Nothing was merged.`, `Resolve it in the session (git merge ${baseBranch}), commit, and run pwt remove ${facts.session.id} --strategy merge --squash again.`);
      if (plan.kind === 'already-merged') return;
      const tree = plan.kind === 'merge-commit' ? plan.tree : (await git(mainPath, ['rev-parse', `${branchTip}^{tree}`])).trim();
      const message = choice.message ?? (await defaultMessage(facts, baseTip, branchTip, baseBranch));
      const commit = (await git(mainPath, ['commit-tree', tree, '-p', baseTip, '-m', message])).trim();
      await advanceBase(mainPath, baseBranch, baseTip, commit, facts.baseCheckedOutAt, `pwt: squash-merge ${branch} into ${baseBranch}`);
      action.commit = commit;
    },
  };
}
