import { conflictError, preconditionError, type PwtError } from '../../infra/errors.js';
import { requireGh } from '../../gh/gh.js';
import { changedPaths, gitProbe } from '../../git/git.js';
import type { Step } from '../../workflow/execute.js';
import { baseName, type RemoveFacts } from './facts.js';
import { planMerge, type MergePlan } from './merge.js';
import { squashStep, type SquashChoice } from './squash.js';
import { headProblem } from '../inventory.js';
import { isAncestor } from './merge.js';
import { archiveIgnoredStep, archiveNestedStep, archiveStep, artifactsStep, commitStep, deleteBranchStep, mergeStep, pullRequestStep, pushStep, removeWorktreeStep, unregisterStep } from './steps.js';

export const STRATEGIES = ['pr', 'merge', 'keep', 'abandon'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** What the user chose (by flags or prompts) on top of the facts. */
export interface RemoveChoice {
  strategy: Strategy;
  /** Commit the uncommitted work with this message first. */
  commitMessage?: string;
  /** With merge: one commit on the base instead of a merge (--squash). */
  squash?: SquashChoice;
  /** --force: go past a locked worktree, running processes, a detached HEAD or an operation in progress, archiving what would be lost. */
  force?: boolean;
}

/**
 * Extra steps that run before the strategy's own. This is the seam for
 * stopping the agents in the worktree first (docs/ending-sessions.md): the
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

/**
 * What the inventory found that the strategy cannot carry: each refuses (exit
 * 3) before anything changes, naming what it found and how to go on. The
 * rest (commits only the worktree reaches, nested repositories, ignored files
 * that differ) is archived by the plan instead.
 */
export function inventoryRefusal(facts: RemoveFacts, choice: RemoveChoice): PwtError | null {
  const inventory = facts.inventory;
  if (!inventory) return null;
  const { strategy, force } = choice;
  const id = facts.session.id;
  const where = facts.path;
  if (!inventory.recordedIsBranch && (strategy === 'merge' || strategy === 'pr')) {
    return preconditionError(
      `Session ${id} has no branch to ${strategy === 'merge' ? 'merge' : 'push'}: ${inventory.recordedBranch} is not a local branch (HEAD is ${inventory.headBranch ?? `detached at ${inventory.head?.slice(0, 10) ?? '?'}`}).`,
      `Give its work a branch (git -C ${where} switch -c ${facts.project.config.branchPrefix}${id}), then run pwt remove ${id} again; or --strategy keep / abandon (both archive it).`,
    );
  }
  if (force) return null;
  if (inventory.locked !== null) {
    return preconditionError(`The worktree of ${id} is locked${inventory.locked ? ` (${inventory.locked})` : ''}; someone asked git not to remove it.`, `Unlock it (git worktree unlock ${where}) or pass --force.`);
  }
  if (inventory.processes.length) {
    const list = inventory.processes.slice(0, 3).map((each) => `${each.pid} ${each.command}`).join('; ');
    return preconditionError(`${inventory.processes.length} process(es) still run inside ${where}: ${list}.`, `Stop them first, or pass --force (they keep running in a deleted folder).`);
  }
  if (inventory.operation && strategy !== 'abandon') {
    return preconditionError(`A ${inventory.operation} is in progress in ${where}.`, `Finish or abort it there (git -C ${where} ${inventory.operation} --continue or --abort), or pass --force to archive the worktree as it is and go on.`);
  }
  const head = headProblem(inventory);
  if (head && inventory.recordedIsBranch && strategy !== 'abandon') {
    const only = inventory.unreachable.length;
    // merge and pr act on the recorded branch: work on another HEAD would silently stay out.
    if (strategy === 'merge' || strategy === 'pr' || only > 0) {
      return preconditionError(
        `In ${id}, ${head.detail}${only ? `, with ${only} commit(s) no branch holds` : ''}; ${strategy} would act on ${facts.session.branch} only.`,
        `Put the work on ${facts.session.branch} (git -C ${where} switch ${facts.session.branch}, then merge or cherry-pick it) and run pwt remove ${id} again; or pass --force to archive HEAD under refs/pwt/archive/${id}/ and go on.`,
      );
    }
  }
  return null;
}

/** Strategy preconditions; each throws before anything changes. */
async function preparePr(facts: RemoveFacts, commitMessage: string | undefined) {
  const { repo, config } = facts.project;
  const remote = facts.session.remote ?? config.remote;
  if ((await gitProbe(repo.mainPath, ['remote', 'get-url', '--', remote])).code !== 0) {
    throw preconditionError(`There is no remote "${remote}" to push ${facts.session.branch} to.`, `Add it (git remote add ${remote} <url>) or set "remote" in .pwt.json; or end with --strategy keep.`);
  }
  if (!facts.branchTip) throw preconditionError(`The branch ${facts.session.branch} no longer exists; there is nothing to open a pull request from.`, `End the session with: pwt remove ${facts.session.id} --strategy keep`);
  const base = facts.baseBranch ?? (facts.session.base?.startsWith(`${remote}/`) ? facts.session.base.slice(remote.length + 1) : null);
  if (!base) throw preconditionError(`The session's base "${baseName(facts)}" is not a branch, so a pull request has nothing to target.`, `End with --strategy keep and open the PR yourself: gh pr create --head ${facts.session.branch} --base <branch>`);
  if (!facts.session.pr && facts.baseTip && (await isAncestor(repo.mainPath, await tipAfterCommit(facts, commitMessage), facts.baseTip))) {
    throw preconditionError(`${facts.session.branch} has no commits beyond ${baseName(facts)}: a pull request would be empty. Nothing was changed.`, `End it with --strategy keep (or abandon), or commit work in the session first.`);
  }
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
  if (strategy === 'pr' && (facts.branchTip || !facts.session.pr)) pr = await preparePr(facts, choice.commitMessage);
  const refusal = inventoryRefusal(facts, choice);
  if (refusal) throw refusal;
  if (strategy === 'merge') mergePlan = await prepareMerge(facts, choice.commitMessage);
  const inventory = facts.inventory;

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
  // Commits only this worktree reaches (a detached HEAD, a reset, an amend) would die with it: archive them.
  else if (inventory && (inventory.unreachable.length > 0 || inventory.operation) && !steps.some((step) => step.action.op === 'archive')) steps.push(archiveStep(facts, strategy));

  const nested = inventory?.nested.filter((each) => each.unsaved).map((each) => each.path) ?? [];
  if (nested.length) steps.push(archiveNestedStep(facts, nested));
  if (inventory?.ignoredDiffering.length) steps.push(archiveIgnoredStep(facts, inventory.ignoredDiffering));
  if (facts.artifacts.length > 0) steps.push(artifactsStep(facts));
  const force = inventory?.locked !== null && inventory?.locked !== undefined ? 2 : strategy === 'abandon' || (inventory?.nested.length ?? 0) > 0 || inventory?.operation ? 1 : 0;
  if (facts.worktreeExists || facts.gitKnowsWorktree) steps.push(removeWorktreeStep(facts, force));
  if ((strategy === 'merge' || strategy === 'abandon') && facts.branchTip) steps.push(deleteBranchStep(facts));
  steps.push(unregisterStep(facts));
  for (const build of after) steps.push(...(await build(facts, choice)));
  return { steps, notes, ...(mergePlan ? { mergePlan } : {}) };
}
