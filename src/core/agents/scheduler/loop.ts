import { findSession, type Manifest } from '../../manifest/manifest.js';
import { readManifest } from '../../manifest/store.js';
import { openProject, type Project } from '../../project/project.js';
import { schedulerMayExit, unwatch, unwatchBudget, watchedBudgets, watchedProjects, type BudgetWatch, type Watched } from '../admission/admit.js';
import { dropAgent, listQueue, type QueueEntry } from '../admission/queue.js';
import { agentStates } from '../runtime/activity/summary.js';
import { agentNoteText, resumeAgent, startAgent, stopAgent } from '../runtime/index.js';
import { allAgents, updateAgents, type AgentEntry } from '../runtime/records.js';
import { ConversationCounts, idleLongEnough, safeToHibernate } from './hibernate.js';
import { exitedWhileLimited, resumeExited, resumeLimited } from './limits.js';
import { checkStatus, readLiveness } from '../runtime/status.js';

/**
 * `pwt _scheduler`: the one background program of pwt, in its own tmux
 * server (session `pwt-scheduler`), started when an agent is queued or a
 * project hibernates idle agents, and gone when there is nothing left to
 * wait for. Each round: start the agent at the head of the machine's queue
 * when a slot is free (through the same startAgent/resumeAgent as the CLI),
 * then stop, resumably, every agent of a watched project that has been idle
 * longer than its `hibernateAfterMinutes` (and whose conversation the vendor
 * holds with its launch's prompt: hibernate.ts) and resume, once, those whose
 * usage limit has reset (`resumeAfterLimit`), then check each watched run's
 * cost against its budget (`checkBudget`, given by the caller: runs sit above
 * the scheduler). docs/many-agents.md.
 */
