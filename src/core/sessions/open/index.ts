import { assertWritable } from '../../infra/writable.js';
import { join } from 'node:path';
import { preloadWorkflowShell, useWorkflowShell } from '../../git/git.js';
import type { SessionRecord } from '../../manifest/manifest.js';
import { executePlan, type Reported, type Spin } from '../../workflow/execute.js';
import type { Project } from '../../project/project.js';
import { ensureSessionHooks } from '../../project/hooks-folder.js';
import { approveHooks, runPostCreate, type HookFailed, type HookOptions, type HookOutcome } from '../../project/hooks/run.js';
import { gatherOpenFacts } from './facts.js';
import { planOpen, type OpenOp } from './plan.js';
import { openRunners } from './steps.js';
import { clearIntent, interruptedError, interruptedIntents, pendingIntent, recordIntent, type Intent } from '../intents/intent.js';
import { finishIntent } from '../intents/resume.js';
import { shellWord } from '../../infra/shell-word.js';
import { findSession } from '../../manifest/manifest.js';
import { updateManifest } from '../../manifest/store.js';

export { nameForBranch } from './facts.js';

/**
 * `pwt open <branch|name>`: a session on a branch that exists already (a
 * kept session's, a PR branch, any local or remote branch) instead of a new
 * one. A remote-only branch gets a local branch that tracks it. What pwt
 * knew about the branch (goals, base, PR) comes back from the manifest (an
 * entry whose worktree is gone, or the record of an ended session) or from
 * the newest archive of that name. Env files, `copy` and post-create hooks
 * as for create.
 */
export interface OpenOptions {
  target: string;
  /** Session name; default: the kept session's name, else the branch with "/" as "-". */
  name?: string;
  goals: string[];
  copyEnv?: boolean;
  onStep?: (title: string) => void;
  spin?: Spin;
  /** Project hooks (post-create runs after open too); without it none run. */
  hooks?: HookOptions;
}

export interface OpenResult {
  session: SessionRecord;
  path: string;
  /** The session existed with its worktree already: nothing was done. */
  alreadyOpen: boolean;
  /** Where the goals came from. */
  goalsFrom: 'flags' | 'manifest' | 'archive' | null;
  /** The remote branch a new local branch now tracks. */
  tracking: string | null;
  actions: Reported<OpenOp>[];
  hooks: HookOutcome[];
  hookNote?: string;
  hookFailure?: HookFailed;
  /** This run finished an open that was interrupted (started then). */
  finished?: string;
  /** Goals given to an open session that it did not have yet, now added. */
  goalsAdded?: string[];
}

export async function openSession(project: Project, opts: OpenOptions): Promise<OpenResult> {
  // The steps' git runs through zx (git/workflow-shell.ts): it loads while the facts are read.
  preloadWorkflowShell();
  // A cut open of the same target (or name) finishes first; another operation cut on that name is in the way.
  const byName = opts.name ? pendingIntent(project.sessionsDir, opts.name) : null;
  if (byName && byName.kind !== 'open') throw interruptedError(byName);
  const pending = byName ?? interruptedIntents(project.sessionsDir).find((intent) => intent.kind === 'open' && intent.options.target === opts.target);
  if (pending) return finishOpen(project, pending as Intent<OpenOp>, opts);
  const facts = await gatherOpenFacts(project, opts);
  const plan = planOpen(facts, opts);
  if (plan.kind === 'already-open') {
    // An open session missing its hooks folder (made before, or by hand) gets it now.
    await ensureSessionHooks(project.repo.mainPath, plan.path);
    return alreadyOpen(project, plan.session, plan.path, opts.goals);
  }
  const other = pendingIntent(project.sessionsDir, facts.name);
  if (other) throw interruptedError(other);
  // Asked (or refused) before anything changes.
  const hookOptions = opts.hooks ?? { enabled: false };
  const gate = await approveHooks(project, ['post-create'], hookOptions);
  await useWorkflowShell();
  assertWritable([project.sessionsDir, join(project.sessionsDir, '.pwt')], `pwt open ${opts.target}`);
  recordIntent(project.sessionsDir, {
    kind: 'open',
    id: facts.name,
    command: `pwt open ${shellWord(opts.target)}${opts.name ? ` --name ${shellWord(opts.name)}` : ''}`,
    options: { target: opts.target, name: opts.name ?? null, goals: opts.goals, copyEnv: opts.copyEnv !== false },
    ops: plan.ops,
  });
  const actions = await executePlan(plan.ops, openRunners, project, { rollback: true, onStep: opts.onStep, spin: opts.spin }).catch((error: unknown) => {
    clearIntent(project.sessionsDir, facts.name);
    throw error;
  });
  await ensureSessionHooks(project.repo.mainPath, facts.path);
  clearIntent(project.sessionsDir, facts.name);
  const result: OpenResult = {
    session: plan.session,
    path: facts.path,
    alreadyOpen: false,
    goalsFrom: plan.goalsFrom,
    tracking: facts.target.remoteRef,
    actions,
    hooks: [],
    ...(gate.note ? { hookNote: gate.note } : {}),
  };
  await runPostCreate(
    project,
    gate,
    { id: facts.name, path: facts.path, branch: facts.target.branch, base: facts.base ?? facts.baseCommit ?? '' },
    hookOptions,
    result,
  );
  return result;
}

/** The re-run of an open that was cut: the recorded plan finishes, with the goals given then and now. */
async function finishOpen(project: Project, intent: Intent<OpenOp>, opts: OpenOptions): Promise<OpenResult> {
  const register = intent.ops.find((op) => op.op === 'register');
  const add = intent.ops.find((op) => op.op === 'add-worktree');
  if (!register || register.op !== 'register' || !add || add.op !== 'add-worktree') throw interruptedError(intent);
  const hookOptions = opts.hooks ?? { enabled: false };
  const gate = await approveHooks(project, ['post-create'], hookOptions);
  await useWorkflowShell();
  const actions = await finishIntent(project, intent, { goals: opts.goals, onStep: opts.onStep });
  const session = { ...register.session, goals: [...new Set([...register.session.goals, ...opts.goals])] };
  const given = (intent.options.goals as string[] | undefined)?.length || opts.goals.length;
  const result: OpenResult = {
    session,
    path: add.path,
    alreadyOpen: false,
    goalsFrom: given ? 'flags' : null,
    tracking: add.tracking,
    actions: actions as Reported<OpenOp>[],
    hooks: [],
    finished: intent.startedAt,
    ...(gate.note ? { hookNote: gate.note } : {}),
  };
  await runPostCreate(
    project,
    gate,
    { id: session.id, path: add.path, branch: add.branch, base: session.base ?? session.baseCommit ?? '' },
    hookOptions,
    result,
  );
  return result;
}

/** An open session needs nothing, except the goals given that it lacks: they are added. */
async function alreadyOpen(project: Project, session: SessionRecord, path: string, goals: string[]): Promise<OpenResult> {
  const missing = goals.filter((goal) => !session.goals.includes(goal));
  let current = session;
  if (missing.length > 0) {
    await updateManifest(project, (manifest) => {
      const entry = findSession(manifest, session.id);
      if (!entry) return;
      entry.goals = [...entry.goals, ...missing.filter((goal) => !entry.goals.includes(goal))];
      current = { ...entry };
    });
  }
  return {
    session: current,
    path,
    alreadyOpen: true,
    goalsFrom: null,
    tracking: null,
    actions: [],
    hooks: [],
    ...(missing.length ? { goalsAdded: missing } : {}),
  };
}
