import { PwtError } from '../../infra/errors.js';
import { findSession, type Manifest } from '../../manifest/manifest.js';
import { readManifest } from '../../manifest/store.js';
import type { Project } from '../../project/project.js';
import { requireTmux } from '../../tmux/tmux.js';
import type { Provider } from '../vendors/types.js';
import { agentNoteText, listAgents, resumeAgent, stopAgent, type AgentNote as Note, type AgentView } from '../runtime/index.js';
import { runFieldsOf, startGroup } from './start.js';
import { requireRun, updateRunAgent, type RunAgent, type RunFile } from './store.js';

/**
 * `pwt run resume` and `pwt run stop`: the runtime's resume and stop for
 * every agent of a run, one after another; one agent's failure is reported
 * and the others still go. A session removed since is reported, never
 * recreated; a provider that never started (its CLI was missing) is started
 * now, which is how a failed `run start` is retried.
 */
export interface AgentOutcome {
  session: string;
  provider: string;
  /** resumed: back by its vendor id; fresh: the vendor had lost it, started anew; started: a retried first start. */
  outcome: 'resumed' | 'fresh' | 'started' | 'already-running' | 'stopped' | 'not-running' | 'removed' | 'failed';
  message: string;
}

export interface RunLifecycleResult {
  run: string;
  agents: AgentOutcome[];
  notes: Note[];
}

export const failures = (result: RunLifecycleResult) => result.agents.filter((agent) => agent.outcome === 'failed');

const reason = (error: unknown) => (error instanceof PwtError ? `${error.message}${error.hint ? ` ${error.hint}` : ''}` : null);

/** Never started: no agent id, and why it failed recorded. */
const neverStarted = (agent: RunAgent) => !agent.agentId && agent.error !== undefined;

function removedOutcome(agent: RunAgent): AgentOutcome {
  return {
    session: agent.session,
    provider: agent.provider,
    outcome: 'removed',
    message: `${agent.session} was removed since the run started; it is not recreated (pwt restore ${agent.session} brings an abandoned one back).`,
  };
}

async function statusById(project: Project): Promise<Map<string, AgentView>> {
  return new Map((await listAgents(project)).map((view) => [view.id, view]));
}

async function resumeOne(
  project: Project,
  run: RunFile,
  agent: RunAgent,
  manifest: Manifest | null,
  views: Map<string, AgentView>,
  env: NodeJS.ProcessEnv,
  notes: Note[],
): Promise<AgentOutcome> {
  const base = { session: agent.session, provider: agent.provider };
  if (neverStarted(agent)) {
    const { agent: started, notes: more } = await startGroup(project, run, { provider: agent.provider as Provider, session: agent.session }, env);
    notes.push(...more);
    await updateRunAgent(project.sessionsDir, run.name, agent.session, (entry) => {
      Object.assign(entry, runFieldsOf(started));
      delete entry.error;
    });
    return { ...base, outcome: 'started', message: `Started ${agent.provider} in ${agent.session} (it had not started before).` };
  }
  if (!findSession(manifest, agent.session)) return removedOutcome(agent);
  if (agent.agentId && views.get(agent.agentId)?.status === 'running')
    return { ...base, outcome: 'already-running', message: `${agent.provider} already runs in ${agent.session}.` };
  const launch = await resumeAgent(project, { session: agent.session, ...(agent.agentId ? { agent: agent.agentId } : { agent: agent.provider }), env });
  notes.push(...launch.notes);
  await updateRunAgent(project.sessionsDir, run.name, agent.session, (entry) => {
    const fields = runFieldsOf(launch.agent);
    // The run keeps when its agent was first spawned; a fresh start is a new conversation.
    if (launch.resumed) delete fields.spawnedAt;
    Object.assign(entry, fields);
  });
  if (launch.resumed)
    return { ...base, outcome: 'resumed', message: `Resumed ${agent.provider} conversation ${launch.agent.vendorSessionId ?? ''} in ${agent.session}.` };
  const fresh = launch.notes.find((note) => note.kind === 'fresh');
  return { ...base, outcome: 'fresh', message: fresh ? agentNoteText(fresh) : `Started ${agent.provider} fresh in ${agent.session}.` };
}

/** `pwt run resume <run>`: every agent back, detached, each by its own vendor id. */
export async function resumeRun(project: Project, name: string, env: NodeJS.ProcessEnv = process.env): Promise<RunLifecycleResult> {
  const run = requireRun(project.sessionsDir, name);
  await requireTmux();
  const manifest = await readManifest(project);
  const views = await statusById(project);
  const result: RunLifecycleResult = { run: name, agents: [], notes: [] };
  for (const agent of run.agents) {
    try {
      result.agents.push(await resumeOne(project, run, agent, manifest, views, env, result.notes));
    } catch (error) {
      const message = reason(error);
      if (message === null) throw error;
      result.agents.push({ session: agent.session, provider: agent.provider, outcome: 'failed', message });
    }
  }
  return result;
}

/** `pwt run stop <run>`: every running agent of the run stops (its vendor id and resume args recorded first). */
export async function stopRun(project: Project, name: string, env: NodeJS.ProcessEnv = process.env): Promise<RunLifecycleResult> {
  const run = requireRun(project.sessionsDir, name);
  const manifest = await readManifest(project);
  const started = run.agents.filter((agent) => agent.agentId && findSession(manifest, agent.session));
  if (started.length > 0) await requireTmux();
  const views = started.length > 0 ? await statusById(project) : new Map<string, AgentView>();
  const result: RunLifecycleResult = { run: name, agents: [], notes: [] };
  for (const agent of run.agents) {
    const base = { session: agent.session, provider: agent.provider };
    if (neverStarted(agent)) {
      result.agents.push({ ...base, outcome: 'not-running', message: `${agent.provider} never started.` });
      continue;
    }
    if (!findSession(manifest, agent.session)) {
      result.agents.push(removedOutcome(agent));
      continue;
    }
    const view = agent.agentId ? views.get(agent.agentId) : undefined;
    if (view) {
      await updateRunAgent(project.sessionsDir, name, agent.session, (entry) => {
        entry.vendorSessionId = view.vendorSessionId ?? entry.vendorSessionId;
      });
    }
    if (view?.status !== 'running') {
      result.agents.push({
        ...base,
        outcome: 'not-running',
        message: `${agent.provider} in ${agent.session} is not running (${view?.status ?? 'no record'}).`,
      });
      continue;
    }
    try {
      const stopped = await stopAgent(project, { session: agent.session, agent: view.id, env });
      result.notes.push(...stopped.notes);
      await updateRunAgent(project.sessionsDir, name, agent.session, (entry) => {
        entry.vendorSessionId = stopped.agent.vendorSessionId ?? entry.vendorSessionId;
      });
      result.agents.push({
        ...base,
        outcome: 'stopped',
        message: stopped.notes[0] ? agentNoteText(stopped.notes[0]) : `Stopped ${agent.provider} in ${agent.session}.`,
      });
    } catch (error) {
      const message = reason(error);
      if (message === null) throw error;
      result.agents.push({ ...base, outcome: 'failed', message });
    }
  }
  return result;
}