export interface SchedulerOptions {
  env?: NodeJS.ProcessEnv;
  /** Pause between rounds. */
  tickMs?: number;
  /** What happened, for the scheduler's pane and log. */
  note: (line: string) => void;
  /**
   * Checks one run's cost against its budget (stopping its agents when it is
   * past); false when there is nothing left to watch for that run. Without
   * it, budget watches are dropped.
   */
  checkBudget?: (watch: BudgetWatch, note: (line: string) => void) => Promise<boolean>;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export async function runScheduler(opts: SchedulerOptions): Promise<void> {
  const env = opts.env ?? process.env;
  const tickMs = opts.tickMs ?? 1000;
  // Conversation lengths already read, for the hibernation check (hibernate.ts): kept across rounds.
  const counts = new ConversationCounts();
  for (;;) {
    const queue = listQueue(env);
    const watched = watchedProjects(env);
    const budgets = watchedBudgets(env);
    if (queue.length === 0 && watched.length === 0 && budgets.length === 0 && (await schedulerMayExit(env))) {
      opts.note('Nothing queued and no project or budget to watch: the scheduler ends.');
      return;
    }
    if (queue[0]) await startHead(queue[0], opts);
    for (const each of watched) await watchRound(each, env, opts, counts);
    for (const each of budgets) await checkBudget(each, env, opts);
    await sleep(tickMs);
  }
}

/** Starts the head of the queue when a slot is free; a start that cannot happen (session gone, CLI missing) leaves the queue with its reason recorded. */
async function startHead(entry: QueueEntry, opts: SchedulerOptions): Promise<void> {
  let project: Project | null = null;
  try {
    project = await openProject(entry.main, { env: entry.env });
    const launch =
      entry.kind === 'resume'
        ? await resumeAgent(project, { session: entry.session, agent: entry.agentId, prompt: entry.prompt, env: entry.env, admitted: true })
        : await startAgent(project, {
            session: entry.session,
            provider: entry.provider,
            prompt: entry.prompt,
            name: entry.name,
            handoff: entry.handoff,
            mode: entry.mode === 'new' ? 'start' : entry.mode,
            env: entry.env,
            admitted: true,
          });
    if (launch.queued === undefined) opts.note(`Started ${entry.agentId} (${entry.main}): ${launch.notes.map(agentNoteText).join(' ')}`);
  } catch (error) {
    dropAgent(entry.main, entry.agentId, opts.env ?? process.env);
    const reason = error instanceof Error ? error.message : String(error);
    opts.note(`Could not start queued ${entry.agentId} (${entry.main}): ${reason}`);
    if (project) await recordQueueFailure(project, entry, reason).catch(() => undefined);
  }
}

async function recordQueueFailure(project: Project, entry: QueueEntry, reason: string): Promise<void> {
  await updateAgents(project, entry.session, (agents) => {
    const index = agents.findIndex((agent) => agent.id === entry.agentId);
    if (index < 0 || agents[index]!.status !== 'queued') return;
    if (agents[index]!.vendorSessionId) agents[index] = { ...(agents[index] as AgentEntry), status: 'stopped', queueError: reason };
    else agents.splice(index, 1);
  });
}

/**
 * One round for a watched project: stops, resumably, its agents idle for
 * longer than it allows, and resumes once those whose usage limit has reset
 * (limits.ts). Stops watching a project with nothing left running or nothing
 * to watch for.
 */
async function watchRound({ main, env: projectEnv }: Watched, env: NodeJS.ProcessEnv, opts: SchedulerOptions, counts: ConversationCounts): Promise<void> {
  let project: Project;
  try {
    project = await openProject(main, { env: { ...env, ...projectEnv } });
  } catch {
    unwatch(main, env);
    return;
  }
  const { hibernateAfterMinutes: minutes, resumeAfterLimit } = project.config.agents;
  const manifest: Manifest | null = await readManifest(project);
  if (minutes === null && !resumeAfterLimit) {
    unwatch(main, env);
    return;
  }
  const liveness = await readLiveness();
  const { activity, limits } = await agentStates(project, liveness, { ...env, ...projectEnv });
  const exited = resumeAfterLimit ? exitedWhileLimited(manifest, liveness, limits) : [];
  // Watched while an agent of the project runs or may still (one just started may show no activity yet, its CLI
  // still loading; one just killed reads `unknown` until its process is gone, then `exited`, perhaps at its limit).
  const running = allAgents(manifest).some(({ agent }) => ['running', 'unknown'].includes(checkStatus(agent, liveness).status));
  if (!running && exited.length === 0) {
    unwatch(main, env);
    return;
  }
  const now = Date.now();
  if (resumeAfterLimit) await resumeLimited(project, manifest, activity, limits, now, opts.note);
  if (exited.length > 0) await resumeExited(project, exited, now, opts.note);
  if (minutes === null) return;
  for (const { session, agent } of allAgents(manifest)) {
    const state = activity.get(agent.id);
    // A limited agent waits for its reset, not for a wake-up: it is not idle.
    if (!state || !idleLongEnough(agent, state, limits.has(agent.id), minutes, now)) continue;
    if (!findSession(manifest, session.id)) continue;
    // A still screen also reads idle while a CLI loads: only a conversation the vendor holds, with the launch's prompt in it, is stopped.
    if (!(await safeToHibernate(project, session, agent, { ...env, ...projectEnv }, counts).catch(() => false))) continue;
    try {
      await stopAgent(project, { session: session.id, agent: agent.id, as: 'hibernated' });
      opts.note(`Hibernated ${agent.id} (${main}): idle since ${state.activitySince}; it wakes on pwt agent send, attach or wait.`);
    } catch (error) {
      opts.note(`Could not hibernate ${agent.id} (${main}): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** One run's budget check; a watch that has nothing left to watch (or a check that failed) is dropped, with the reason noted. */
async function checkBudget(watch: BudgetWatch, env: NodeJS.ProcessEnv, opts: SchedulerOptions): Promise<void> {
  let keep = false;
  try {
    keep = opts.checkBudget ? await opts.checkBudget(watch, opts.note) : false;
  } catch (error) {
    opts.note(`Could not check the budget of run ${watch.run} (${watch.main}): ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!keep) unwatchBudget(watch.main, watch.run, env);
}
