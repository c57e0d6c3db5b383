import { totalOf, usageByAgent, type Usage } from '../usage.js';
import { collectStatus, type SessionStatus } from '../../sessions/status.js';
import type { Project } from '../../project/project.js';
import { PwtError } from '../../infra/errors.js';
import { listAgents } from '../runtime/index.js';
import { shownStatus } from '../runtime/limited.js';
import { agentsOf } from '../runtime/records.js';
import { listRuns, requireRun, updateRun, type RunAgent, type RunFile } from './store.js';

/**
 * What `pwt run show` and `pwt run list` report: the run file joined with
 * the sessions as they are now (a session removed since is `removed`, never
 * recreated) and each agent's status.
 */
export interface RunAgentState extends RunAgent {
  /**
   * The agent's status (running, detached, stopped, exited; `limited` when a vendor's usage limit ended its last turn),
   * `failed` when it never started, `removed` when its session is gone.
   */
  status: string;
  /** With status `limited`: when the vendor said the limit resets (ISO). */
  limitedUntil?: string;
  exists: boolean;
  branch: string | null;
  path: string | null;
  /** Commits on the session's branch that its base lacks, and the other way round. */
  ahead: number | null;
  behind: number | null;
  /** Uncommitted changed paths in the worktree (untracked included). */
  changes: number;
  /** Tokens and cost from the vendor's files, when they can be read (`pwt run show`). */
  usage?: Usage;
}

export interface RunState extends RunFile {
  agents: RunAgentState[];
  /** The agents' usage added up (`pwt run show`). */
  usage?: Usage;
  /** With a budget: the known costs of the run's agents added up (`pwt run show`). */
  spentUsd?: number;
}

/** What the runtime knows of an agent now: status checked against tmux, vendor id captured when it was still unknown. */
interface Live {
  status: string;
  limitedUntil?: string;
  vendorSessionId: string | null;
  tmuxSession: string | null;
}

/**
 * The runtime's view of the run's agents. Without tmux (or when it cannot be
 * asked) the statuses are the remembered ones from the manifest.
 */
async function liveAgents(project: Project, run: RunFile, sessions: Map<string, SessionStatus>): Promise<Map<string, Live>> {
  const live = new Map<string, Live>();
  if (!run.agents.some((agent) => agent.agentId)) return live;
  try {
    for (const view of await listAgents(project))
      live.set(view.id, {
        status: shownStatus(view.status, view.limit),
        ...(view.limit?.until ? { limitedUntil: view.limit.until } : {}),
        vendorSessionId: view.vendorSessionId,
        tmuxSession: view.tmuxSession ?? null,
      });
  } catch (error) {
    if (!(error instanceof PwtError)) throw error;
    for (const session of sessions.values())
      for (const entry of agentsOf(session))
        live.set(entry.id, { status: entry.status, vendorSessionId: entry.vendorSessionId, tmuxSession: entry.tmux?.session ?? null });
  }
  return live;
}

export async function runState(project: Project, run: RunFile): Promise<RunState> {
  const report = await collectStatus(project);
  const sessions = new Map(report.sessions.map((session) => [session.id, session]));
  const live = await liveAgents(project, run, sessions);
  const agents = run.agents.map((agent): RunAgentState => {
    const session = sessions.get(agent.session);
    const now = agent.agentId ? live.get(agent.agentId) : undefined;
    const known = session !== undefined && session.exists;
    const status = agent.error !== undefined && !agent.agentId ? 'failed' : !known ? 'removed' : (now?.status ?? 'unknown');
    return {
      ...agent,
      ...(now ? { vendorSessionId: now.vendorSessionId ?? agent.vendorSessionId, tmuxSession: now.tmuxSession ?? agent.tmuxSession } : {}),
      status,
      ...(known && now?.limitedUntil ? { limitedUntil: now.limitedUntil } : {}),
      exists: known,
      branch: session?.branch ?? null,
      path: session?.path ?? null,
      ahead: session?.ahead ?? null,
      behind: session?.behind ?? null,
      changes: session?.changes ?? 0,
    };
  });
  await syncVendorIds(project, run, agents);
  return { ...run, agents };
}

/** Writes vendor ids the runtime captured since into the run file, so it holds what resume needs. */
async function syncVendorIds(project: Project, run: RunFile, agents: RunAgentState[]): Promise<void> {
  const learned = agents.filter(
    (agent, index) => agent.vendorSessionId !== run.agents[index]?.vendorSessionId || agent.tmuxSession !== run.agents[index]?.tmuxSession,
  );
  if (learned.length === 0) return;
  await updateRun(project.sessionsDir, run.name, (file) => {
    for (const agent of learned) {
      const entry = file.agents.find((each) => each.session === agent.session);
      if (!entry) continue;
      entry.vendorSessionId = agent.vendorSessionId;
      entry.tmuxSession = agent.tmuxSession;
    }
  });
}

export async function showRun(project: Project, name: string): Promise<RunState> {
  const state = await runState(project, requireRun(project.sessionsDir, name));
  const usage = await usageByAgent(project, new Set(state.agents.map((agent) => agent.session)));
  const agents = state.agents.map((agent) => (agent.agentId && usage.has(agent.agentId) ? { ...agent, usage: usage.get(agent.agentId)! } : agent));
  const total = totalOf(agents.map((agent) => agent.usage));
  const spent = agents.reduce((sum, agent) => sum + (agent.usage?.costUsd ?? 0), 0);
  return { ...state, agents, ...(total ? { usage: total } : {}), ...(typeof state.budgetUsd === 'number' ? { spentUsd: spent } : {}) };
}

export interface RunSummary {
  name: string;
  createdAt: string;
  goals: string[];
  providers: string[];
  sessions: string[];
  /** How many of the run's sessions still exist. */
  live: number;
  picked?: RunFile['picked'];
}

/** Every run, with how many of its sessions are still there; cheap (manifest only, no git status). */
export async function listRunSummaries(
  project: Project,
  sessionIds: Set<string>,
): Promise<{ runs: RunSummary[]; unreadable: { file: string; reason: string }[] }> {
  const { runs, unreadable } = listRuns(project.sessionsDir);
  return {
    runs: runs.map((run) => ({
      name: run.name,
      createdAt: run.createdAt,
      goals: run.goals,
      providers: run.agents.map((agent) => agent.provider),
      sessions: run.agents.map((agent) => agent.session),
      live: run.agents.filter((agent) => sessionIds.has(agent.session)).length,
      ...(run.picked ? { picked: run.picked } : {}),
    })),
    unreadable,
  };
}
