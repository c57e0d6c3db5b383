import type { SessionRecord } from '../../manifest/manifest.js';
import type { Project } from '../../project/project.js';
import type { Step } from '../../workflow/execute.js';
import { ancestors, isAlive, isSameProcess } from '../../infra/processes.js';
import { agentsOf } from './records.js';
import { checkStatus, readLiveness, unknownAgent } from './status.js';

/**
 * Ending a session stops its agents first (`pwt remove`, `pwt cleanup`): one
 * step, planned only when an agent of the session runs, that stops each with
 * the stop ladder and records its resume args, which the ended session's
 * record then keeps (the manifest's history; `pwt restore` brings the agent
 * records back as stopped). An agent whose status is unknown (its process
 * lives, tmux cannot show it) makes this refuse before anything changes.
 */
export async function stopAgentsSteps(project: Project, session: SessionRecord): Promise<Step[]> {
  const agents = agentsOf(session);
  if (agents.length === 0) return [];
  const liveness = await readLiveness();
  // An agent that may still run where pwt cannot see it: ending the session would take the worktree from under it.
  const unknown = agents.find((agent) => checkStatus(agent, liveness).status === 'unknown');
  if (unknown) throw unknownAgent(unknown);
  const running = agents.filter((agent) => checkStatus(agent, liveness).status === 'running');
  if (running.length === 0) return [];
  const names = running.map((agent) => `${agent.id} (${agent.provider})`).join(', ');
  return [
    {
      action: { op: 'stop-agents', id: session.id, agents: running.map((agent) => agent.id) },
      title: `stop the running agent ${names} and record how to resume it`,
      slow: true,
      run: async () => {
        const { stopSessionAgents } = await import('./index.js');
        const stopped = await stopSessionAgents(project, session.id);
        return { resumeArgs: Object.fromEntries(stopped.agents.map((agent) => [agent.id, agent.resumeArgs])) };
      },
    },
  ];
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
