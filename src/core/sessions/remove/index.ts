import { assertWritable } from '../../infra/writable.js';
import { join } from 'node:path';
import { PwtError, Exit, preconditionError } from '../../infra/errors.js';
import { GitError } from '../../git/git.js';
import { executePlan, planTitles, type Reported, type Spin } from '../../workflow/execute.js';
import type { Project } from '../../project/project.js';
import { approveHooks, configuredEvents, type HookGate, type HookOptions } from '../../project/hooks/run.js';
import { baseName, gatherFacts, gatherStrategyFacts, type RemoveFacts } from './facts.js';
import {
  describeShells,
  inventoryRefusal,
  occupancyRefusal,
  onlyIdleShells,
  planRemove,
  removeEvents,
  warningGate,
  type RemoveChoice,
  type RemoveWarning,
  type RemoveOp,
  type SquashChoice,
  type Strategy,
} from './plan.js';
import { removeRunners } from './steps.js';
import { sweepLandingWorktrees } from '../gate.js';
import { confirm, select, text } from '../../infra/ask.js';
import { preloadWorkflowShell, resolveCommit, useWorkflowShell } from '../../git/git.js';
import { describeInventory } from '../inventory.js';
import { withSessionLock } from '../lock.js';
import { clearIntent, interruptedError, pendingIntent, readIntent, recordIntent, type Intent } from '../intents/intent.js';
import { finishIntent } from '../intents/resume.js';
import { shellWord } from '../../infra/shell-word.js';

export { STRATEGIES, removeEvents, type RemoveOp, type RemoveWarning, type Strategy, type SquashChoice } from './plan.js';

/**
 * The ending sequence (docs/ending-sessions.md): the one way a session ends,
 * for `pwt remove`, `pwt run pick|rm`, `pwt land` and the MCP server. Facts
 * (the session, its worktree, its running agents, the configured hooks),
 * the caller's choices (and questions, only at a terminal), the approval of
 * the project hooks, a pure plan, the executor. Everything that can refuse
 * refuses before the first operation runs; agents are stopped only after.
 */
export interface RemoveOptions {
  name: string;
  strategy?: Strategy;
  yes?: boolean;
  /**
   * Go on past the plan's warnings (a PR that would carry base commits never
   * pushed) without asking: `pwt remove --yes`. Callers whose yes was to a
   * question that did not name them (MCP, run pick) leave it unset: refused.
   */
  acceptWarnings?: boolean;
  commit?: string;
  /** With merge: one commit on the base (message optional). */
  squash?: SquashChoice;
  /** pwt land already landed it (merged or squashed, tested): see RemoveChoice. */
  landed?: 'merge' | 'squash';
  /** With keep: also delete the branch, archived first unless merged (see RemoveChoice; pwt cleanup --delete-branch). */
  deleteBranch?: boolean;
  force?: boolean;
  dryRun?: boolean;
  interactive: boolean;
  /** Project hooks: --no-hooks (enabled: false), --trust-hooks, who can approve them, progress. Default: enabled, nobody asked. */
  hooks?: HookOptions;
  /** The hooks' approval, when the caller asked it already (pwt cleanup asks once for every session it ends). */
  hookGate?: HookGate;
  onStep?: (title: string) => void;
  /** Progress for slow steps (push, gh, merge): zx's spinner at a terminal. */
  spin?: Spin;
}

