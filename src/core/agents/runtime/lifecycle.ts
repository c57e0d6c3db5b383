import { randomUUID } from 'node:crypto';
import { preconditionError } from '../../infra/errors.js';
import { messages } from '../../infra/messages.js';
import { findSession, sessionPath } from '../../manifest/manifest.js';
import { readManifest } from '../../manifest/store.js';
import type { Project } from '../../project/project.js';
import { whichSession } from '../../project/which-session.js';
import { requireTmux } from '../../tmux/tmux.js';
import { killWindow, listAgentPanes } from '../../tmux/windows.js';
import { processStartTime } from '../../infra/processes.js';
import { executePlan, type Runners } from '../../workflow/execute.js';
import { realCwd } from '../vendors/common.js';
import { loadAdapter } from '../vendors/index.js';
import { requireCli } from '../vendors/install.js';
import { PROVIDERS, type Provider } from '../vendors/types.js';
import { admitOrQueue, watchProject, type AdmissionRequest } from '../admission/admit.js';
import { dropAgent } from '../admission/queue.js';
import { conversationLength, vendorSessionExists } from './capture.js';
import { captureIfUnknown, loadSession, resolveAgent, resumeArgsFor, withStatus, type Ctx, type Loaded } from './context.js';
import type { AgentNote as Note } from './notes.js';
import { composeHandoffPrompt, gitFacts, newestOtherTranscript } from './handoff.js';
import { closePlace, exitedAtOnce, launchInTmux } from './launch.js';
import { withLaunchLocks, withLifecycleLock } from './lock.js';
import { pickAgent, planLaunch, planSessionStop, type LaunchOp, type StopOp, type Want } from './plan.js';
import { agentIdFor, agentsOf, patchAgent, updateAgents, type AgentEntry, type AgentState, type HandoffInfo } from './records.js';
import { checkStatus, readLiveness, unknownAgent } from './status.js';
import { stopProcess, type StopStep } from './stop.js';
import { observeActivity } from './activity/observe.js';

/**
 * Starting, stopping, switching and resuming agent CLIs in a session's
 * worktree (one tmux window each). Every verb loads its context once
 * (context.ts), a launch is planned by the pure rules of plan.ts and run on
 * the workflow executor with the runners below; every lifecycle change of
 * one session runs under its locks (lock.ts); records change through
 * updateAgents. Nothing here prints: what a person should read comes back as
 * notes.
 */
export interface Launch {
  agent: AgentEntry;
  /** True when an existing conversation was resumed (not a new one). */
  resumed: boolean;
  /** True when the agent was already running (nothing was started). */
  alreadyRunning: boolean;
  /** Its place in the machine's queue when no slot was free (nothing was started yet). */
  queued?: number;
  notes: Note[];
}

export interface AgentRef {
  session: string;
  /** Agent id or provider; default: the running agent, else the most recent one. */
  agent?: string;
  env?: NodeJS.ProcessEnv;
}

export function parseProviderName(value: string): Provider {
  if ((PROVIDERS as readonly string[]).includes(value)) return value as Provider;
  throw messages.unknownProvider(value, PROVIDERS);
}

export function defaultProvider(project: Project): Provider {
  return (project.config.defaultAgent as Provider | null) ?? 'claude';
}

