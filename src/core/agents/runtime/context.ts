import { preconditionError } from '../../infra/errors.js';
import { readManifest } from '../../manifest/store.js';
import type { SessionRecord } from '../../manifest/manifest.js';
import type { Project } from '../../project/project.js';
import { whichSession } from '../../project/which-session.js';
import { realCwd } from '../vendors/common.js';
import { loadAdapter } from '../vendors/index.js';
import type { Adapter } from '../vendors/types.js';
import { captureVendorId, takenIds } from './capture.js';
import { agentsOf, allAgents, patchAgent, type AgentEntry } from './records.js';
import { checkStatus, readLiveness, type CheckedState, type Liveness } from './status.js';

/**
 * What every lifecycle verb starts from, loaded once: the session (one
 * manifest read), its worktree, the environment, one tmux liveness read and
 * each agent's checked status. Also the small helpers the verbs and
 * `pwt agent list` share (kept apart from the lifecycle so listing loads no
 * launch or handoff code).
 */
export interface Ctx {
  project: Project;
  session: SessionRecord;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** An agent with its checked status. */
export type Seen = { agent: AgentEntry; status: CheckedState };

export interface Loaded {
  ctx: Ctx;
  liveness: Liveness;
  seen: Seen[];
}

export function withStatus(agents: AgentEntry[], liveness: Liveness): Seen[] {
  return agents.map((agent) => ({ agent, status: checkStatus(agent, liveness).status }));
}

/** The one context load of a verb: the session by name (its worktree must exist), liveness, statuses. */
export async function loadSession(project: Project, name: string, env: NodeJS.ProcessEnv): Promise<Loaded> {
  const { session, path } = await whichSession(project, { name, command: 'agent' });
  const liveness = await readLiveness();
  return { ctx: { project, session, cwd: realCwd(path), env }, liveness, seen: withStatus(agentsOf(session), liveness) };
}

export function resumeArgsFor(adapter: Adapter, id: string, cwd: string, env: NodeJS.ProcessEnv): string[] {
  const spec = adapter.resumeCommand(id, { cwd }, env);
  return [spec.cmd, ...spec.args];
}

/** Records a vendor id learned late (codex, opencode, pi), with the resume args it makes possible. */
export async function captureIfUnknown(ctx: Ctx, agent: AgentEntry): Promise<AgentEntry> {
  if (agent.vendorSessionId) return agent;
  const adapter = await loadAdapter(agent.provider);
  const manifest = await readManifest(ctx.project);
  const id = await captureVendorId(adapter, ctx.cwd, agent.spawnedAt, takenIds(allAgents(manifest), agent.id, agent.provider), ctx.env);
  if (!id) return agent;
  return (await patchAgent(ctx.project, ctx.session.id, agent.id, { vendorSessionId: id, resumeArgs: resumeArgsFor(adapter, id, ctx.cwd, ctx.env) })) ?? agent;
}

/** An agent by pwt id, or by provider name (or its --name) when that is unambiguous in the session. */
export function resolveAgent(agents: AgentEntry[], ref: string, session: string): AgentEntry {
  const byId = agents.find((agent) => agent.id === ref);
  if (byId) return byId;
  const byProvider = agents.filter((agent) => agent.provider === ref || agent.name === ref);
  if (byProvider.length === 1) return byProvider[0] as AgentEntry;
  const known = agents.map((agent) => agent.id).join(', ') || 'none';
  throw preconditionError(`No agent "${ref}" in session ${session} (agents: ${known}).`, `See them with: pwt agent list --session ${session}`);
}