export interface RemoveResult {
  strategy: Strategy;
  /** --squash was given (hints and the dry run repeat it). */
  squash?: boolean;
  /** The plan's operations; after a real run, with what each learned (a dry run: as planned). */
  actions: Reported<RemoveOp>[];
  /** One line per planned step, for people. */
  titles: string[];
  dryRun: boolean;
  notes: string[];
  /** What needed a yes (asked, given by --yes, or only shown by a dry run). */
  warnings: RemoveWarning[];
  /** The warnings were shown in a question at the terminal (not to be repeated). */
  asked?: boolean;
  facts: RemoveFacts;
  /** The session branch's tip once the steps ran (null: it is gone). */
  branchTipAfter?: string | null;
  /** What the worktree held beyond its branch, one line each (shown by --dry-run). */
  inventory: string[];
  /** Why project hooks did not run (--no-hooks), when they did not. */
  hookNote?: string;
  /** This run finished a remove that was interrupted (started then). */
  finished?: string;
}
const STRATEGY_OPTIONS = [
  { value: 'pr', label: 'pr', hint: 'push the branch and open a pull request; keep the branch' },
  { value: 'merge', label: 'merge', hint: 'merge into the base here, then delete the branch' },
  { value: 'keep', label: 'keep', hint: 'remove the worktree, keep the branch' },
  { value: 'abandon', label: 'abandon', hint: 'archive everything under refs/pwt/archive, delete the branch' },
] as const;

const listed = (paths: string[]) => `${paths.slice(0, 5).join(', ')}${paths.length > 5 ? `, and ${paths.length - 5} more` : ''}`;

/** Uncommitted work is committed, archived (abandon) or the removal stops. Never discarded. */
async function settleUncommitted(facts: RemoveFacts, strategy: Strategy, opts: RemoveOptions): Promise<string | undefined> {
  if (facts.dirty.length === 0) return undefined;
  if (opts.commit !== undefined) return opts.commit;
  if (strategy === 'abandon' && opts.force) return undefined;
  const what = `Session ${facts.session.id} has ${facts.dirty.length} uncommitted change(s), untracked included: ${listed(facts.dirty)}.`;
  if (!opts.interactive) {
    throw preconditionError(
      what,
      `Commit them with --commit ` +
        `"message"${strategy === 'abandon' ? ', or pass --force to archive them with the abandoned session' : ''}; or commit in the session yourself.`,
    );
  }
  const options = [
    { value: 'commit', label: 'commit them', hint: 'asks for a message' },
    ...(strategy === 'abandon' ? [{ value: 'archive', label: 'archive them with the session', hint: 'pwt restore brings them back' }] : []),
    { value: 'cancel', label: 'cancel', hint: 'change nothing' },
  ];
  const answer = await select(`${what} What now?`, options, 'commit');
  if (answer === 'cancel') throw new PwtError('Cancelled; nothing was changed.', Exit.cancelled);
  if (answer === 'archive') return undefined;
  return text('Commit message:', `wip: ${facts.session.id}`, `wip: ${facts.session.id}`);
}

async function confirmAbandon(facts: RemoveFacts, opts: RemoveOptions): Promise<void> {
  if (opts.yes || opts.dryRun) return;
  const what =
    `Abandon ${facts.session.id}: delete its worktree and branch ${facts.session.branch} (archived ` + `under refs/pwt/archive/${facts.session.id}/ first).`;
  if (!opts.interactive) throw preconditionError(`${what} This needs confirmation.`, 'Pass --yes to confirm.');
  if (!(await confirm(`${what} Go ahead?`))) throw new PwtError('Cancelled; nothing was changed.', Exit.cancelled);
}

/**
 * A locked worktree or processes inside refuse (exit 3) unless --force. When
 * all that runs inside is idle interactive shells (a tab at its prompt), the
 * person at the terminal is asked instead (Enter cancels); yes goes past
 * those shells as --force would, and only them. Returns that yes (a dry
 * run at a terminal goes past them without asking).
 */
async function settleOccupancy(facts: RemoveFacts, opts: RemoveOptions): Promise<boolean> {
  const force = Boolean(opts.force);
  const shells = onlyIdleShells(facts);
  if (!force && opts.interactive && shells.length && facts.inventory?.locked === null) {
    // A dry run asks nothing: the real run would ask; the inventory it prints names the shells.
    if (opts.dryRun) return true;
    const question =
      `An idle interactive shell is in ${facts.path} (${describeShells(shells)}): removing the worktree leaves it in a ` +
      `deleted folder (it writes nothing, so nothing is lost). Go on?`;
    if (await confirm(question, false)) return true;
    throw new PwtError('Cancelled; nothing was changed.', Exit.cancelled, `cd out of ${facts.path} in that shell (or close it), then run pwt remove again.`);
  }
  const refusal = occupancyRefusal(facts, { force });
  if (refusal) throw refusal;
  return false;
}

