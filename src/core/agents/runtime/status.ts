import { isSameProcess } from '../../infra/processes.js';
import { listAgentPanes, type AgentPane } from '../../tmux/windows.js';
import { TmuxUnavailable } from '../../tmux/tmux.js';
import { Exit, preconditionError, PwtError } from '../../infra/errors.js';
import type { AgentEntry, AgentState } from './records.js';

/**
 * An agent's status is checked, not remembered: `running` needs the pane pwt
 * recorded (same pane id, still tagged with this agent's id) to be alive with
 * the very process pwt started in it (pid and start time).
 *
 * "Not seen in tmux" is not "gone": tmux may be off PATH, busy, or another
 * server (a different TMUX_TMPDIR) than the one the agent runs in. Only the
 * process check (pid + start time) proves an agent gone. So a remembered
 * `running` reads `exited` when its process is gone (a crash, a reboot), and
 * `unknown` when its process lives but pwt cannot see its pane: nothing is
 * recorded then, and what would act on a guess (start, resume, remove,
 * cleanup) refuses.
 */
export interface Liveness {
  /** null when tmux could not be asked (not installed, or not answering). */
  panes: AgentPane[] | null;
}

/** One `list-panes -a` for any number of agents. */
export async function readLiveness(): Promise<Liveness> {
  try {
    return { panes: await listAgentPanes() };
  } catch (error) {
    // Not answering, or not installed (then the processes still tell what runs).
    if (error instanceof TmuxUnavailable || (error instanceof PwtError && error.exitCode === Exit.precondition)) return { panes: null };
    throw error;
  }
}

/** The pane that is this agent's, alive or dead, or null. */
export function paneOf(agent: AgentEntry, liveness: Liveness): AgentPane | null {
  if (!agent.tmux || !liveness.panes) return null;
  return liveness.panes.find((pane) => pane.paneId === agent.tmux?.pane && pane.agentId === agent.id) ?? null;
}

/**
 * What a user sees: the recorded states, or `unknown` (alive, but not where pwt can see it), or `limited`
 * (a vendor's usage limit ended its last turn: shown over the checked status by the views, limited.ts;
 * checkStatus never returns it). Never recorded.
 */
export type SeenStatus = CheckedState | 'limited';
/** The status checked against tmux and the process: what everything that acts on an agent goes by. */
export type CheckedState = AgentState | 'unknown';

export interface CheckedStatus {
  status: CheckedState;
  /** False when the status could not be checked (the remembered one, or `unknown`): nothing may be recorded from it. */
  checked: boolean;
  pane: AgentPane | null;
}

export function checkStatus(agent: AgentEntry, liveness: Liveness): CheckedStatus {
  const pane = paneOf(agent, liveness);
  const alive = pane !== null && !pane.dead && agent.tmux !== undefined && pane.panePid === agent.tmux.pid && isSameProcess(pane.panePid, agent.tmux.pidStart);
  if (alive) return { status: 'running', checked: true, pane };
  if (agent.status !== 'running') return { status: agent.status, checked: liveness.panes !== null, pane };
  // Remembered as running, not seen running: only its process can prove it gone.
  if (agent.tmux && (pane === null || !pane.dead) && isSameProcess(agent.tmux.pid, agent.tmux.pidStart)) return { status: 'unknown', checked: false, pane };
  return { status: 'exited', checked: true, pane };
}

/** The line that says why an agent's status is unknown and what to do. */
export function unknownAgent(agent: AgentEntry): PwtError {
  return preconditionError(
    `${agent.id} may still be running: its process ${agent.tmux?.pid ?? '?'} is alive, but pwt's tmux ` +
      `cannot show it (tmux not on PATH or not answering, or another TMUX_TMPDIR).`,
    `Run pwt from the environment that started it, or end it: pwt agent stop ${agent.id} (signals its process).`,
  );
}
