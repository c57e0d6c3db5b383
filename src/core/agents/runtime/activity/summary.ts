import type { SessionRecord } from '../../../manifest/manifest.js';
import type { Project } from '../../../project/project.js';
import { agentsOf, type AgentEntry, type AgentState } from '../records.js';
import { checkStatus, readLiveness } from '../status.js';
import { observeActivity } from './observe.js';
import type { ActivityState } from './types.js';

/**
 * The agents of some sessions as `pwt status --json` shows them: each
 * manifest entry with its status checked against tmux and, while it runs,
 * its activity. One `tmux list-panes -a` for all; no vendor id capture and no
 * manifest write (status stays a read).
 */
export type AgentSummary = AgentEntry & { status: AgentState } & Partial<ActivityState>;

export async function agentSummaries(project: Project, sessions: SessionRecord[]): Promise<Map<string, AgentSummary[]>> {
  const entries = sessions.flatMap((session) => agentsOf(session).map((agent) => ({ session: session.id, agent })));
  const result = new Map<string, AgentSummary[]>();
  if (entries.length === 0) return result;
  const liveness = await readLiveness();
  const checked = entries.map((entry) => ({ ...entry, checked: checkStatus(entry.agent, liveness) }));
  const activity = await observeActivity(project.sessionsDir, checked);
  for (const { session, agent, checked: status } of checked) {
    const list = result.get(session) ?? [];
    list.push({ ...agent, status: status.status, ...(activity.get(agent.id) ?? {}) });
    result.set(session, list);
  }
  return result;
}
