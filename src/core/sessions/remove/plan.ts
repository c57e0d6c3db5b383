import { conflictError, preconditionError } from '../../infra/errors.js';
import { requireGh } from '../../gh/gh.js';
import { changedPaths, gitProbe } from '../../git/git.js';
import type { Step } from '../../workflow/execute.js';
import { baseName, type RemoveFacts } from './facts.js';
import { planMerge, type MergePlan } from './merge.js';
import { squashStep, type SquashChoice } from './squash.js';
import { archiveStep, artifactsStep, commitStep, deleteBranchStep, mergeStep, pullRequestStep, pushStep, removeWorktreeStep, unregisterStep } from './steps.js';

export const STRATEGIES = ['pr', 'merge', 'keep', 'abandon'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** What the user chose (by flags or prompts) on top of the facts. */
export interface RemoveChoice {
  strategy: Strategy;
  /** Commit the uncommitted work with this message first. */
  commitMessage?: string;
  /** With merge: one commit on the base instead of a merge (--squash). */
  squash?: SquashChoice;
}

/**
 * Extra steps that run before the strategy's own. This is the seam for SPEC
 * "Ending a session" step 6 (stop the agents in the worktree first): the
 * agents code passes its builder here.
 */
export type RemoveStepBuilder = (facts: RemoveFacts, choice: RemoveChoice) => Step[] | Promise<Step[]>;

/**
 * The branch tip the strategy will see. With --commit and uncommitted work the
 * tip is about to move: this is the commit it will become (same tree, made
 * with commit-tree, referenced by nothing), so checks judge the real result.
 */
async function tipAfterCommit(facts: RemoveFacts, commitMessage: string | undefined): Promise<string> {
  const tip = facts.branchTip as string;
  if (!commitMessage || facts.dirty.length === 0 || !facts.worktreeExists) return tip;
  const { worktreeTree } = await import('../archive.js');
  const tree = await worktreeTree(facts.path);
  const commit = await gitProbe(facts.project.repo.mainPath, ['commit-tree', tree, '-p', tip, '-m', commitMessage]);
  return commit.code === 0 ? commit.stdout.trim() : tip;
}

/** Strategy preconditions; each throws before anything changes. */
async function preparePr(facts: RemoveFacts) {
  const { repo, config } = facts.project;
  const remote = facts.session.remote ?? config.remote;
  if ((await gitProbe(repo.mainPath, ['remote', 'get-url', '--', remote])).code !== 0) {
    throw preconditionError(`There is no remote "${remote}" to push ${facts.session.branch} to.`, `Add it (git remote add ${remote} <url>) or set "remote" in .pwt.json; or end with --strategy keep.`);
  }
  if (!facts.branchTip) throw preconditionError(`The branch ${facts.session.branch} no longer exists; there is nothing to open a pull request from.`, `End the session with: pwt remove ${facts.session.id} --strategy keep`);
  const base = facts.baseBranch ?? (facts.session.base?.startsWith(`${remote}/`) ? facts.session.base.slice(remote.length + 1) : null);
  if (!base) throw preconditionError(`The session's base "${baseName(facts)}" is not a branch, so a pull request has nothing to target.`, `End with --strategy keep and open the PR yourself: gh pr create --head ${facts.session.branch} --base <branch>`);
  if (!facts.session.pr) await requireGh(repo.mainPath);
  const goals = facts.session.goals;
  const title = goals[0] ? `${facts.session.id}: ${goals[0]}` : facts.session.id;
  const body = [
    goals.length ? `Goals of session \`${facts.session.id}\`:\n\n${goals.map((goal) => `- ${goal}`).join('\n')}` : `Session \`${facts.session.id}\`.`,
    '',
    'Opened by pwt remove --strategy pr.',
  ].join('\n');
  return { remote, base, title, body };
}

async function prepareMerge(facts: RemoveFacts, commitMessage: string | undefined): Promise<MergePlan> {
  const { session } = facts;
  const mainPath = facts.project.repo.mainPath;
  if (!facts.baseBranch || !facts.baseTip) {
    throw preconditionError(`The session's base "${baseName(facts)}" is not a local branch, so there is nothing to merge into.`, `Open a PR instead (--strategy pr), or merge by hand and then run: pwt remove ${session.id} --strategy keep`);
  }
  if (!facts.branchTip) return { kind: 'already-merged', how: 'ancestor' };
  const plan = await planMerge(mainPath, facts.baseTip, await tipAfterCommit(facts, commitMessage));
  if (plan.kind === 'conflicts') {
    throw conflictError(
      `${facts.baseBranch} moved on and merging ${session.branch} into it conflicts in: ${plan.files.join(', ')}. Nothing was changed.`,
      `In the session, run git merge ${facts.baseBranch}, resolve and commit; then pwt remove ${session.id} --strategy merge. Or open a PR: --strategy pr.`,
    );
  }
  if (facts.baseCheckedOutAt && plan.kind !== 'already-merged') {
    const changes = await changedPaths(facts.baseCheckedOutAt, { untracked: 'no' });
    if (changes.length > 0) {
      throw preconditionError(
        `${facts.baseBranch} is checked out in ${facts.baseCheckedOutAt} with ${changes.length} uncommitted change(s); merging would have to touch them.`,
        `Commit or stash them there first, then run pwt remove ${session.id} --strategy merge again.`,
      );
    }
  }
  return plan;
}

export interface RemovePlan {
  steps: Step[];
  /** Things to tell the user before running (e.g. the base moved on). */
  notes: string[];
  mergePlan?: MergePlan;
}

export async function buildRemovePlan(facts: RemoveFacts, choice: RemoveChoice, before: RemoveStepBuilder[] = [], after: RemoveStepBuilder[] = []): Promise<RemovePlan> {
  const steps: Step[] = [];
  const notes: string[] = [];
  const { strategy } = choice;
  let pr: Awaited<ReturnType<typeof preparePr>> | undefined;
  let mergePlan: MergePlan | undefined;
  // A PR recorded by an earlier, interrupted run needs no gh; a gone branch then needs no push either.
  if (strategy === 'pr' && (facts.branchTip || !facts.session.pr)) pr = await preparePr(facts);
  if (strategy === 'merge') mergePlan = await prepareMerge(facts, choice.commitMessage);

  for (const build of before) steps.push(...(await build(facts, choice)));
  if (choice.commitMessage && facts.dirty.length > 0 && facts.worktreeExists) steps.push(commitStep(facts, choice.commitMessage));

  if (strategy === 'pr' && pr) {
    if (facts.baseAhead > 0) notes.push(`${pr.base} has ${facts.baseAhead} commit(s) that ${facts.session.branch} lacks: the pull request may need a rebase or merge of ${pr.base}.`);
    steps.push(pushStep(facts, pr.remote));
    if (!facts.session.pr) steps.push(pullRequestStep(facts, pr));
    else notes.push(`The pull request is already open: ${facts.session.pr}`);
  }
  if (strategy === 'merge' && mergePlan && facts.branchTip) {
    // A squash leaves the branch's own commits out of the base: archived first, since the branch goes.
    if (choice.squash && mergePlan.kind !== 'already-merged') steps.push(archiveStep(facts, 'squash-merge'));
    steps.push(choice.squash ? squashStep(facts, mergePlan, choice.squash) : mergeStep(facts, mergePlan));
  }
  if ((strategy === 'keep' || strategy === 'pr') && facts.branchTip && facts.baseTip) {
    // Trees, not only ancestry: a squash-merged branch counts as merged.
    const tip = await tipAfterCommit(facts, choice.commitMessage);
    const merged = await planMerge(facts.project.repo.mainPath, facts.baseTip, tip).catch(() => null);
    if (merged?.kind === 'already-merged') {
      const how = merged.how === 'same-tree' ? ' (squash-merged or cherry-picked)' : '';
      notes.push(`Everything on ${facts.session.branch} is already in ${baseName(facts)}${how}; deleting the branch would lose nothing: git branch -D ${facts.session.branch}`);
    }
  }
  if (strategy === 'abandon' && (facts.branchTip || facts.worktreeExists)) steps.push(archiveStep(facts, 'abandon'));

  if (facts.artifacts.length > 0) steps.push(artifactsStep(facts));
  if (facts.worktreeExists || facts.gitKnowsWorktree) steps.push(removeWorktreeStep(facts, strategy === 'abandon'));
  if ((strategy === 'merge' || strategy === 'abandon') && facts.branchTip) steps.push(deleteBranchStep(facts));
  steps.push(unregisterStep(facts));
  for (const build of after) steps.push(...(await build(facts, choice)));
  return { steps, notes, ...(mergePlan ? { mergePlan } : {}) };
}
