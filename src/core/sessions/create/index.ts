import type { SessionRecord } from '../../manifest/manifest.js';
import { preloadLock } from '../../infra/lock.js';
import { executePlan } from '../../workflow/execute.js';
import type { Project } from '../../project/project.js';
import { gatherCreateFacts } from './facts.js';
import { planCreate } from './plan.js';
import { createRunners } from './steps.js';

export { CREATING_ENV, copyEnvStep } from './steps.js';

export interface CreateOptions {
  name: string;
  goals: string[];
  base?: string;
  allowDirty?: boolean;
  copyEnv?: boolean;
  onStep?: (title: string) => void;
}

export interface CreateResult {
  session: SessionRecord;
  path: string;
  envCopied: string[];
  envKept: string[];
}

/** `pwt create`: facts, plan (refuses before anything changes), then the plan runs with rollback. */
export async function createSession(project: Project, opts: CreateOptions): Promise<CreateResult> {
  preloadLock();
  const facts = await gatherCreateFacts(project, opts);
  const plan = planCreate(facts, opts);
  const done = await executePlan(plan.ops, createRunners, project, { rollback: true, onStep: opts.onStep });
  const copied = done.find((op) => op.op === 'copy-env');
  return {
    session: plan.session,
    path: facts.path,
    envCopied: (copied?.copied as string[] | undefined) ?? [],
    envKept: (copied?.kept as string[] | undefined) ?? [],
  };
}