function mismatchNote(project: Project, provider: Provider): Note[] {
  const preferred = project.config.defaultAgent;
  if (!preferred || preferred === provider) return [];
  return [{ kind: 'provider-mismatch', provider, preferred }];
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const FLUSH_MS = 1_000;

/** Does the agent wait on a question now (its hooks or its screen)? A stop must then not answer it. */
async function isWaiting(ctx: Ctx, agent: AgentEntry): Promise<boolean> {
  const checked = checkStatus(agent, await readLiveness());
  if (checked.status !== 'running') return false;
  return (await observeActivity(ctx.project.sessionsDir, [{ agent, checked }])).get(agent.id)?.activity === 'waiting';
}

/**
 * Stops a running agent (the stop ladder), waits until the vendor has written
 * its conversation (so the resume args work), closes its window and records
 * `as` with the resume args.
 */
async function stopEntry(ctx: Ctx, agent: AgentEntry, as: AgentState, { signalsOnly = false } = {}): Promise<{ agent: AgentEntry; step: StopStep }> {
  const step = agent.tmux ? await stopProcess(agent.provider, agent.tmux, signalsOnly ? { signalsOnly } : { waiting: await isWaiting(ctx, agent) }) : 'gone';
  const adapter = await loadAdapter(agent.provider);
  let current = agent;
  // Flushed: the vendor lists the conversation (pinned ids) or it can be captured (the others).
  // The process is gone by now, so what it wrote is written: a short grace, not a long wait
  // (an agent that never got a prompt has no conversation to wait for).
  for (let waited = 0; waited < FLUSH_MS; waited += 250) {
    current = await captureIfUnknown(ctx, current);
    if (current.vendorSessionId && (await vendorSessionExists(adapter, current.vendorSessionId, ctx.cwd, ctx.env))) break;
    await sleep(250);
  }
  if (!signalsOnly) await closePlace(agent.tmux);
  const vendorSessionId = current.vendorSessionId;
  const patched = await patchAgent(ctx.project, ctx.session.id, agent.id, {
    status: as,
    stoppedAt: new Date().toISOString(),
    vendorSessionId,
    resumeArgs: vendorSessionId ? resumeArgsFor(adapter, vendorSessionId, ctx.cwd, ctx.env) : null,
    tmux: undefined,
  });
  return { agent: patched ?? current, step };
}

/**
 * Windows of this agent that its record does not name: launched by a pwt
 * that was killed before it recorded them (docs/crash-safety.md). A launch
 * runs only when the agent is not running, so each is stopped (signals) and
 * closed before the new one starts: one window per agent.
 */
async function closeUnrecorded(ctx: Ctx, agentId: string, provider: Provider): Promise<void> {
  const record = findSession(await readManifest(ctx.project), ctx.session.id);
  const pane = record ? agentsOf(record).find((each) => each.id === agentId)?.tmux?.pane : undefined;
  for (const orphan of await listAgentPanes()) {
    if (orphan.agentId !== agentId || orphan.main !== ctx.project.repo.mainPath || orphan.paneId === pane) continue;
    const place = {
      session: orphan.tmuxSession,
      window: orphan.windowId,
      pane: orphan.paneId,
      pid: orphan.panePid,
      pidStart: processStartTime(orphan.panePid),
    };
    if (!orphan.dead) await stopProcess(provider, place, { signalsOnly: true });
    await closePlace(place);
  }
}

interface FreshOptions {
  provider: Provider;
  prompt?: string;
  name?: string;
  /** false: no handoff; 'own': only from this provider's own old conversation. */
  handoff: boolean | { provider: Provider; id: string };
  extra?: Partial<AgentEntry>;
}

/** A new conversation of `provider` here, with a handoff when one is due. */
async function startFresh(ctx: Ctx, opts: FreshOptions): Promise<{ agent: AgentEntry; notes: Note[] }> {
  const adapter = await loadAdapter(opts.provider);
  const notes: Note[] = [];
  const agentId = agentIdFor(ctx.session.id, opts.provider);
  let prompt = opts.prompt;
  let handoff: HandoffInfo | undefined;
  if (opts.handoff) {
    const transcript = await newestOtherTranscript(ctx.cwd, opts.provider, ctx.env, typeof opts.handoff === 'object' ? opts.handoff : undefined);
    if (transcript && transcript.messages.length > 0) {
      const built = composeHandoffPrompt({
        transcript,
        facts: await gitFacts(ctx.cwd, ctx.session),
        prompt: opts.prompt,
        sessionsDir: ctx.project.sessionsDir,
        session: ctx.session.id,
        provider: opts.provider,
      });
      prompt = built.text;
      handoff = built.handoff;
      notes.push({
        kind: 'handoff',
        from: transcript.provider,
        messages: transcript.messages.length,
        truncated: Boolean(built.handoff.truncated),
        file: built.handoff.file,
      });
    }
  }
  // Pin the id where the CLI takes one: claude, gemini, copilot --session-id; pi's session file; cursor's create-chat.
  await closeUnrecorded(ctx, agentId, opts.provider);
  const sessionId = adapter.createSession ? await adapter.createSession(ctx.cwd, ctx.env) : randomUUID();
  const spec = adapter.startCommand({ cwd: ctx.cwd, prompt, sessionId, name: opts.name }, ctx.env);
  const launched = await launchInTmux(ctx.project, { session: ctx.session.id, agentId, provider: opts.provider, cwd: ctx.cwd, spec, prompt, env: ctx.env });
  const vendorSessionId = spec.sessionId ?? null;
  const agent: AgentEntry = {
    id: agentId,
    provider: opts.provider,
    ...(opts.name ? { name: opts.name } : {}),
    vendorSessionId,
    status: 'running',
    cli: spec.cmd,
    cliCommand: launched.cliCommand,
    resumeArgs: vendorSessionId ? resumeArgsFor(adapter, vendorSessionId, ctx.cwd, ctx.env) : null,
    spawnedAt: launched.spawnedAt,
    ...(prompt ? { promptAfterMessages: 0 } : {}),
    ...(handoff ? { handoff } : {}),
    tmux: launched.place,
    ...opts.extra,
  };
  const recorded = await updateAgents(ctx.project, ctx.session.id, (agents) => {
    const index = agents.findIndex((each) => each.id === agentId);
    // A new conversation replaces the old record of this provider: keep fields others added (e.g. run).
    if (index >= 0) agents[index] = { ...pickKept(agents[index] as AgentEntry), ...agent };
    else agents.push(agent);
    return true;
  });
  // The session went away meanwhile: an agent without a record is one nobody sees; end it.
  if (!recorded) {
    await stopProcess(opts.provider, launched.place, { signalsOnly: true });
    await closePlace(launched.place);
    throw preconditionError(`Session ${ctx.session.id} was removed while ${opts.provider} started; it was stopped again.`, 'See the sessions with: pwt status');
  }
  notes.push({ kind: 'started', provider: opts.provider, session: ctx.session.id, agent: agentId });
  return { agent, notes };
}

/** Fields of an old record that a new conversation of the same provider keeps (anything pwt's runtime does not own). */
function pickKept(old: AgentEntry): Partial<AgentEntry> {
  const owned = new Set([
    'id',
    'provider',
    'name',
    'vendorSessionId',
    'status',
    'cli',
    'cliCommand',
    'resumeArgs',
    'spawnedAt',
    'stoppedAt',
    'resumedAt',
    'promptAfterMessages',
    'handoff',
    'tmux',
  ]);
  return Object.fromEntries(Object.entries(old).filter(([key]) => !owned.has(key))) as Partial<AgentEntry>;
}

/**
 * Resumes a recorded conversation by its vendor id. A conversation the
 * vendor no longer has, or a resume that dies at once, starts the provider
 * fresh once (handing over its own old transcript when it can be read).
 */
async function resumeEntry(ctx: Ctx, agent: AgentEntry, prompt?: string): Promise<{ agent: AgentEntry; notes: Note[]; resumed: boolean }> {
  const adapter = await loadAdapter(agent.provider);
  const current = await captureIfUnknown(ctx, agent);
  const id = current.vendorSessionId;
  const messages = id ? await conversationLength(adapter, id, ctx.cwd, ctx.env) : 0;
  if (!id || messages === 0) {
    const fresh = await startFresh(ctx, { provider: agent.provider, prompt, name: agent.name, handoff: false });
    return {
      agent: fresh.agent,
      resumed: false,
      notes: [
        { kind: 'fresh', provider: agent.provider, agent: agent.id, cause: id ? 'gone' : 'unsaved', ...(id ? { conversation: id } : {}) },
        ...fresh.notes,
      ],
    };
  }
  const spec = adapter.resumeCommand(id, { cwd: ctx.cwd, prompt }, ctx.env);
  await closeUnrecorded(ctx, agent.id, agent.provider);
  const launched = await launchInTmux(ctx.project, {
    session: ctx.session.id,
    agentId: agent.id,
    provider: agent.provider,
    cwd: ctx.cwd,
    spec,
    prompt,
    env: ctx.env,
  });
  const resumed = await patchAgent(ctx.project, ctx.session.id, agent.id, {
    status: 'running',
    tmux: launched.place,
    stoppedAt: undefined,
    resumedAt: launched.spawnedAt,
    promptAfterMessages: prompt ? messages : undefined,
    resumeArgs: resumeArgsFor(adapter, id, ctx.cwd, ctx.env),
    cliCommand: launched.cliCommand,
  });
  const died = await exitedAtOnce(launched.place);
  if (died === null)
    return {
      agent: resumed ?? current,
      resumed: true,
      notes: [{ kind: 'resumed', provider: agent.provider, session: ctx.session.id, conversation: id }],
    };
  await closePlace(launched.place);
  const fresh = await startFresh(ctx, { provider: agent.provider, prompt, name: agent.name, handoff: { provider: agent.provider, id } });
  const reason = died.split('\n').filter(Boolean).pop() ?? '';
  return {
    agent: fresh.agent,
    resumed: false,
    notes: [{ kind: 'fresh', provider: agent.provider, agent: agent.id, cause: 'exited', conversation: id, lastLine: reason }, ...fresh.notes],
  };
}

/** What the launch runners share: the loaded context, the verb's options, the notes and entries as they change. */
interface LaunchContext {
  loaded: Loaded;
  prompt?: string;
  name?: string;
  extra?: Partial<AgentEntry>;
  notes: Note[];
  /** Entries as the runners left them (a detach changes its record). */
  entries: Map<string, AgentEntry>;
  result?: { agent: AgentEntry; resumed: boolean };
}

const entryOf = (context: LaunchContext, id: string): AgentEntry =>
  context.entries.get(id) ?? (context.loaded.seen.find((each) => each.agent.id === id)?.agent as AgentEntry);

const launchRunners: Runners<LaunchOp, LaunchContext> = {
  sweep: {
    title: (op) => `close the windows of ${op.agents.join(', ')} (their program ended)`,
    async run(op, context) {
      const { ctx, liveness, seen } = context.loaded;
      for (const { agent } of seen.filter((each) => op.agents.includes(each.agent.id))) {
        const pane = checkStatus(agent, liveness).pane;
        if (pane) await killWindow(pane.windowId);
        const patched =
          agent.status === 'running' ? await patchAgent(ctx.project, ctx.session.id, agent.id, { status: 'exited', tmux: undefined }, 'running') : null;
        if (patched) context.entries.set(agent.id, patched);
      }
    },
  },
  detach: {
    title: (op) => `detach ${op.provider} (agent ${op.agent}): stop it, record how to resume it`,
    slow: true,
    async run(op, context) {
      const stopped = await stopEntry(context.loaded.ctx, entryOf(context, op.agent), 'detached');
      context.entries.set(op.agent, stopped.agent);
      const known = stopped.agent.vendorSessionId !== null;
      context.notes.push({ kind: 'detached', provider: op.provider, agent: op.agent, conversationKnown: known });
      return { conversationKnown: known };
    },
  },
  resume: {
    title: (op) => `resume ${op.provider}'s conversation (agent ${op.agent})`,
    slow: true,
    async run(op, context) {
      const result = await resumeEntry(context.loaded.ctx, entryOf(context, op.agent), context.prompt);
      context.notes.push(...result.notes);
      context.result = { agent: result.agent, resumed: result.resumed };
      return { resumed: result.resumed };
    },
  },
  'start-fresh': {
    title: (op) => `start ${op.provider} fresh${op.handoff ? ' with a handoff' : ''}`,
    slow: true,
    async run(op, context) {
      const fresh = await startFresh(context.loaded.ctx, {
        provider: op.provider,
        prompt: context.prompt,
        name: context.name,
        handoff: op.handoff,
        extra: context.extra,
      });
      context.notes.push(...fresh.notes);
      context.result = { agent: fresh.agent, resumed: false };
    },
  },
};

interface StopContext {
  ctx: Ctx;
  entries: Map<string, AgentEntry>;
  steps: Map<string, StopStep>;
}

const stopRunners: Runners<StopOp, StopContext> = {
  stop: {
    title: (op) => `stop ${op.provider} (agent ${op.agent})${op.signalsOnly ? ' with signals only' : ''}, record it as ${op.as} with how to resume it`,
    slow: true,
    async run(op, context) {
      const { agent, step } = await stopEntry(context.ctx, context.entries.get(op.agent) as AgentEntry, op.as, { signalsOnly: op.signalsOnly === true });
      context.entries.set(op.agent, agent);
      context.steps.set(op.agent, step);
    },
  },
  'mark-exited': {
    title: (op) => `record agent ${op.agent} as exited (its program ended)`,
    async run(op, context) {
      const patched = await patchAgent(context.ctx.project, context.ctx.session.id, op.agent, { status: 'exited', tmux: undefined });
      if (patched) context.entries.set(op.agent, patched);
    },
  },
};

/** Runs a stop plan on the workflow executor; returns what each agent became and which rung of the ladder stopped it. */
async function runStops(ctx: Ctx, agents: AgentEntry[], plan: StopOp[]): Promise<StopContext> {
  const context: StopContext = { ctx, entries: new Map(agents.map((agent) => [agent.id, agent])), steps: new Map() };
  await executePlan(plan, stopRunners, context);
  return context;
}

export interface StartOptions {
  session: string;
  provider: Provider;
  prompt?: string;
  name?: string;
  /** Hand over the previous provider's conversation (default true). */
  handoff?: boolean;
  /** 'new' refuses what `pwt agent new` refuses; 'switch' requires nothing else. */
  mode?: 'start' | 'new' | 'switch';
  env?: NodeJS.ProcessEnv;
  /** Fields to put on a new record (e.g. a run's name). */
  extra?: Partial<AgentEntry>;
  /** Set by the scheduler: start this queued agent if it heads the queue and a slot is free. */
  admitted?: boolean;
}

/**
 * Start and resume share one path: tmux first, then under the launch locks
 * one context load, the pure plan, the CLI check (before anything changes: a
 * missing CLI must neither detach the working agent nor "start fresh" over a
 * recorded conversation), and the plan run on the executor.
 */
async function launch(
  project: Project,
  session: string,
  env: NodeJS.ProcessEnv,
  want: Want,
  opts: { prompt?: string; name?: string; extra?: Partial<AgentEntry>; admitted?: boolean },
): Promise<Launch> {
  await requireTmux();
  if ('start' in want) await requireCli(want.start, env);
  return withLaunchLocks(project, session, async () => {
    const loaded = await loadSession(project, session, env);
    const plan = planLaunch(loaded.ctx.session.id, loaded.seen, want);
    if ('alreadyRunning' in plan) {
      const agent = plan.alreadyRunning;
      const asked = 'start' in want ? ('start' as const) : ('resume' as const);
      return {
        agent,
        resumed: false,
        alreadyRunning: true,
        notes: [
          { kind: 'already-running', provider: agent.provider, session: loaded.ctx.session.id, agent: agent.id, asked },
          ...('start' in want ? [] : mismatchNote(project, agent.provider)),
        ],
      };
    }
    await requireCli(plan.provider, env);
    const last = plan.ops[plan.ops.length - 1];
    const request = {
      kind: last?.op === 'resume' ? ('resume' as const) : ('start' as const),
      agentId: last?.op === 'resume' ? last.agent : agentIdFor(loaded.ctx.session.id, plan.provider),
      provider: plan.provider,
      ...('start' in want ? { mode: want.mode, handoff: want.handoff } : {}),
      ...(opts.name ? { name: opts.name } : {}),
      ...(opts.prompt !== undefined ? { prompt: opts.prompt } : {}),
    };
    return admitted(loaded.ctx, request, opts.admitted, async () => {
      const context: LaunchContext = { loaded, ...opts, notes: [], entries: new Map() };
      await executePlan(plan.ops, launchRunners, context);
      const result = context.result as { agent: AgentEntry; resumed: boolean };
      const resumedOwn = plan.ops.some((op) => op.op === 'resume');
      return {
        agent: result.agent,
        resumed: result.resumed,
        alreadyRunning: false,
        notes: [...context.notes, ...(resumedOwn ? mismatchNote(project, plan.provider) : [])],
      };
    });
  });
}

/**
 * Runs a start or resume when the machine has a free agent slot; otherwise
 * records the agent as `queued` (its conversation untouched) and leaves it to
 * the scheduler (docs/many-agents.md). After a start, a project that
 * hibernates idle agents or resumes limited ones is watched.
 */
async function admitted(
  ctx: Ctx,
  request: Omit<AdmissionRequest, 'main' | 'session' | 'maxRunning'>,
  fromQueue: boolean | undefined,
  go: () => Promise<Launch>,
): Promise<Launch> {
  const settings = ctx.project.config.agents;
  const gate = await admitOrQueue(
    { ...request, main: ctx.project.repo.mainPath, session: ctx.session.id, maxRunning: settings.maxRunning },
    ctx.env,
    go,
    fromQueue,
  );
  if (!gate.queued) {
    if (settings.hibernateAfterMinutes !== null || settings.resumeAfterLimit) await watchProject(ctx.project.repo.mainPath, ctx.env);
    return gate.value;
  }
  const agent = await markQueued(ctx, request.agentId, request.provider);
  return {
    agent,
    resumed: false,
    alreadyRunning: false,
    queued: gate.place,
    notes: [{ kind: 'queued', provider: request.provider, place: gate.place, maxRunning: settings.maxRunning }],
  };
}

/** The agent's record says `queued` (a new placeholder when it has none yet). */
async function markQueued(ctx: Ctx, agentId: string, provider: Provider): Promise<AgentEntry> {
  const placeholder: AgentEntry = {
    id: agentId,
    provider,
    vendorSessionId: null,
    status: 'queued',
    cli: provider,
    cliCommand: [],
    resumeArgs: null,
    spawnedAt: new Date().toISOString(),
  };
  return (
    (await updateAgents(ctx.project, ctx.session.id, (agents) => {
      const index = agents.findIndex((each) => each.id === agentId);
      if (index >= 0) return (agents[index] = { ...(agents[index] as AgentEntry), status: 'queued' });
      agents.push(placeholder);
      return placeholder;
    })) ?? placeholder
  );
}

/** A queued agent leaves the queue: a placeholder (no conversation yet) goes, a queued resume goes back to stopped. */
async function leaveQueue(ctx: Ctx, target: AgentEntry): Promise<{ agent: AgentEntry; step: StopStep; notes: Note[] }> {
  dropAgent(ctx.project.repo.mainPath, target.id, ctx.env);
  await updateAgents(ctx.project, ctx.session.id, (agents) => {
    const index = agents.findIndex((each) => each.id === target.id);
    if (index < 0) return;
    if (target.vendorSessionId) agents[index] = { ...(agents[index] as AgentEntry), status: 'stopped' };
    else agents.splice(index, 1);
  });
  return {
    agent: { ...target, status: 'stopped' },
    step: 'gone',
    notes: [{ kind: 'stopped', provider: target.provider, agent: target.id, how: 'left-queue', resumable: Boolean(target.vendorSessionId) }],
  };
}

/**
 * `pwt agent start|switch|new`: P's existing conversation here is resumed
 * (no duplicate, no handoff: it has its own), a running other agent is
 * detached first, and a provider new to the worktree starts with a handoff.
 */
export async function startAgent(project: Project, opts: StartOptions): Promise<Launch> {
  const env = opts.env ?? process.env;
  return launch(
    project,
    opts.session,
    env,
    { start: opts.provider, mode: opts.mode ?? 'start', handoff: opts.handoff !== false },
    { prompt: opts.prompt, name: opts.name, extra: opts.extra, admitted: opts.admitted },
  );
}

/** `pwt agent resume [ID]` (and attach of an agent that is not running). */
export async function resumeAgent(project: Project, opts: AgentRef & { prompt?: string; admitted?: boolean }): Promise<Launch> {
  return launch(project, opts.session, opts.env ?? process.env, { resume: opts.agent }, { prompt: opts.prompt, admitted: opts.admitted });
}

/** `pwt agent stop [ID]`: the running agent (or the one named) stops; records how to resume it. */
export async function stopAgent(project: Project, opts: AgentRef & { as?: AgentState }): Promise<{ agent: AgentEntry; step: StopStep; notes: Note[] }> {
  const env = opts.env ?? process.env;
  return withLifecycleLock(project, opts.session, async () => {
    const { ctx, seen: agents } = await loadSession(project, opts.session, env);
    const unknown = !opts.agent ? agents.find((each) => each.status === 'unknown') : undefined;
    const target = unknown?.agent ?? pickAgent(ctx.session.id, agents, opts.agent, 'running');
    if (target.status === 'queued') return leaveQueue(ctx, target);
    const status = agents.find((each) => each.agent.id === target.id)?.status;
    if (status !== 'running' && status !== 'unknown') {
      throw messages.agentNotRunning(target.id);
    }
    // Unknown: its process lives where pwt's tmux cannot show it; no keys can reach it, signals can (pid + start time checked).
    const stop: StopOp = { op: 'stop', agent: target.id, provider: target.provider, as: opts.as ?? 'stopped', signalsOnly: status === 'unknown' };
    const done = await runStops(ctx, [target], [stop]);
    const agent = done.entries.get(target.id) as AgentEntry;
    const step = done.steps.get(target.id) as StopStep;
    return { agent, step, notes: [{ kind: 'stopped', provider: agent.provider, agent: agent.id, how: step, resumable: Boolean(agent.vendorSessionId) }] };
  });
}

/**
 * Stops every running agent of a session (before `pwt remove` or `cleanup`
 * takes its worktree away); returns the session's agent entries afterwards,
 * with their resume args, for the archive.
 */
export async function stopSessionAgents(
  project: Project,
  session: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ agents: AgentEntry[]; notes: Note[] }> {
  const record = findSession(await readManifest(project), session);
  if (!record || agentsOf(record).length === 0) return { agents: [], notes: [] };
  return withLifecycleLock(project, session, async () => {
    const manifest = await readManifest(project);
    const current = findSession(manifest, session);
    if (!current) return { agents: [], notes: [] };
    const path = sessionPath(project.repo.mainPath, current);
    const ctx: Ctx = { project, session: current, cwd: realCwd(path), env };
    const liveness = await readLiveness();
    const notes: Note[] = [];
    const seen = withStatus(agentsOf(current), liveness);
    // Ending a session while one of its agents may still run in it would take its worktree from under it (refused in the plan).
    const plan = planSessionStop(seen);
    await runStops(
      ctx,
      seen.map((each) => each.agent),
      plan,
    );
    for (const op of plan)
      if (op.op === 'stop')
        notes.push({
          kind: 'stopped',
          provider: op.provider,
          agent: op.agent,
          how: 'first',
          resumable: Boolean(seen.find((each) => each.agent.id === op.agent)?.agent.vendorSessionId),
        });
    const after = findSession(await readManifest(project), session);
    return { agents: after ? agentsOf(after) : [], notes };
  });
}

/** `pwt agent rm ID`: stops it if it runs, deletes its record; says how many agent sessions the session has left. */
export async function removeAgent(project: Project, opts: AgentRef & { agent: string }): Promise<{ removed: AgentEntry; remaining: number; notes: Note[] }> {
  const env = opts.env ?? process.env;
  return withLifecycleLock(project, opts.session, async () => {
    const { ctx, seen: agents } = await loadSession(project, opts.session, env);
    const target = resolveAgent(
      agents.map((each) => each.agent),
      opts.agent,
      ctx.session.id,
    );
    if (agents.find((each) => each.agent.id === target.id)?.status === 'unknown') throw unknownAgent(target);
    const notes: Note[] = [];
    if (agents.find((each) => each.agent.id === target.id)?.status === 'running') {
      await runStops(ctx, [target], [{ op: 'stop', agent: target.id, provider: target.provider, as: 'stopped' }]);
      notes.push({ kind: 'stopped', provider: target.provider, agent: target.id, how: 'first', resumable: Boolean(target.vendorSessionId) });
    } else await closePlace(target.tmux);
    const remaining = await updateAgents(project, ctx.session.id, (list) => {
      const index = list.findIndex((each) => each.id === target.id);
      if (index >= 0) list.splice(index, 1);
      return list.length;
    });
    return { removed: target, remaining: remaining ?? 0, notes };
  });
}

/** The running agent of a session (or the one named) with its tmux place, or null when none runs. */
export async function runningAgent(project: Project, session: string, ref?: string): Promise<AgentEntry | null> {
  const { session: record } = await whichSession(project, { name: session, command: 'agent', worktree: 'any' });
  const agents = withStatus(agentsOf(record), await readLiveness());
  const target = ref
    ? resolveAgent(
        agents.map((each) => each.agent),
        ref,
        session,
      )
    : agents.find((each) => each.status === 'running')?.agent;
  if (!target) return null;
  return agents.find((each) => each.agent.id === target.id)?.status === 'running' ? target : null;
}
