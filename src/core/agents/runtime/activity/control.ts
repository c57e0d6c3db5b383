import { cancelledError, preconditionError, usageError } from '../../../infra/errors.js';
import { findSession } from '../../../manifest/manifest.js';
import { readManifest } from '../../../manifest/store.js';
import type { Project } from '../../../project/project.js';
import { sessionToActOn } from '../../../sessions/lookup.js';
import { capturePane, sendKeys, typeText } from '../../../tmux/windows.js';
import { PROVIDERS } from '../../vendors/types.js';
import { agentsOf, type AgentEntry } from '../records.js';
import { checkStatus, readLiveness, type CheckedStatus } from '../status.js';
import { observeActivity } from './observe.js';
import type { Activity, ActivityState } from './types.js';

/**
 * `pwt agent wait` and `pwt agent send` (and `pwt run send`): the running
 * agent of a session, its activity polled until it is the one asked for, and
 * text typed into its pane the way the TUIs take it.
 */
export interface AgentTarget {
  session: string;
  agent: AgentEntry;
}

/**
 * The agent `id` names (an agent id, or a provider name unambiguous in the
 * session), else the session's running agent, else its only one.
 */
export async function findAgent(project: Project, opts: { session?: string; id?: string }): Promise<AgentTarget> {
  const manifest = await readManifest(project);
  const byId = opts.id && !(PROVIDERS as readonly string[]).includes(opts.id) ? manifest?.sessions.flatMap((s) => agentsOf(s).map((agent) => ({ session: s.id, agent }))).find((each) => each.agent.id === opts.id) : undefined;
  if (byId) return byId;
  const { session } = opts.session ? { session: findSession(manifest, opts.session) } : await sessionToActOn(project, undefined, 'agent');
  if (!session) throw preconditionError(`No session named "${opts.session}".`, 'See the sessions with: pwt status');
  const agents = agentsOf(session);
  if (opts.id) {
    const matches = agents.filter((agent) => agent.provider === opts.id || agent.id === opts.id);
    if (matches.length !== 1) throw preconditionError(`No agent "${opts.id}" in session ${session.id}.`, `See its agents with: pwt agent list --session ${session.id}`);
    return { session: session.id, agent: matches[0] as AgentEntry };
  }
  const running = agents.filter((agent) => agent.status === 'running');
  const only = running.length === 1 ? running[0] : agents.length === 1 ? agents[0] : undefined;
  if (!only) throw usageError(`Session ${session.id} has ${agents.length === 0 ? 'no agents' : 'several agents'}: name one.`, agents.length ? `Agents: ${agents.map((a) => a.id).join(', ')}` : `Start one with: pwt agent start --session ${session.id}`);
  return { session: session.id, agent: only };
}

/** The checked status and activity of one agent, now. */
export async function agentNow(project: Project, agent: AgentEntry): Promise<{ checked: CheckedStatus; activity: ActivityState | null }> {
  const checked = checkStatus(agent, await readLiveness());
  const activity = (await observeActivity(project.sessionsDir, [{ agent, checked }])).get(agent.id) ?? null;
  return { checked, activity };
}

const notRunning = (agent: AgentEntry) => preconditionError(`${agent.id} is not running.`, `Resume it with: pwt agent resume ${agent.id}`);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Who watches a wait: each poll's activity (progress for `pwt mcp`), and a signal that gives up (exit 130). */
export interface WaitWatch {
  onPoll?: (activity: ActivityState | null) => void;
  signal?: AbortSignal;
}

/** Polls until the agent's activity is `want` (returns it); exit 3 on timeout or when the agent is not running. */
export async function waitForActivity(project: Project, target: AgentTarget, want: Activity, timeoutMs: number, pollMs = 250, watch: WaitWatch = {}): Promise<ActivityState> {
  const deadline = Date.now() + timeoutMs;
  let last: ActivityState | null = null;
  for (;;) {
    if (watch.signal?.aborted) throw cancelledError(`Stopped waiting for ${target.agent.id}.`);
    const { checked, activity } = await agentNow(project, target.agent);
    if (checked.checked && checked.status !== 'running') throw notRunning(target.agent);
    if (activity?.activity === want) return activity;
    last = activity ?? last;
    watch.onPoll?.(activity);
    if (Date.now() >= deadline) {
      throw preconditionError(`${target.agent.id} was not ${want} within ${Math.round(timeoutMs / 1000)} s (it is ${last?.activity ?? 'unknown'}).`, 'Wait longer with --timeout S, or look: pwt agent attach');
    }
    await sleep(pollMs);
  }
}

/**
 * Types `text` literally into the agent's pane, waits until the screen shows
 * its start (a busy machine lags), pauses, then presses Enter as its own key:
 * claude and codex take an Enter that arrives inside the typed burst as part
 * of a paste.
 */
export async function sendText(project: Project, target: AgentTarget, text: string, pauseMs = 300): Promise<void> {
  const { checked } = await agentNow(project, target.agent);
  const pane = checked.pane;
  if (checked.status !== 'running' || !pane) throw notRunning(target.agent);
  const probe = text.split('\n')[0]!.slice(0, 24);
  const count = async () => (await capturePane(pane.paneId, 0)).split(probe).length;
  const before = await count();
  if (!(await typeText(pane.paneId, text))) throw notRunning(target.agent);
  const deadline = Date.now() + 5000;
  while (probe && (await count()) <= before && Date.now() < deadline) await sleep(100);
  await sleep(pauseMs);
  if (!(await sendKeys(pane.paneId, 'Enter'))) throw notRunning(target.agent);
}
