import type { SessionRecord } from '../../manifest/manifest.js';
import { ancestors, isAlive, isSameProcess } from '../../infra/processes.js';
import { agentsOf } from './records.js';
import { checkStatus, readLiveness, unknownAgent } from './status.js';

/**
 * Ending a session stops its agents first (`pwt remove`, `pwt cleanup`, `pwt
 * run pick`): the ending sequence reads which of them run (a fact), plans a
 * `stop-agents` operation after every refusal was checked, and its runner
 * calls `stopSessionAgents`, which stops each with the stop ladder and
 * records its resume args (the ended session's record keeps them; `pwt
 * restore` brings the agent records back as stopped).
 */
export interface RunningAgent {
  id: string;
  provider: string;
}

/** The session's agents that run now (none read when it has none recorded). */
export async function runningAgents(session: SessionRecord): Promise<RunningAgent[]> {
  const agents = agentsOf(session);
  if (agents.length === 0) return [];
  const liveness = await readLiveness();
  // An agent that may still run where pwt cannot see it: ending the session would take the worktree from under it.
  const unknown = agents.find((agent) => checkStatus(agent, liveness).status === 'unknown');
  if (unknown) throw unknownAgent(unknown);
  return agents.filter((agent) => checkStatus(agent, liveness).status === 'running').map((agent) => ({ id: agent.id, provider: agent.provider }));
}

/**
 * Tells the processes of a session's running agents (each CLI and anything
 * started under it, e.g. the git a CLI runs in the background) from others:
 * what the stop step ends. A process already gone is not in the way either.
 */
export function agentProcessFilter(session: SessionRecord): (pid: number) => boolean {
  const roots = new Set(agentsOf(session).flatMap((agent) => (agent.tmux && isSameProcess(agent.tmux.pid, agent.tmux.pidStart) ? [agent.tmux.pid] : [])));
  return (pid) => !isAlive(pid) || ancestors(pid).some((each) => roots.has(each));
}
