import { findSession, type SessionRecord } from '../../manifest/manifest.js';
import { readManifest } from '../../manifest/store.js';
import { messages } from '../../infra/messages.js';
import { executePlan } from '../../workflow/execute.js';
import type { Project } from '../../project/project.js';
import { gatherCreateFacts } from './facts.js';
import { planCreate } from './plan.js';
import { createRunners } from './steps.js';
import type { CopyReport } from '../copy.js';
import { approveHooks, runPostCreate, type HookFailed, type HookOptions, type HookOutcome } from '../../project/hooks/run.js';

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
}

/** The base of a session stacked on `on`: that session's branch (docs/landing.md, "Stacked sessions"). */
async function stackBase(project: Project, on: string): Promise<string> {
  const parent = findSession(await readManifest(project), on);
  if (!parent) throw messages.unknownSession(on, project.sessionsDir);
  return parent.branch;
}

/** `pwt create`: facts, plan (refuses before anything changes), then the plan runs with rollback. */
export async function createSession(project: Project, opts: CreateOptions): Promise<CreateResult> {
  const facts = await gatherCreateFacts(project, opts.on === undefined ? opts : { ...opts, base: await stackBase(project, opts.on) });
  const plan = planCreate(facts, opts);
  // Asked (or refused) before anything changes.
  const hookOptions = opts.hooks ?? { enabled: false };
  const gate = await approveHooks(project, ['post-create'], hookOptions);
  const done = await executePlan(plan.ops, createRunners, project, { rollback: true, onStep: opts.onStep });
  const copiedEnv = done.find((op) => op.op === 'copy-env');
  const result: CreateResult = {
    session: plan.session,
    path: facts.path,
    envCopied: (copiedEnv?.copied as string[] | undefined) ?? [],
    envKept: (copiedEnv?.kept as string[] | undefined) ?? [],
    copied: (done.find((op) => op.op === 'copy')?.copied as string[] | undefined) ?? [],
    ...(done.find((op) => op.op === 'copy')?.report ? { copy: done.find((op) => op.op === 'copy')?.report as CopyReport } : {}),
    hooks: [],
    ...(gate.note ? { hookNote: gate.note } : {}),
  };
  await runPostCreate(project, gate, { id: plan.session.id, path: facts.path, branch: facts.branch, base: facts.base }, hookOptions, result);
  return result;
}