export async function removeSession(project: Project, opts: RemoveOptions): Promise<RemoveResult> {
  // The steps' git and gh run through zx (git/workflow-shell.ts): it loads while the facts are read.
  if (!opts.dryRun) preloadWorkflowShell();
  if (opts.dryRun) return removeLocked(project, opts);
  return withSessionLock(project, opts.name, () => removeLocked(project, opts));
}

async function removeLocked(project: Project, opts: RemoveOptions): Promise<RemoveResult> {
  const pending = opts.dryRun ? readIntent(project.sessionsDir, opts.name) : pendingIntent(project.sessionsDir, opts.name);
  if (pending && (pending.kind !== 'remove' || opts.dryRun)) throw interruptedError(pending);
  if (pending) return finishRemove(project, pending as Intent<RemoveOp>, opts);
  const facts = await gatherFacts(project, opts.name);
  // A lock or processes inside refuse whatever the strategy: before it is asked.
  const idleShellsOk = await settleOccupancy(facts, opts);
  const strategy = opts.strategy ?? (opts.interactive ? await select(`How do you want to end ${facts.session.id}?`, [...STRATEGY_OPTIONS], 'keep') : 'keep');
  // What the worktree holds beyond its branch decides first: committing during a rebase would be the wrong answer.
  const refusal = inventoryRefusal(facts, { strategy, force: Boolean(opts.force), idleShellsOk });
  if (refusal) throw refusal;
  const commitMessage = facts.worktreeExists ? await settleUncommitted(facts, strategy, opts) : undefined;
  const choice: RemoveChoice = {
    strategy,
    force: Boolean(opts.force),
    ...(idleShellsOk ? { idleShellsOk } : {}),
    ...(commitMessage !== undefined ? { commitMessage } : {}),
    ...(opts.squash ? { squash: opts.squash } : {}),
    ...(opts.landed ? { landed: opts.landed } : {}),
    ...(opts.deleteBranch && strategy === 'keep' ? { deleteBranch: true } : {}),
  };
  const strategyFacts = await gatherStrategyFacts(facts, choice);
  // Every refusal first (the plan is pure: planning twice costs nothing), then the questions that commit to going on.
  const hookOptions: HookOptions = opts.hooks ?? { enabled: true };
  const events = removeEvents(strategy);
  const checked = planRemove(facts, strategyFacts, {
    ...choice,
    hooks: opts.hookGate?.events ?? (hookOptions.enabled ? configuredEvents(project, events) : []),
  });
  if (strategy === 'abandon') await confirmAbandon(facts, opts);
  const warned = warningGate(checked.warnings, {
    interactive: opts.interactive,
    yes: Boolean(opts.acceptWarnings),
    dryRun: Boolean(opts.dryRun),
    id: facts.session.id,
  });
  if (warned.kind === 'refuse') throw warned.error;
  if (warned.kind === 'ask' && !(await confirm(warned.question, false))) throw new PwtError('Cancelled; nothing was changed.', Exit.cancelled);
  // A dry run asks nothing: it shows the hooks that would run once approved.
  const gate =
    opts.hookGate ?? (opts.dryRun && hookOptions.enabled ? { events: configuredEvents(project, events) } : await approveHooks(project, events, hookOptions));
  const plan = planRemove(facts, strategyFacts, { ...choice, hooks: gate.events });
  const context = {
    project,
    session: facts.session,
    hookTarget: { id: facts.session.id, path: facts.path, branch: facts.session.branch, base: baseName(facts) },
    ...(hookOptions.onProgress ? { onHookProgress: hookOptions.onProgress } : {}),
  };

  if (!opts.dryRun) {
    await useWorkflowShell();
    // A gate's temporary worktree left by a pwt that was killed goes first.
    await sweepLandingWorktrees(project.repo.mainPath, project.sessionsDir);
  }
  let current = '';
  if (!opts.dryRun) {
    // Removing a worktree deletes its files, then its folder from the sessions folder: both must be writable first.
    assertWritable([project.sessionsDir, join(project.sessionsDir, '.pwt'), ...(facts.worktreeExists ? [facts.path] : [])], `pwt remove ${facts.session.id}`);
    const options = {
      strategy,
      force: Boolean(opts.force),
      squash: Boolean(opts.squash),
      session: facts.session,
      hookTarget: context.hookTarget,
      facts,
      notes: plan.notes,
    };
    recordIntent(project.sessionsDir, {
      kind: 'remove',
      id: facts.session.id,
      command: `pwt remove ${shellWord(facts.session.id)} --strategy ${strategy}${opts.squash ? ' --squash' : ''}`,
      options: options as unknown as Record<string, unknown>,
      ops: plan.ops,
    });
  }
  try {
    const actions = await executePlan(plan.ops, removeRunners, context, {
      dryRun: opts.dryRun,
      spin: opts.spin,
      onStep: (title) => {
        current = title;
        opts.onStep?.(title);
      },
    });
    // What the report may claim is checked against git after the steps, not assumed.
    const branchTipAfter = await resolveCommit(project.repo.mainPath, `refs/heads/${facts.session.branch}`);
    // Done: the intent goes (a kill leaves it: the next pwt remove, or cleanup, finishes the recorded plan).
    if (!opts.dryRun) clearIntent(project.sessionsDir, facts.session.id);
    return {
      strategy,
      ...(choice.squash ? { squash: true } : {}),
      actions,
      titles: planTitles(plan.ops, removeRunners),
      dryRun: Boolean(opts.dryRun),
      notes: plan.notes,
      warnings: plan.warnings,
      ...(warned.kind === 'ask' ? { asked: true } : {}),
      facts,
      branchTipAfter,
      inventory: facts.inventory ? describeInventory(facts.inventory) : [],
      ...(gate.note ? { hookNote: gate.note } : {}),
    };
  } catch (error) {
    // A step that failed is reported; the next pwt remove looks at the session afresh (as it is now).
    if (!opts.dryRun) clearIntent(project.sessionsDir, facts.session.id);
    throw stepFailure(error, current, facts);
  }
}

