import { preloadWorkflowShell, useWorkflowShell } from '../../git/git.js';
import type { SessionRecord } from '../../manifest/manifest.js';
import { executePlan, planTitles, type Reported, type Spin } from '../../workflow/execute.js';
import type { Project } from '../../project/project.js';
import { gatherSyncFacts } from './facts.js';
import { planSync, type SyncMode, type SyncOp } from './plan.js';
import { syncRunners } from './steps.js';

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
}

export async function syncSession(project: Project, opts: SyncOptions): Promise<SyncResult> {
  // The steps' git runs through zx (git/workflow-shell.ts): it loads while the facts are read.
  if (!opts.dryRun) preloadWorkflowShell();
  const facts = await gatherSyncFacts(project, opts.name);
  const plan = planSync(facts, opts);
  if (plan.ops.length > 0 && !opts.dryRun) await useWorkflowShell();
  const actions = await executePlan(plan.ops, syncRunners, project, { dryRun: opts.dryRun, onStep: opts.onStep, spin: opts.spin });
  return { session: facts.session, path: facts.path, base: facts.base as string, behind: facts.behind, actions, titles: planTitles(plan.ops, syncRunners), dryRun: Boolean(opts.dryRun), notes: plan.notes };
}
