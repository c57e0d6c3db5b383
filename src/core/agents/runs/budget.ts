import { preconditionError, usageError } from '../../infra/errors.js';
import { openProject, type Project } from '../../project/project.js';
import { watchBudget, type BudgetWatch } from '../admission/admit.js';
import { listAgents, stopAgent } from '../runtime/index.js';
import { usageByAgent, type Usage } from '../usage.js';
import { stopRun } from './lifecycle.js';
import { readRun, requireRun, updateRun, type RunFile } from './store.js';

/**
 * `pwt run start --budget USD`: the run's spending limit. The scheduler
 * (pwt's background loop in its tmux server) checks each watched run once a
 * round: when the cost of the run's agents added up passes the budget, it
 * stops them resumably (as `pwt run stop` does: status `stopped`, vendor ids
 * and resume arguments kept) and records `budgetStop` in the run file. A run
 * is watched until that happens or until none of its agents runs or waits in
 * the queue. docs/runs.md.
 */

/** `--budget USD`: a positive amount of dollars. */
export function parseBudget(text: string): number {
  const value = Number(text.trim().replace(/^\$/, ''));
  if (!text.trim() || !Number.isFinite(value) || value <= 0)
    throw usageError(`--budget ${text} is not an amount of US dollars above 0.`, 'Pass it as a number, e.g. --budget 5 or --budget 0.50');
  return value;
}

export const dollars = (value: number): string => `$${value < 1 ? value.toFixed(4).replace(/0{1,2}$/, '') : value.toFixed(2)}`;

/** What the run's agents cost, from the vendors' files: the known costs added up, and the agents whose cost pwt cannot know. */
export async function runSpend(project: Project, run: RunFile): Promise<{ costUsd: number; unknown: string[] }> {
  const usage = await usageByAgent(project, new Set(run.agents.map((agent) => agent.session)));
  let costUsd = 0;
  const unknown: string[] = [];
  for (const agent of run.agents) {
    if (!agent.agentId) continue;
    const found: Usage | undefined = usage.get(agent.agentId);
    if (found?.costUsd === undefined) unknown.push(agent.agentId);
    else costUsd += found.costUsd;
  }
  return { costUsd, unknown };
}

/** Statuses of an agent that still spends or may start spending. */
const ACTIVE = new Set(['running', 'unknown', 'queued']);

/**
 * One round of the scheduler for one run: stops the run's agents once its
 * cost passed the budget. Returns whether the run still needs watching.
 */
export async function checkRunBudget(watch: BudgetWatch, note: (line: string) => void): Promise<boolean> {
  const project = await openProject(watch.main, { env: { ...process.env, ...watch.env } });
  const run = readRun(project.sessionsDir, watch.run);
  if (!run || typeof run.budgetUsd !== 'number' || run.budgetStop) return false;
  const budget = run.budgetUsd;
  const { costUsd } = await runSpend(project, run);
  if (costUsd > budget) {
    const result = await stopRun(project, run.name);
    const stopped = result.agents.filter((agent) => agent.outcome === 'stopped').map((agent) => agent.session);
    // One still waiting for a slot must not start later: it leaves the queue.
    for (const view of await runViews(project, run)) if (view.status === 'queued') await stopAgent(project, { session: view.session, agent: view.id });
    await updateRun(project.sessionsDir, run.name, (file) => {
      file.budgetStop = { at: new Date().toISOString(), costUsd, stopped };
    });
    note(
      `Run ${run.name} (${watch.main}) spent ${dollars(costUsd)}, past its budget of ${dollars(budget)}: ` +
        `stopped ${stopped.join(', ') || 'nothing (none ran)'}.`,
    );
    return false;
  }
  return (await runViews(project, run)).some((view) => ACTIVE.has(view.status));
}

async function runViews(project: Project, run: RunFile) {
  const ids = new Set(run.agents.flatMap((agent) => (agent.agentId ? [agent.agentId] : [])));
  return (await listAgents(project)).filter((view) => ids.has(view.id));
}

/**
 * Before `pwt run resume`: a run stopped at its budget goes on only with a
 * higher one (`--budget`, above what it spent); a new budget replaces the
 * old. Returns whether the run has a budget to watch once resumed.
 */
export async function budgetBeforeResume(project: Project, name: string, budgetUsd?: number): Promise<boolean> {
  const run = requireRun(project.sessionsDir, name);
  if (budgetUsd === undefined) {
    if (run.budgetStop)
      throw preconditionError(
        `Run ${name} was stopped at its budget of ${dollars(run.budgetUsd ?? 0)} (${dollars(run.budgetStop.costUsd)} spent).`,
        `Go on with a higher budget: pwt run resume ${name} --budget USD`,
      );
    return typeof run.budgetUsd === 'number';
  }
  const { costUsd } = await runSpend(project, run);
  if (costUsd >= budgetUsd)
    throw preconditionError(
      `Run ${name} has spent ${dollars(costUsd)} already: a budget of ${dollars(budgetUsd)} would stop it at once.`,
      `Pass more than ${dollars(costUsd)} with --budget.`,
    );
  await updateRun(project.sessionsDir, name, (file) => {
    file.budgetUsd = budgetUsd;
    delete file.budgetStop;
  });
  return true;
}

/** After a start or resume: the scheduler watches the run's budget while its agents run. */
export async function watchRunBudget(project: Project, name: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await watchBudget(project.repo.mainPath, name, env);
}
