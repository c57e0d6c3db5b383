import { isSameProcess } from '../../infra/processes.js';
import { listAgentPanes, type AgentPane } from '../../tmux/windows.js';
import { TmuxUnavailable } from '../../tmux/tmux.js';
import { Exit, PwtError } from '../../infra/errors.js';
import type { AgentEntry, AgentState } from './records.js';

/**
 * An agent's status is checked, not remembered: `running` needs the pane pwt
 * recorded (same pane id, still tagged with this agent's id) to be alive with
 * the very process pwt started in it (pid and start time). A killed tmux
 * server, a crashed CLI or a reboot therefore reads `exited`. When tmux cannot
 * be asked (a transient error), nothing is concluded: the remembered status
 * stands and `checked` is false.
 */
export interface Liveness {
  /** null when tmux could not be asked. */
  panes: AgentPane[] | null;
}

/** One `list-panes -a` for any number of agents. */
export async function readLiveness(): Promise<Liveness> {
  try {
    return { panes: await listAgentPanes() };
  } catch (error) {
    if (error instanceof TmuxUnavailable) return { panes: null };
    // No tmux installed: nothing of pwt's can be running.
    if (error instanceof PwtError && error.exitCode === Exit.precondition) return { panes: [] };
    throw error;
  }
}

/** The pane that is this agent's, alive or dead, or null. */
export function paneOf(agent: AgentEntry, liveness: Liveness): AgentPane | null {
  if (!agent.tmux || !liveness.panes) return null;
  return liveness.panes.find((pane) => pane.paneId === agent.tmux?.pane && pane.agentId === agent.id) ?? null;
}

export interface CheckedStatus {
  status: AgentState;
  /** False when tmux could not be asked and the remembered status is shown. */
  checked: boolean;
  pane: AgentPane | null;
}

export function checkStatus(agent: AgentEntry, liveness: Liveness): CheckedStatus {
  if (liveness.panes === null) return { status: agent.status, checked: false, pane: null };
  const pane = paneOf(agent, liveness);
  const alive = pane !== null && !pane.dead && agent.tmux !== undefined && pane.panePid === agent.tmux.pid && isSameProcess(pane.panePid, agent.tmux.pidStart);
  if (alive) return { status: 'running', checked: true, pane };
  // Remembered as running but not alive: it ended by itself (or its tmux server went away).
  return { status: agent.status === 'running' ? 'exited' : agent.status, checked: true, pane };
}
