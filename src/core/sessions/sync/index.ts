import { preloadWorkflowShell, useWorkflowShell } from '../../git/git.js';
import type { SessionRecord } from '../../manifest/manifest.js';
import { executePlan, planTitles, type Reported, type Spin } from '../../workflow/execute.js';
import type { Project } from '../../project/project.js';
import { gatherSyncFacts } from './facts.js';
import { planSync, type SyncMode, type SyncOp } from './plan.js';
import { syncRunners } from './steps.js';
import { clearIntent, interruptedError, pendingIntent, recordIntent } from '../intents/intent.js';
import { finishIntent } from '../intents/resume.js';
import { shellWord } from '../../infra/shell-word.js';

export { SYNC_MODES, type SyncMode } from './plan.js';

/**
 * `pwt sync [name] [--merge|--rebase]`: the base's new commits into the
 * session. Facts, then a plan that refuses before anything changes (an agent
 * running there, uncommitted work, a rebase or merge in progress, a conflict
 * found with `git merge-tree --write-tree`, which touches no worktree), then
 * the plan runs. A merge is written with commit-tree and fast-forwarded into
 * the worktree, so it lands whole or not at all; a rebase that stops on a
 * conflict part-way is aborted, which puts the branch back as it was.
 */
export interface SyncOptions {
  name?: string;
  mode: SyncMode;
  force?: boolean;
  dryRun?: boolean;
  onStep?: (title: string) => void;
  spin?: Spin;
}

export interface SyncResult {
  session: SessionRecord;
  path: string;
  base: string;
  /** Commits on the base that the session lacked. */
  behind: number;
  actions: Reported<SyncOp>[];
  titles: string[];
  dryRun: boolean;
  notes: string[];
  /** This run finished a sync that was interrupted (started then). */
  finished?: string;
}

export async function syncSession(project: Project, opts: SyncOptions): Promise<SyncResult> {
  // The steps' git runs through zx (git/workflow-shell.ts): it loads while the facts are read.
  if (!opts.dryRun) preloadWorkflowShell();
  const facts = await gatherSyncFacts(project, opts.name);
  const id = facts.session.id;
  // A sync cut after its merge or rebase but before it recorded the new base commit finishes first.
  const pending = pendingIntent(project.sessionsDir, id);
  if (pending && (pending.kind !== 'sync' || opts.dryRun)) throw interruptedError(pending);
  if (pending) {
    await useWorkflowShell();
    const actions = await finishIntent(project, pending, { onStep: opts.onStep });
    return {
      session: facts.session,
      path: facts.path,
      base: facts.base as string,
      behind: facts.behind,
      actions: actions as Reported<SyncOp>[],
      titles: planTitles(pending.ops as SyncOp[], syncRunners),
      dryRun: false,
      notes: [],
      finished: pending.startedAt,
    };
  }
  const plan = planSync(facts, opts);
  if (plan.ops.length > 0 && !opts.dryRun) await useWorkflowShell();
  if (plan.ops.length > 0 && !opts.dryRun)
    recordIntent(project.sessionsDir, {
      kind: 'sync',
      id,
      command: `pwt sync ${shellWord(id)}${opts.mode === 'rebase' ? ' --rebase' : ''}`,
      options: { mode: opts.mode, force: Boolean(opts.force) },
      ops: plan.ops,
    });
  const run = executePlan(plan.ops, syncRunners, project, { dryRun: opts.dryRun, onStep: opts.onStep, spin: opts.spin });
  // A step that failed left the session as it was (each lands whole): the intent goes with it.
  const actions = plan.ops.length > 0 && !opts.dryRun ? await run.finally(() => clearIntent(project.sessionsDir, id)) : await run;
  return {
    session: facts.session,
    path: facts.path,
    base: facts.base as string,
    behind: facts.behind,
    actions,
    titles: planTitles(plan.ops, syncRunners),
    dryRun: Boolean(opts.dryRun),
    notes: plan.notes,
  };
}