/**
 * The re-run of a remove that was cut (or stopped by a failing step): the
 * recorded plan runs again, each step that had run skipped
 * (intents/resume.ts), with the facts and choices recorded then.
 */
async function finishRemove(project: Project, intent: Intent<RemoveOp>, opts: RemoveOptions): Promise<RemoveResult> {
  const recorded = intent.options as unknown as { strategy: Strategy; facts: RemoveFacts; notes?: string[] };
  await useWorkflowShell();
  await sweepLandingWorktrees(project.repo.mainPath, project.sessionsDir);
  let current = '';
  try {
    const actions = await finishIntent(project, intent, {
      onStep: (title) => {
        current = title;
        opts.onStep?.(title);
      },
    });
    const branchTipAfter = await resolveCommit(project.repo.mainPath, `refs/heads/${recorded.facts.session.branch}`);
    return {
      strategy: recorded.strategy,
      actions: actions as Reported<RemoveOp>[],
      titles: planTitles(intent.ops, removeRunners),
      dryRun: false,
      notes: recorded.notes ?? [],
      warnings: [],
      facts: recorded.facts,
      branchTipAfter,
      inventory: [],
      finished: intent.startedAt,
    };
  } catch (error) {
    throw stepFailure(error, current, recorded.facts);
  }
}

/** A failing step says which one, what git said, and how to finish (the state is left for status/cleanup/remove). */
function stepFailure(error: unknown, step: string, facts: RemoveFacts): unknown {
  const finish = `Fix the cause, then run pwt remove ${facts.session.id} again to finish (pwt status shows where it stopped).`;
  if (error instanceof PwtError) return error.hint ? error : new PwtError(error.message, error.exitCode, finish);
  if (error instanceof GitError) return new PwtError(`Step "${step}" failed: ${error.result.stderr.trim() || error.message}`, Exit.precondition, finish);
  return error;
}
