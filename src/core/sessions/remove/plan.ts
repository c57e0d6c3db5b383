import { conflictError, preconditionError, type PwtError } from '../../infra/errors.js';
import type { HookEvent } from '../../project/config.js';
import type { HookOutcome } from '../../project/hooks/run.js';
import { archiveRef, artifactDir } from '../archive.js';
import { headProblem, type RunningProcess } from '../inventory.js';
import { baseName, nestedRepoPaths, type RemoveFacts, type StrategyFacts } from './facts.js';
import { join } from 'node:path';
import { shellWord } from '../../infra/shell-word.js';

export const STRATEGIES = ['pr', 'merge', 'keep', 'abandon'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** `--squash`: one commit on the base; the message is optional. */
export interface SquashChoice {
  message?: string;
}

/** What the user chose (by flags or prompts) on top of the facts. */
export interface RemoveChoice {
  strategy: Strategy;
  /** Commit the uncommitted work with this message first. */
  commitMessage?: string;
  /** With merge: one commit on the base instead of a merge (--squash). */
  squash?: SquashChoice;
  /** --force: go past a locked worktree, running processes, a detached HEAD or an operation in progress, archiving what would be lost. */
  force?: boolean;
  /** The person at the terminal said to go on past the idle interactive shells inside (--force for them alone). */
  idleShellsOk?: boolean;
  /** The project-hook events that may run (configured, approved, not --no-hooks). */
  hooks?: readonly HookEvent[];
  /**
   * `pwt land` landed this session already: the base holds it and its check
   * ran on what landed, so pre-merge does not run again; after a squash the
   * branch's own commits are archived before the branch goes.
   */
  landed?: 'merge' | 'squash';
  /**
   * keep only: also delete the branch, archived first unless its base holds
   * everything on it (by ancestry or tree). `pwt cleanup --delete-branch`
   * ends sessions whose worktree is gone this way.
   */
  deleteBranch?: boolean;
}

/**
 * The operations that end a session (runners: steps.ts). `pwt cleanup` ends
 * sessions through this plan too, and reuses some of these operations for
 * what is no session (its own ops are in cleanup.ts). Optional fields after
 * the comment "learned" are filled in by the runner.
 */
export type HookOp = {
  op: 'hook';
  event: HookEvent;
  commands: string[];
  /** Where it runs: the session's worktree, or the main worktree (post-remove, or once the worktree is gone). */
  cwd: string;
  /** pre-merge on the merge result: this commit, checked out in a temporary detached worktree. */
  commit?: string;
  /** A failure stops the removal (gates, pre-remove) or is only reported (post-remove). */
  fatal: boolean;
  // learned
  outcomes?: HookOutcome[];
  failed?: string;
};
export type StopAgentsOp = { op: 'stop-agents'; id: string; agents: string[]; providers: string[]; resumeArgs?: Record<string, string[] | null> };
export type CommitOp = {
  op: 'commit';
  id: string;
  path: string;
  branch: string;
  message: string;
  files: number;
  exclude: string[];
  date: string;
  expect?: string;
};
export type PushOp = { op: 'push'; remote: string; branch: string; cwd: string; attempts?: number };
export type CreatePrOp = { op: 'create-pr'; id: string; base: string; head: string; title: string; body: string; url?: string };
type Landing = {
  branch: string;
  into: string;
  mode: 'fast-forward' | 'merge-commit' | 'squash' | 'already-merged';
  /** The base tip the merge was built on, the branch tip it takes, the commit the base moves to. */
  from?: string;
  tip?: string;
  target?: string;
  checkedOutAt?: string;
  message?: string;
  id: string;
  // learned
  commit?: string;
};
export type MergeOp = Landing & { op: 'merge' };
export type SquashOp = Landing & { op: 'squash-merge' };
export type ArchiveOp = {
  op: 'archive';
  id: string;
  branch: string;
  ref: string;
  stamp: string;
  reason: string;
  /** The worktree whose state goes into the archive (null: the branch tip only). */
  worktree: string | null;
  keep?: string[];
  exclude?: string[];
  uncommitted?: number;
  unreachable?: number;
  /** What the archive's title calls the tip ("the branch tip", "the worktree's HEAD", "unmerged session/x"). */
  what: string;
  // learned
  commit?: string;
};
export type ArtifactsOp = { op: 'archive-artifacts'; from: string; files: string[]; to: string };
export type IgnoredOp = { op: 'archive-ignored'; from: string; files: string[]; to: string };
export type NestedOp = { op: 'archive-nested'; from: string; paths: string[]; to: string };
export type RemoveWorktreeOp = { op: 'remove-worktree'; path: string; shown: string; force?: 1 | 2; branch?: string };
export type PruneOp = { op: 'prune-worktrees'; path?: string; shown?: string };
export type DeleteBranchOp = { op: 'delete-branch'; branch: string; merged?: boolean; into?: string };
/** `retarget`: sessions stacked on this one (base: its branch) get its base, once it is merged there. */
export type UnregisterOp = { op: 'unregister'; id: string; path: string; retarget?: { from: string; to: string } };

export type RemoveOp =
  | HookOp
  | StopAgentsOp
  | CommitOp
  | PushOp
  | CreatePrOp
  | MergeOp
  | SquashOp
  | ArchiveOp
  | ArtifactsOp
  | IgnoredOp
  | NestedOp
  | RemoveWorktreeOp
  | PruneOp
  | DeleteBranchOp
  | UnregisterOp;

/**
 * Something that needs a yes before the plan runs: asked at a terminal (no
 * by default), refused elsewhere unless the caller already said yes
 * (`pwt remove --yes`); shown, never refused, by a dry run (`warningGate`).
 */
export interface RemoveWarning {
  /** `unpushed-base`: the pull request would carry commits of the local base that the remote's base lacks. */
  kind: 'unpushed-base';
  base: string;
  remote: string;
  commits: number;
  /** One line: what is wrong and what to do. */
  message: string;
}

export interface RemovePlan {
  ops: RemoveOp[];
  /** Things to tell the user before running (e.g. the base moved on). */
  notes: string[];
  warnings: RemoveWarning[];
}

/** What the caller can do about warnings: nothing to do, ask (a terminal), or refuse (the error to throw). */
export type WarningGate = { kind: 'go' } | { kind: 'ask'; question: string } | { kind: 'refuse'; error: PwtError };

/**
 * Warnings to a decision, with no I/O: a dry run and a caller that already
 * said yes go on; a terminal is asked (the question defaults to no); anything
 * else is refused (exit 3), nothing changed.
 */
export function warningGate(warnings: readonly RemoveWarning[], how: { interactive: boolean; yes: boolean; dryRun: boolean; id: string }): WarningGate {
  if (warnings.length === 0 || how.dryRun || how.yes) return { kind: 'go' };
  const lines = warnings.map((warning) => warning.message).join(' ');
  if (how.interactive) return { kind: 'ask', question: `${lines} Open the pull request with them anyway?` };
  return {
    kind: 'refuse',
    error: preconditionError(`${lines} Nothing was changed.`, `To open it with them anyway: pwt remove ${how.id} --strategy pr --yes`),
  };
}

/** The PR's warning when it would carry base commits never pushed (what to do included). */
function unpushedBaseWarning(facts: RemoveFacts, commits: number, remote: string, base: string): RemoveWarning {
  const { session } = facts;
  const local = facts.baseBranch ?? base;
  const rebase = facts.worktreeExists ? ` (git -C ${shellWord(facts.path)} rebase --onto ${remote}/${base} ${local})` : '';
  return {
    kind: 'unpushed-base',
    base: local,
    remote,
    commits,
    message:
      `${session.branch} carries ${commits} commit(s) of ${local} that ${remote}/${base} lacks: the pull request would include them. ` +
      `Push ${local} first (git push ${remote} ${local}), or move the session onto ${remote}/${base} without them${rebase}.`,
  };
}

/** The events a strategy runs before anything changes (gates, then pre-remove). */
export const preEvents = (strategy: Strategy): HookEvent[] => [
  ...(strategy === 'merge' ? ['pre-merge' as const] : strategy === 'pr' ? ['pre-pr' as const] : []),
  'pre-remove',
];
/** Every hook event a strategy may run: what the approval is asked for. */
export const removeEvents = (strategy: Strategy): HookEvent[] => [...preEvents(strategy), 'post-remove'];

/**
 * What the inventory found that the strategy cannot carry: each refuses (exit
 * 3) before anything changes, naming what it found and how to go on. The
 * rest (commits only the worktree reaches, nested repositories, ignored files
 * that differ) is archived by the plan instead.
 */
export function inventoryRefusal(facts: RemoveFacts, choice: Pick<RemoveChoice, 'strategy' | 'force' | 'idleShellsOk'>): PwtError | null {
  const inventory = facts.inventory;
  if (!inventory) return null;
  const { strategy, force } = choice;
  const id = facts.session.id;
  const where = facts.path;
  if (!inventory.recordedIsBranch && (strategy === 'merge' || strategy === 'pr')) {
    return preconditionError(
      `Session ${id} has no branch to ${strategy === 'merge' ? 'merge' : 'push'}: ` +
        `${inventory.recordedBranch} is not a local branch (HEAD is ${inventory.headBranch ?? `detached at ${inventory.head?.slice(0, 10) ?? '?'}`}).`,
      `Give its work a branch (git -C ${where} switch -c ${facts.project.config.branchPrefix}${id}), then ` +
        `run pwt remove ${id} again; or --strategy keep / abandon (both archive it).`,
    );
  }
  if (force) return null;
  const occupied = occupancyRefusal(facts, choice);
  if (occupied) return occupied;
  if (inventory.operation && strategy !== 'abandon') {
    return preconditionError(
      `A ${inventory.operation} is in progress in ${where}.`,
      `Finish or abort it there (git -C ${where} ${inventory.operation} --continue or --abort), or pass --force to archive the worktree as it is and go on.`,
    );
  }
  const head = headProblem(inventory);
  if (head && inventory.recordedIsBranch && strategy !== 'abandon') {
    const only = inventory.unreachable.length;
    // merge and pr act on the recorded branch: work on another HEAD would silently stay out.
    if (strategy === 'merge' || strategy === 'pr' || only > 0) {
      return preconditionError(
        `In ${id}, ${head.detail}${only ? `, with ${only} commit(s) no branch holds` : ''}; ${strategy} would act on ${facts.session.branch} only.`,
        `Put the work on ${facts.session.branch} (git -C ${where} switch ${facts.session.branch}, then ` +
          `merge or cherry-pick it) and run pwt remove ${id} again; or pass --force to archive HEAD under ` +
          `refs/pwt/archive/${id}/ and go on.`,
      );
    }
  }
  return null;
}

/** The idle interactive shells inside the worktree, when they are all that runs there (else none). */
export function onlyIdleShells(facts: RemoveFacts): RunningProcess[] {
  const processes = facts.inventory?.processes ?? [];
  return processes.length && processes.every((each) => each.idleShell) ? processes : [];
}

export const describeShells = (shells: RunningProcess[]): string =>
  shells
    .slice(0, 3)
    .map((each) => `pid ${each.pid} on ${each.tty ?? '?'}`)
    .join('; ');

/**
 * What holds the worktree whatever the strategy (a lock, processes inside):
 * checked before the strategy is asked, and again by the plan.
 */
export function occupancyRefusal(facts: RemoveFacts, choice: Pick<RemoveChoice, 'force' | 'idleShellsOk'>): PwtError | null {
  const inventory = facts.inventory;
  if (!inventory || choice.force) return null;
  const id = facts.session.id;
  const where = facts.path;
  if (inventory.locked !== null) {
    return preconditionError(
      `The worktree of ${id} is locked${inventory.locked ? ` (${inventory.locked})` : ''}; someone asked git not to remove it.`,
      `Unlock it (git worktree unlock ${where}) or pass --force.`,
    );
  }
  const shells = onlyIdleShells(facts);
  if (shells.length && choice.idleShellsOk) return null;
  if (shells.length) {
    return preconditionError(
      `An idle interactive shell is in ${where} (${describeShells(shells)}); removing would leave it in a deleted folder.`,
      `cd out of the folder in that shell (or close it), or pass --force (nothing is lost: the shell only sits at its prompt).`,
    );
  }
  if (inventory.processes.length) {
    const list = inventory.processes
      .slice(0, 3)
      .map((each) => `${each.pid} ${each.command}`)
      .join('; ');
    return preconditionError(
      `${inventory.processes.length} process(es) still run inside ${where}: ${list}.`,
      `Stop them first, or pass --force (they keep running in a deleted folder).`,
    );
  }
  return null;
}

interface PrTarget {
  remote: string;
  base: string;
  title: string;
  body: string;
}

/** pr's preconditions; each throws before anything changes. */
function preparePr(facts: RemoveFacts, strategyFacts: StrategyFacts): PrTarget {
  const remote = facts.session.remote ?? facts.project.config.remote;
  if (!strategyFacts.remoteExists) {
    throw preconditionError(
      `There is no remote "${remote}" to push ${facts.session.branch} to.`,
      `Add it (git remote add ${remote} <url>) or set "remote" in .pwt.json; or end with --strategy keep.`,
    );
  }
  if (!facts.branchTip)
    throw preconditionError(
      `The branch ${facts.session.branch} no longer exists; there is nothing to open a pull request from.`,
      `End the session with: pwt remove ${facts.session.id} --strategy keep`,
    );
  const base = facts.baseBranch ?? (facts.session.base?.startsWith(`${remote}/`) ? facts.session.base.slice(remote.length + 1) : null);
  if (!base)
    throw preconditionError(
      `The session's base "${baseName(facts)}" is not a branch, so a pull request has nothing to target.`,
      `End with --strategy keep and open the PR yourself: gh pr create --head ${facts.session.branch} --base <branch>`,
    );
  if (!facts.session.pr && strategyFacts.alreadyMerged === 'ancestor') {
    throw preconditionError(
      `${facts.session.branch} has no commits beyond ${baseName(facts)}: a pull request would be empty. Nothing was changed.`,
      `End it with --strategy keep (or abandon), or commit work in the session first.`,
    );
  }
  if ((!facts.session.pr || strategyFacts.recordedPr === 'CLOSED' || strategyFacts.recordedPr === 'MERGED') && strategyFacts.ghProblem)
    throw strategyFacts.ghProblem;
  const goals = facts.session.goals;
  const title = goals[0] ? `${facts.session.id}: ${goals[0]}` : facts.session.id;
  const body = [
    goals.length ? `Goals of session \`${facts.session.id}\`:\n\n${goals.map((goal) => `- ${goal}`).join('\n')}` : `Session \`${facts.session.id}\`.`,
    '',
    'Opened by pwt remove --strategy pr.',
  ].join('\n');
  return { remote, base, title, body };
}

/** merge's preconditions; each throws before anything changes. */
function checkMerge(facts: RemoveFacts, strategyFacts: StrategyFacts, choice: RemoveChoice): void {
  const { session } = facts;
  // The command to run again, with the flags that shape the merge (a hint that drops --squash would merge differently).
  const again = `pwt remove ${session.id} --strategy merge${choice.squash ? ' --squash' : ''}`;
  if (!facts.baseBranch || !facts.baseTip) {
    throw preconditionError(
      `The session's base "${baseName(facts)}" is not a local branch, so there is nothing to merge into.`,
      `Open a PR instead (--strategy pr), or merge by hand and then run: pwt remove ${session.id} --strategy keep`,
    );
  }
  const landing = strategyFacts.landing;
  if (landing?.kind === 'conflicts') {
    const what =
      facts.baseAhead > 0 ? `${facts.baseBranch} moved on and merging ${session.branch} into it` : `Merging ${session.branch} into ${facts.baseBranch}`;
    throw conflictError(
      `${what} conflicts in: ${landing.files.join(', ')}. Nothing was changed.`,
      `In the session, run git merge ${facts.baseBranch}, resolve and commit; then ${again}. Or open a PR: --strategy pr.`,
    );
  }
  if (facts.baseCheckedOutAt && strategyFacts.baseChanges) {
    throw preconditionError(
      `${facts.baseBranch} is checked out in ${facts.baseCheckedOutAt} with ${strategyFacts.baseChanges} ` +
        `uncommitted change(s); merging would have to touch them.`,
      `Commit or stash them there first, then run ${again} again.`,
    );
  }
}

const shownPath = (facts: RemoveFacts) => {
  const main = facts.project.repo.mainPath;
  return facts.path.startsWith(`${main}/`) ? facts.path.slice(main.length + 1) : facts.path;
};

/** The archive of the session's state (abandon, squash, or what only the worktree reaches). */
function archiveOp(facts: RemoveFacts, reason: string): ArchiveOp {
  const lost = facts.inventory?.unreachable.length ?? 0;
  return {
    op: 'archive',
    id: facts.session.id,
    branch: facts.session.branch,
    ref: archiveRef(facts.session.id, facts.stamp),
    stamp: facts.stamp,
    reason,
    worktree: facts.worktreeExists ? facts.path : null,
    keep: facts.inventory?.unreachableTips ?? [],
    exclude: nestedRepoPaths(facts),
    uncommitted: facts.dirty.length,
    ...(lost ? { unreachable: lost } : {}),
    what: reason === 'abandon' ? 'the branch tip' : reason === 'delete-branch' ? `unmerged ${facts.session.branch}` : "the worktree's HEAD",
  };
}

function hookOp(facts: RemoveFacts, event: HookEvent, where: { cwd: string; commit?: string; fatal: boolean }): HookOp {
  return {
    op: 'hook',
    event,
    commands: facts.project.config.hooks[event] ?? [],
    cwd: where.cwd,
    ...(where.commit ? { commit: where.commit } : {}),
    fatal: where.fatal,
  };
}

/**
 * From the facts and the choices to the plan, with no I/O. Refuses (exit 3,
 * or 4 for conflicts) before anything changes; else lists the operations in
 * one fixed order: gate hooks and pre-remove, stop the agents, commit, the
 * strategy's own operations, archive, worktree, branch, manifest,
 * post-remove.
 */
export function planRemove(facts: RemoveFacts, strategyFacts: StrategyFacts, choice: RemoveChoice): RemovePlan {
  const ops: RemoveOp[] = [];
  const notes: string[] = [];
  const warnings: RemoveWarning[] = [];
  const { strategy } = choice;
  const { session, project } = facts;
  const mainPath = project.repo.mainPath;
  // A PR recorded by an earlier, interrupted run needs no gh; a gone branch then needs no push either.
  const pr = strategy === 'pr' && (facts.branchTip || !session.pr) ? preparePr(facts, strategyFacts) : undefined;
  const refusal = inventoryRefusal(facts, choice);
  if (refusal) throw refusal;
  if (strategy === 'merge') checkMerge(facts, strategyFacts, choice);
  const landing = strategy === 'merge' && facts.branchTip ? strategyFacts.landing : undefined;
  const inventory = facts.inventory;
  const hooks = new Set(choice.hooks ?? []);
  const here = facts.worktreeExists ? facts.path : mainPath;
  // keep --delete-branch: the branch goes too, archived first unless its base holds it.
  const dropBranch = strategy === 'keep' && choice.deleteBranch === true && facts.branchTip !== null;
  const merged = Boolean(strategyFacts.alreadyMerged);

  // 1. Gates and pre-remove: a failure stops everything before anything changed.
  for (const event of preEvents(strategy)) {
    if (!hooks.has(event) || !facts.hookEvents.includes(event)) continue;
    if (event === 'pre-merge' && choice.landed) continue;
    // pre-merge tests what lands: with a base that moved on, the merge (or squash) commit in a temporary worktree.
    const onResult = event === 'pre-merge' && facts.baseAhead > 0 && (landing?.kind === 'merge-commit' || landing?.kind === 'squash');
    ops.push(hookOp(facts, event, { cwd: here, fatal: true, ...(onResult ? { commit: landing.commit } : {}) }));
  }
  // 2. The agents stop only once nothing can refuse any more.
  if (facts.runningAgents.length)
    ops.push({
      op: 'stop-agents',
      id: session.id,
      agents: facts.runningAgents.map((agent) => agent.id),
      providers: facts.runningAgents.map((agent) => agent.provider),
    });
  // 3. Uncommitted work becomes the commit the facts predicted.
  if (choice.commitMessage && facts.dirty.length > 0 && facts.worktreeExists) {
    ops.push({
      op: 'commit',
      id: session.id,
      path: facts.path,
      branch: session.branch,
      message: choice.commitMessage,
      files: facts.dirty.length,
      exclude: nestedRepoPaths(facts),
      date: facts.date,
      ...(strategyFacts.commit ? { expect: strategyFacts.commit } : {}),
    });
  }
  // 4. The strategy's own operations.
  if (strategy === 'pr' && pr) {
    if (strategyFacts.unpushedBase) warnings.push(unpushedBaseWarning(facts, strategyFacts.unpushedBase, pr.remote, pr.base));
    if (facts.baseAhead > 0)
      notes.push(`${pr.base} has ${facts.baseAhead} commit(s) that ${session.branch} lacks: the pull request may need a rebase or merge of ${pr.base}.`);
    ops.push({ op: 'push', remote: pr.remote, branch: session.branch, cwd: here });
    const recordedGone = strategyFacts.recordedPr === 'CLOSED' || strategyFacts.recordedPr === 'MERGED';
    if (!session.pr || recordedGone) {
      if (session.pr)
        notes.push(`The pull request recorded for ${session.id} (${session.pr}) is ${strategyFacts.recordedPr?.toLowerCase()}: opening a new one.`);
      ops.push({ op: 'create-pr', id: session.id, base: pr.base, head: session.branch, title: pr.title, body: pr.body });
    } else
      notes.push(`The pull request is already open${strategyFacts.recordedPr === null ? ' (as recorded; gh could not confirm its state)' : ''}: ${session.pr}`);
  }
  if (strategy === 'merge' && facts.branchTip && facts.baseBranch && facts.baseTip) {
    const mode = !landing || landing.kind === 'already-merged' ? 'already-merged' : landing.kind === 'conflicts' ? 'already-merged' : landing.kind;
    const moving = landing && (landing.kind === 'fast-forward' || landing.kind === 'merge-commit' || landing.kind === 'squash') ? landing : undefined;
    // A squash leaves the branch's own commits out of the base: archived first, since the branch goes.
    if ((choice.squash && moving) || choice.landed === 'squash') ops.push(archiveOp(facts, 'squash-merge'));
    ops.push({
      op: (choice.squash ? 'squash-merge' : 'merge') as 'merge',
      id: session.id,
      branch: session.branch,
      into: facts.baseBranch,
      mode,
      ...(moving ? { from: facts.baseTip, tip: strategyFacts.tip as string, target: moving.commit } : {}),
      ...(facts.baseCheckedOutAt ? { checkedOutAt: facts.baseCheckedOutAt } : {}),
      ...(choice.squash?.message !== undefined ? { message: choice.squash.message } : {}),
    });
  }
  if ((strategy === 'keep' || strategy === 'pr') && strategyFacts.alreadyMerged && !dropBranch) {
    const how = strategyFacts.alreadyMerged === 'same-tree' ? ' (squash-merged or cherry-picked)' : '';
    notes.push(
      `Everything on ${session.branch} is already in ${baseName(facts)}${how}; deleting the branch would lose nothing: git branch -D ${session.branch}`,
    );
  }
  // 5. Archive: abandon's, and commits only this worktree reaches (a detached HEAD, a reset, an amend), which would die with it.
  if (strategy === 'abandon' && (facts.branchTip || facts.worktreeExists)) ops.push(archiveOp(facts, 'abandon'));
  else if (dropBranch && !merged) ops.push(archiveOp(facts, 'delete-branch'));
  else if (inventory && (inventory.unreachable.length > 0 || inventory.operation) && !ops.some((op) => op.op === 'archive'))
    ops.push(archiveOp(facts, strategy));
  const saved = artifactDir(project.sessionsDir, session.id, facts.stamp);
  const nested = inventory?.nested.filter((each) => each.unsaved).map((each) => each.path) ?? [];
  if (nested.length) ops.push({ op: 'archive-nested', from: facts.path, paths: nested, to: join(saved, 'nested') });
  if (inventory?.ignoredDiffering.length) ops.push({ op: 'archive-ignored', from: facts.path, files: inventory.ignoredDiffering, to: join(saved, 'ignored') });
  if (facts.artifacts.length > 0) ops.push({ op: 'archive-artifacts', from: facts.path, files: facts.artifacts, to: saved });
  // 6. The worktree, the branch, the manifest entry (last, once the worktree is really gone).
  const force =
    inventory?.locked !== null && inventory?.locked !== undefined
      ? 2
      : strategy === 'abandon' || (inventory?.nested.length ?? 0) > 0 || inventory?.operation
        ? 1
        : 0;
  if (facts.worktreeExists) ops.push({ op: 'remove-worktree', path: facts.path, shown: shownPath(facts), ...(force ? { force } : {}) });
  else if (facts.gitKnowsWorktree) ops.push({ op: 'prune-worktrees', path: facts.path, shown: shownPath(facts) });
  if ((strategy === 'merge' || strategy === 'abandon') && facts.branchTip) ops.push({ op: 'delete-branch', branch: session.branch });
  if (dropBranch) ops.push({ op: 'delete-branch', branch: session.branch, merged });
  // Sessions stacked on a merged one now stand on its base (docs/landing.md, "Stacked sessions").
  const retarget = strategy === 'merge' && facts.baseBranch ? { retarget: { from: session.branch, to: facts.baseBranch } } : {};
  ops.push({ op: 'unregister', id: session.id, path: facts.path, ...retarget });
  // 7. post-remove, in the main worktree: a failure is reported, the session is gone all the same.
  if (hooks.has('post-remove') && facts.hookEvents.includes('post-remove')) ops.push(hookOp(facts, 'post-remove', { cwd: mainPath, fatal: false }));
  return { ops, notes, warnings };
}
