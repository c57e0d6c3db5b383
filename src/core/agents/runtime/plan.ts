import { preconditionError } from '../../infra/errors.js';
import type { Provider } from '../vendors/types.js';
import { resolveAgent, type Seen } from './context.js';
import type { AgentEntry, AgentState } from './records.js';
import { unknownAgent } from './status.js';

/**
 * The lifecycle rules of docs/agents-runtime.md as a pure function: from the
 * agents of a session and their checked statuses, what a start, switch, new
 * or resume does, as operations in order (`sweep` closes windows of agents
 * whose program ended, `detach` parks a running agent, then `resume` of a
 * recorded conversation or `start-fresh` with or without a handoff). No I/O:
 * tested with a table (test/core/agents/runtime/plan.test.ts); lifecycle.ts
 * runs the operations on the workflow executor.
 */
export type LaunchOp =
  | { op: 'sweep'; agents: string[] }
  | { op: 'detach'; agent: string; provider: Provider; conversationKnown?: boolean }
  | { op: 'resume'; agent: string; provider: Provider; resumed?: boolean }
  | { op: 'start-fresh'; provider: Provider; handoff: boolean };

export type LaunchPlan = { alreadyRunning: AgentEntry } | { ops: LaunchOp[]; provider: Provider };

export type Want = { start: Provider; mode: 'start' | 'new' | 'switch'; handoff: boolean } | { resume: string | undefined };

/** When an agent was last started, resumed or stopped. */
export const lastUsed = (agent: AgentEntry): number =>
  Math.max(...[agent.spawnedAt, agent.stoppedAt, agent.resumedAt as string | undefined].map((iso) => Date.parse(iso ?? '') || 0));

export function mostRecent<T extends { agent: AgentEntry }>(agents: T[]): T | undefined {
  return [...agents].sort((a, b) => lastUsed(b.agent) - lastUsed(a.agent))[0];
}

/** Refuses to act on a guess: an agent whose process lives where pwt cannot see it may be using this worktree and conversation. */
export function refuseUnknown(seen: Seen[]): void {
  const unknown = seen.find((each) => each.status === 'unknown');
  if (unknown) throw unknownAgent(unknown.agent);
}

/** What `pwt agent new` refuses: anything running, P being the most recent agent, or P having a conversation here. */
function refuseNew(session: string, seen: Seen[], provider: Provider): void {
  const running = seen.find((each) => each.status === 'running');
  if (running)
    throw preconditionError(
      `${running.agent.provider} is running in session ${session}; pwt agent new starts another agent only when none runs.`,
      `Switch instead: pwt agent switch ${provider}`,
    );
  const latest = mostRecent(seen);
  if (latest && latest.agent.provider === provider)
    throw preconditionError(`${provider} is the most recent agent of session ${session}.`, `Resume it: pwt agent resume ${latest.agent.id}`);
  const existing = seen.find((each) => each.agent.provider === provider);
  if (existing)
    throw preconditionError(
      `Session ${session} already has a ${provider} agent session (${existing.agent.id}).`,
      `Resume it: pwt agent resume ${existing.agent.id}`,
    );
}

/** The agent a verb acts on: the one named, else the running one, else (for `latest`) the most recently used. */
export function pickAgent(session: string, seen: Seen[], ref: string | undefined, prefer: 'running' | 'latest'): AgentEntry {
  if (ref)
    return resolveAgent(
      seen.map((each) => each.agent),
      ref,
      session,
    );
  const running = seen.find((each) => each.status === 'running');
  if (running) return running.agent;
  if (prefer === 'running') throw preconditionError(`No agent runs in session ${session}.`, `See its agents with: pwt agent list --session ${session}`);
  const latest = mostRecent(seen);
  if (!latest) throw preconditionError(`Session ${session} has no agent sessions.`, `Start one: pwt agent start --session ${session}`);
  return latest.agent;
}

/**
 * start / switch / new P: P running already: nothing to do. Otherwise dead
 * windows are swept, every running agent is detached, and P's own recorded
 * conversation is resumed (no duplicate, no handoff: it has its own), or P
 * starts fresh with a handoff when one is asked for.
 * resume [ID]: the target running already: nothing to do; else the same
 * sweep and detach, then its conversation is resumed.
 */
export function planLaunch(session: string, seen: Seen[], want: Want): LaunchPlan {
  refuseUnknown(seen);
  const running = seen.filter((each) => each.status === 'running');
  const sweep = seen.filter((each) => each.status !== 'running' && each.agent.tmux !== undefined).map((each) => each.agent.id);
  const prepare: LaunchOp[] = [
    ...(sweep.length ? [{ op: 'sweep' as const, agents: sweep }] : []),
    ...running.map((each): LaunchOp => ({ op: 'detach', agent: each.agent.id, provider: each.agent.provider })),
  ];
  if ('resume' in want) {
    const target = pickAgent(session, seen, want.resume, 'latest');
    if (running.some((each) => each.agent.id === target.id)) return { alreadyRunning: target };
    return { provider: target.provider, ops: [...prepare, { op: 'resume', agent: target.id, provider: target.provider }] };
  }
  if (want.mode === 'new') refuseNew(session, seen, want.start);
  const same = running.find((each) => each.agent.provider === want.start);
  if (same) return { alreadyRunning: same.agent };
  // A placeholder left by the admission queue (no conversation yet) is not a conversation to resume.
  const existing = seen.find((each) => each.agent.provider === want.start && !(each.agent.status === 'queued' && !each.agent.vendorSessionId))?.agent;
  const last: LaunchOp = existing
    ? { op: 'resume', agent: existing.id, provider: want.start }
    : { op: 'start-fresh', provider: want.start, handoff: want.handoff };
  return { provider: want.start, ops: [...prepare, last] };
}

/**
 * A stop as operations, run on the workflow executor like a launch: `stop`
 * runs the stop ladder on a running agent and records it as `as` with its
 * resume args (`signalsOnly` when its process lives where tmux cannot show
 * it); `mark-exited` records an agent whose program already ended.
 */
export type StopOp = { op: 'stop'; agent: string; provider: Provider; as: AgentState; signalsOnly?: boolean } | { op: 'mark-exited'; agent: string };

/** Ending a session: every running agent stops; a record still saying running whose program ended is marked exited. */
export function planSessionStop(seen: Seen[]): StopOp[] {
  refuseUnknown(seen);
  return seen.flatMap(({ agent, status }): StopOp[] => {
    if (status === 'running') return [{ op: 'stop', agent: agent.id, provider: agent.provider, as: 'stopped' }];
    if (agent.status === 'running') return [{ op: 'mark-exited', agent: agent.id }];
    return [];
  });
}
