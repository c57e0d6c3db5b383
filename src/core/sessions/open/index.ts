import { preloadWorkflowShell, useWorkflowShell } from '../../git/git.js';
import type { SessionRecord } from '../../manifest/manifest.js';
import { executePlan, type Reported, type Spin } from '../../workflow/execute.js';
import type { Project } from '../../project/project.js';
import { approveHooks, runPostCreate, type HookFailed, type HookOptions, type HookOutcome } from '../../project/hooks/run.js';
import { gatherOpenFacts } from './facts.js';
import { planOpen, type OpenOp } from './plan.js';
import { openRunners } from './steps.js';

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
}

export async function openSession(project: Project, opts: OpenOptions): Promise<OpenResult> {
  // The steps' git runs through zx (git/workflow-shell.ts): it loads while the facts are read.
  preloadWorkflowShell();
  const facts = await gatherOpenFacts(project, opts);
  const plan = planOpen(facts, opts);
  if (plan.kind === 'already-open') return { session: plan.session, path: plan.path, alreadyOpen: true, goalsFrom: null, tracking: null, actions: [], hooks: [] };
  // Asked (or refused) before anything changes.
  const hookOptions = opts.hooks ?? { enabled: false };
  const gate = await approveHooks(project, ['post-create'], hookOptions);
  await useWorkflowShell();
  const actions = await executePlan(plan.ops, openRunners, project, { rollback: true, onStep: opts.onStep, spin: opts.spin });
  const result: OpenResult = { session: plan.session, path: facts.path, alreadyOpen: false, goalsFrom: plan.goalsFrom, tracking: facts.target.remoteRef, actions, hooks: [], ...(gate.note ? { hookNote: gate.note } : {}) };
  await runPostCreate(project, gate, { id: facts.name, path: facts.path, branch: facts.target.branch, base: facts.base ?? facts.baseCommit ?? '' }, hookOptions, result);
  return result;
}
