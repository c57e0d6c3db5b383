import { collectStatus, type SessionStatus } from '../../sessions/status.js';
import type { Project } from '../../project/project.js';
import { agentsOf, type AgentEntry } from '../runtime/records.js';
import { checkStatus, readLiveness, type Liveness } from '../runtime/status.js';
import { listRuns, requireRun, updateRun, type RunAgent, type RunFile } from './store.js';

/**
 * What `pwt run show` and `pwt run list` report: the run file joined with
 * the sessions as they are now (a session removed since is `removed`, never
 * recreated) and each agent's status.
 */
export interface RunAgentState extends RunAgent {
  /** The agent's status (running, detached, stopped, exited), `failed` when it never started, `removed` when its session is gone. */
  status: string;
  exists: boolean;
  branch: string | null;
  path: string | null;
  /** Commits on the session's branch that its base lacks, and the other way round. */
  ahead: number | null;
  behind: number | null;
  /** Uncommitted changed paths in the worktree (untracked included). */
  changes: number;
}

export interface RunState extends RunFile {
  agents: RunAgentState[];
}

/** The runtime's entry for a run agent: the agent session of that id in its pwt session. */
function entryOf(agent: RunAgent, session: SessionStatus | undefined): AgentEntry | undefined {
  return session ? agentsOf(session).find((entry) => entry.id === agent.agentId) : undefined;
}

/** What the run file says, brought up to date from the runtime's records (vendor ids captured since). */
function freshFields(agent: RunAgent, entry: AgentEntry | undefined): Partial<RunAgent> {
  if (!entry) return {};
  return {
    vendorSessionId: entry.vendorSessionId ?? agent.vendorSessionId,
    ...(entry.tmux ? { tmuxSession: entry.tmux.session } : {}),
  };
}

export async function runState(project: Project, run: RunFile): Promise<RunState> {
  const report = await collectStatus(project);
  const sessions = new Map(report.sessions.map((session) => [session.id, session]));
  const entries = run.agents.map((agent) => entryOf(agent, sessions.get(agent.session)));
  // One tmux call for every agent, and none when no agent was ever launched.
  const liveness: Liveness = entries.some((entry) => entry?.tmux) ? await readLiveness() : { panes: [] };
  const agents = run.agents.map((agent, index): RunAgentState => {
    const session = sessions.get(agent.session);
    const entry = entries[index];
    const known = session !== undefined && session.exists;
    const status = agent.error !== undefined && !agent.agentId ? 'failed' : !known ? 'removed' : entry ? checkStatus(entry, liveness).status : 'unknown';
    return {
      ...agent,
      ...freshFields(agent, entry),
      status,
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
  const learned = agents.filter((agent, index) => agent.vendorSessionId !== run.agents[index]?.vendorSessionId || agent.tmuxSession !== run.agents[index]?.tmuxSession);
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
  return runState(project, requireRun(project.sessionsDir, name));
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
export async function listRunSummaries(project: Project, sessionIds: Set<string>): Promise<{ runs: RunSummary[]; unreadable: { file: string; reason: string }[] }> {
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
