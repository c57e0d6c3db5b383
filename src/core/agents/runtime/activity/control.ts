import { cancelledError, preconditionError, usageError, type PwtError } from '../../../infra/errors.js';
import { messages } from '../../../infra/messages.js';
import { readManifest } from '../../../manifest/store.js';
import type { Project } from '../../../project/project.js';
import { whichSession } from '../../../project/which-session.js';
import { capturePane, pasteText, sendKeys } from '../../../tmux/windows.js';
import { PROVIDERS } from '../../vendors/types.js';
import { agentsOf, type AgentEntry } from '../records.js';
import { checkStatus, readLiveness, type CheckedStatus } from '../status.js';
import { observeActivity } from './observe.js';
import { classifyScreen, questionOf } from './screen.js';
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
  const byId =
    opts.id && !(PROVIDERS as readonly string[]).includes(opts.id)
      ? manifest?.sessions.flatMap((s) => agentsOf(s).map((agent) => ({ session: s.id, agent }))).find((each) => each.agent.id === opts.id)
      : undefined;
  if (byId) return byId;
  const { session } = await whichSession(project, { name: opts.session, command: 'agent', flag: '--session', worktree: 'any' }, manifest);
  const agents = agentsOf(session);
  if (opts.id) {
    const matches = agents.filter((agent) => agent.provider === opts.id || agent.id === opts.id);
    if (matches.length !== 1)
      throw preconditionError(`No agent "${opts.id}" in session ${session.id}.`, `See its agents with: pwt agent list --session ${session.id}`);
    return { session: session.id, agent: matches[0] as AgentEntry };
  }
  const running = agents.filter((agent) => agent.status === 'running');
  const only = running.length === 1 ? running[0] : agents.length === 1 ? agents[0] : undefined;
  if (!only)
    throw usageError(
      `Session ${session.id} has ${agents.length === 0 ? 'no agents' : 'several agents'}: name one.`,
      agents.length ? `Agents: ${agents.map((a) => a.id).join(', ')}` : `Start one with: pwt agent start --session ${session.id}`,
    );
  return { session: session.id, agent: only };
}

/** The checked status and activity of one agent, now. */
export async function agentNow(project: Project, agent: AgentEntry): Promise<{ checked: CheckedStatus; activity: ActivityState | null }> {
  const checked = checkStatus(agent, await readLiveness());
  const activity = (await observeActivity(project.sessionsDir, [{ agent, checked }])).get(agent.id) ?? null;
  return { checked, activity };
}

const notRunning = (agent: AgentEntry) => messages.agentNotRunning(agent.id);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Who watches a wait: each poll's activity (progress for `pwt mcp`), and a signal that gives up (exit 130). */
export interface WaitWatch {
  onPoll?: (activity: ActivityState | null) => void;
  signal?: AbortSignal;
}

/** Polls until the agent's activity is `want` (returns it); exit 3 on timeout or when the agent is not running. */
export async function waitForActivity(
  project: Project,
  target: AgentTarget,
  want: Activity,
  timeoutMs: number,
  pollMs = 250,
  watch: WaitWatch = {},
): Promise<ActivityState> {
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
      throw preconditionError(
        `${target.agent.id} was not ${want} within ${Math.round(timeoutMs / 1000)} s (it is ${last?.activity ?? 'unknown'}).`,
        'Wait longer with --timeout S, or look: pwt agent attach',
      );
    }
    await sleep(pollMs);
  }
}

/** An agent waiting on a question: sending would answer it (Enter confirms "1. Yes"). */
export function waitingOnQuestion(agent: AgentEntry, question: string | null): PwtError {
  return preconditionError(
    `${agent.id} is waiting on a question${question ? `: ${question}` : ''}; sending text now would answer it.`,
    `Answer it yourself: pwt agent attach ${agent.id} (or send with --answer to type into the question on purpose).`,
  );
}

/**
 * Pastes `text` into the agent's pane as one paste (a tmux buffer, bracketed
 * where the CLI asked for it: any length, tabs and newlines stay one
 * message), waits until the screen changed (a busy machine lags; a long
 * paste may show as a placeholder), pauses, then presses Enter as its own
 * key: claude and codex take an Enter that arrives inside a paste as part of
 * it. Refuses while the agent waits on a question unless `answer` is set.
 */
export async function sendText(
  project: Project,
  target: AgentTarget,
  text: string,
  { answer = false, pauseMs = 300 }: { answer?: boolean; pauseMs?: number } = {},
): Promise<void> {
  const { checked, activity } = await agentNow(project, target.agent);
  const pane = checked.pane;
  if (checked.status !== 'running' || !pane) throw notRunning(target.agent);
  const screen = await capturePane(pane.paneId, 0);
  if (!answer && (activity?.activity === 'waiting' || classifyScreen(target.agent.provider, screen) === 'waiting'))
    throw waitingOnQuestion(target.agent, questionOf(target.agent.provider, screen));
  if (!(await pasteText(pane.paneId, text))) throw notRunning(target.agent);
  const deadline = Date.now() + 5000;
  while ((await capturePane(pane.paneId, 0)) === screen && Date.now() < deadline) await sleep(100);
  await sleep(pauseMs);
  // The paste may have opened nothing, but a question that opened meanwhile must not get this Enter.
  if (!answer && classifyScreen(target.agent.provider, await capturePane(pane.paneId, 0)) === 'waiting')
    throw waitingOnQuestion(target.agent, questionOf(target.agent.provider, await capturePane(pane.paneId, 0)));
  if (!(await sendKeys(pane.paneId, 'Enter'))) throw notRunning(target.agent);
}
