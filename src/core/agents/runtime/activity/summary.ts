import { readManifest } from '../../../manifest/store.js';
import type { Project } from '../../../project/project.js';
import { seenLimits, type SeenLimit } from '../limited.js';
import { allAgents } from '../records.js';
import { checkStatus, readLiveness, type Liveness } from '../status.js';
import { observeActivity } from './observe.js';
import type { ActivityState } from './types.js';

/**
 * The activity of every running agent of the project, by agent id, for
 * `pwt status --json`: one `tmux list-panes -a` for all, no vendor id capture
 * and no manifest write (status stays a read).
 */
export async function activityByAgent(project: Project, known?: Liveness): Promise<Map<string, ActivityState>> {
  return (await observed(project, known)).activity;
}

async function observed(project: Project, known?: Liveness) {
  const entries = allAgents(await readManifest(project));
  const activity = new Map<string, ActivityState>();
  if (entries.length === 0) return { activity, candidates: [] };
  const liveness = known ?? (await readLiveness());
  const candidates = entries.map(({ session, agent }) => ({ session, agent, checked: checkStatus(agent, liveness) }));
  for (const [id, state] of await observeActivity(project.sessionsDir, candidates)) if (state) activity.set(id, state);
  return { activity, candidates };
}

export interface AgentStates {
  /** Running agents' activity. */
  activity: Map<string, ActivityState>;
  /** Agents a vendor's usage limit stopped (../limited.ts): their status shows `limited`. */
  limits: Map<string, SeenLimit>;
}

/** The activity of every running agent and the usage limit of every limited one, by agent id (as activityByAgent). */
export async function agentStates(project: Project, known?: Liveness, env: NodeJS.ProcessEnv = process.env): Promise<AgentStates> {
  const { activity, candidates } = await observed(project, known);
  const limits = await seenLimits(
    project,
    candidates.map((each) => ({ ...each, activity: activity.get(each.agent.id) ?? null })),
    env,
  );
  return { activity, limits };
}

/**
 * One agent of `pwt status --json` (and the MCP status tool): its status, `limited` over the checked one
 * with `limitedUntil` when a usage limit ended its last turn, and a running one's activity.
 */
export function agentJson<T extends { id: string; status?: string }>(agent: T, states: AgentStates): T & { status?: string } {
  const limit = states.limits.get(agent.id);
  return {
    ...agent,
    ...(agent.status === 'running' ? states.activity.get(agent.id) : {}),
    ...(limit ? { status: 'limited' } : {}),
    ...(limit?.until ? { limitedUntil: limit.until } : {}),
  };
}
