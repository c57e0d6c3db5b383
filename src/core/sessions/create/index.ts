import { assertWritable } from '../../infra/writable.js';
import { join } from 'node:path';
import { findSession, type SessionRecord } from '../../manifest/manifest.js';
import { readManifest } from '../../manifest/store.js';
import { messages } from '../../infra/messages.js';
import { executePlan } from '../../workflow/execute.js';
import type { Project } from '../../project/project.js';
import { gatherCreateFacts } from './facts.js';
import { planCreate, type CreateOp } from './plan.js';
import { clearIntent, interruptedError, pendingIntent, recordIntent, type Intent } from '../intents/intent.js';
import { finishIntent } from '../intents/resume.js';
import { shellWord } from '../../infra/shell-word.js';
import { createRunners } from './steps.js';
import { cancelCreate } from './cancel.js';
import type { CopyReport } from '../copy.js';
import { ensureSessionHooks } from '../../project/hooks-folder.js';
import { approveHooks, HookInterrupted, runPostCreate, type HookFailed, type HookGate, type HookOptions, type HookOutcome } from '../../project/hooks/run.js';

export { CREATING_ENV } from './steps.js';

export interface CreateOptions {
  name: string;
  goals: string[];
  base?: string;
  /** `--on <session>`: stack on that session (its branch is the base). */
  on?: string;
  allowDirty?: boolean;
  copyEnv?: boolean;
  onStep?: (title: string) => void;
  /** Project hooks (post-create); without it none run. */
  hooks?: HookOptions;
}

export interface CreateResult {
  session: SessionRecord;
  path: string;
  envCopied: string[];
  envKept: string[];
  /** Paths the `copy` globs brought over from the main worktree. */
  copied: string[];
  /** How that copy went (reflink or bytes, size, entries, time). */
  copy?: CopyReport;
  hooks: HookOutcome[];
  /** Why hooks did not run (--no-hooks, not approved), for people. */
  hookNote?: string;
  /** The post-create hook failed; the session exists all the same. */
  hookFailure?: HookFailed;
  /** This run finished a create that was interrupted (started then). */
  finished?: string;
}

/** The base of a session stacked on `on`: that session's branch (docs/landing.md, "Stacked sessions"). */
async function stackBase(project: Project, on: string): Promise<string> {
  const parent = findSession(await readManifest(project), on);
  if (!parent) throw messages.unknownSession(on, project.sessionsDir);
  return parent.branch;
}

/** `pwt create`: facts, plan (refuses before anything changes), then the plan runs with rollback. */
export async function createSession(project: Project, opts: CreateOptions): Promise<CreateResult> {
  const pending = pendingIntent(project.sessionsDir, opts.name);
  if (pending && pending.kind !== 'create') throw interruptedError(pending);
  if (pending) return finishCreate(project, pending as Intent<CreateOp>, opts);
  const facts = await gatherCreateFacts(project, opts.on === undefined ? opts : { ...opts, base: await stackBase(project, opts.on) });
  const plan = planCreate(facts, opts);
  // Asked (or refused) before anything changes.
  const hookOptions = opts.hooks ?? { enabled: false };
  const gate = await approveHooks(project, ['post-create'], hookOptions);
  assertWritable([project.sessionsDir, join(project.sessionsDir, '.pwt')], `pwt create ${opts.name}`);
  recordIntent(project.sessionsDir, {
    kind: 'create',
    id: opts.name,
    command: `pwt create ${shellWord(opts.name)}`,
    options: { goals: opts.goals, base: opts.base ?? null, on: opts.on ?? null, allowDirty: Boolean(opts.allowDirty), copyEnv: opts.copyEnv !== false },
    ops: plan.ops,
  });
  const done = await executePlan(plan.ops, createRunners, project, { rollback: true, onStep: opts.onStep }).catch((error: unknown) => {
    clearIntent(project.sessionsDir, opts.name);
    throw error;
  });
  await ensureSessionHooks(project.repo.mainPath, facts.path);
  clearIntent(project.sessionsDir, opts.name);
  return finishResult(project, plan.session, facts.path, facts.base, done, gate, hookOptions);
}

/** The re-run of a create that was cut: the recorded plan finishes, with the goals given then and now. */
async function finishCreate(project: Project, intent: Intent<CreateOp>, opts: CreateOptions): Promise<CreateResult> {
  const register = intent.ops.find((op) => op.op === 'register');
  const add = intent.ops.find((op) => op.op === 'add-worktree');
  if (!register || register.op !== 'register' || !add || add.op !== 'add-worktree') throw interruptedError(intent);
  const hookOptions = opts.hooks ?? { enabled: false };
  const gate = await approveHooks(project, ['post-create'], hookOptions);
  const done = await finishIntent(project, intent, { goals: opts.goals, onStep: opts.onStep });
  const session = { ...register.session, goals: [...new Set([...register.session.goals, ...opts.goals])] };
  return {
    ...(await finishResult(project, session, add.path, add.base, done as Array<{ op: string } & Record<string, unknown>>, gate, hookOptions)),
    finished: intent.startedAt,
  };
}

async function finishResult(
  project: Project,
  session: SessionRecord,
  path: string,
  base: string,
  done: Array<{ op: string } & Record<string, unknown>>,
  gate: HookGate,
  hookOptions: HookOptions,
): Promise<CreateResult> {
  const copiedEnv = done.find((op) => op.op === 'copy-env');
  const result: CreateResult = {
    session,
    path,
    envCopied: (copiedEnv?.copied as string[] | undefined) ?? [],
    envKept: (copiedEnv?.kept as string[] | undefined) ?? [],
    copied: (done.find((op) => op.op === 'copy')?.copied as string[] | undefined) ?? [],
    ...(done.find((op) => op.op === 'copy')?.report ? { copy: done.find((op) => op.op === 'copy')?.report as CopyReport } : {}),
    hooks: [],
    ...(gate.note ? { hookNote: gate.note } : {}),
  };
  try {
    await runPostCreate(project, gate, { id: session.id, path, branch: session.branch, base }, hookOptions, result);
  } catch (error) {
    if (!(error instanceof HookInterrupted)) throw error;
    // Ctrl-C cancels the create: taken back, unless the worktree holds more than a clean checkout (cancel.ts).
    // A second Ctrl-C must not cut the rollback halfway.
    const ignore = () => undefined;
    process.on('SIGINT', ignore);
    try {
      throw await cancelCreate(project, session, path, error);
    } finally {
      process.off('SIGINT', ignore);
    }
  }
  return result;
}
