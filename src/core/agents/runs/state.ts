import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectStatus } from '../../sessions/status.js';
import type { Project } from '../../project/project.js';
import { listRuns, requireRun, type RunAgent, type RunFile } from './store.js';

/**
 * What `pwt run show` and `pwt run list` report: the run file joined with
 * the sessions as they are now (a session removed since is `removed`, never
 * recreated) and each agent's status.
 */
export type AgentStatusOf = (agent: RunAgent) => Promise<string | null>;

/** The status the agent's own record file holds (`<sessions dir>/.pwt/agents/<id>.session.json`), or null. */
export function recordedStatus(sessionsDir: string): AgentStatusOf {
  return async (agent) => {
    if (!agent.agentId) return null;
    try {
      const record = JSON.parse(readFileSync(join(sessionsDir, '.pwt', 'agents', `${agent.agentId}.session.json`), 'utf8')) as { status?: unknown };
      return typeof record.status === 'string' ? record.status : null;
    } catch {
      return null;
    }
  };
}

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

export async function runState(project: Project, run: RunFile, statusOf: AgentStatusOf): Promise<RunState> {
  const report = await collectStatus(project);
  const sessions = new Map(report.sessions.map((session) => [session.id, session]));
  const agents = await Promise.all(
    run.agents.map(async (agent): Promise<RunAgentState> => {
      const session = sessions.get(agent.session);
      const known = session !== undefined && session.exists;
      const status = agent.error !== undefined && !agent.agentId ? 'failed' : !known ? 'removed' : ((await statusOf(agent)) ?? 'unknown');
      return {
        ...agent,
        status,
        exists: known,
        branch: session?.branch ?? null,
        path: session?.path ?? null,
        ahead: session?.ahead ?? null,
        behind: session?.behind ?? null,
        changes: session?.changes ?? 0,
      };
    }),
  );
  return { ...run, agents };
}

export async function showRun(project: Project, name: string, statusOf: AgentStatusOf): Promise<RunState> {
  return runState(project, requireRun(project.sessionsDir, name), statusOf);
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
