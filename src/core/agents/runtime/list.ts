import { listQueue, placeOf } from '../admission/queue.js';
import { realPath } from '../../git/repo-fast.js';
import { sessionPath } from '../../manifest/manifest.js';
import { readManifest } from '../../manifest/store.js';
import type { Project } from '../../project/project.js';
import type { Provider } from '../vendors/types.js';
import { allAgents, patchAgent, type AgentEntry, type HandoffInfo } from './records.js';
import { checkStatus, readLiveness, type CheckedState } from './status.js';
import { observeActivity, type Observed } from './activity/observe.js';
import type { ActivityState } from './activity/types.js';
import { seenLimits, type LimitCandidate, type SeenLimit } from './limited.js';

/**
 * `pwt agent list`: kept apart from the lifecycle code so listing loads no
 * adapter, handoff or crypto code (one tmux call, one manifest read).
 */
export interface AgentView {
  id: string;
  session: string;
  provider: Provider;
  vendorSessionId: string | null;
  /**
   * The checked status: `unknown` when its process lives but pwt's tmux cannot show it (never recorded).
   * Views show `limited` over it when `limit` is set (shownStatus in limited.ts).
   */
  status: CheckedState;
  cli: string;
  resumeArgs: string[] | null;
  spawnedAt: string;
  stoppedAt?: string;
  handoff?: HandoffInfo;
  name?: string;
  /** False when tmux could not be asked and `status` is the remembered one. */
  checked: boolean;
  tmuxSession?: string;
  /** Running agents only: working | waiting | idle, which source said so, and since when. */
  activity?: ActivityState['activity'];
  activitySource?: ActivityState['activitySource'];
  activitySince?: string;
  /** A vendor's usage limit ended its last turn (limited.ts): the status views show is `limited`. */
  limit?: SeenLimit;
  /** With a limit: when the vendor said it resets (ISO). */
  limitedUntil?: string;
  /** Queued agents only: 1 is next to start when a slot frees. */
  queuePlace?: number;
}

/**
 * Every agent of one session (or of all), status checked against tmux and
 * the process. Vendor ids not known yet are captured, and a remembered
 * `running` that died is recorded as `exited`.
 */
export async function listAgents(project: Project, opts: { session?: string; env?: NodeJS.ProcessEnv } = {}): Promise<AgentView[]> {
  const env = opts.env ?? process.env;
  const manifest = await readManifest(project);
  const liveness = await readLiveness();
  const views: AgentView[] = [];
  const observed: (Observed & { session: LimitCandidate['session'] })[] = [];
  for (const { session, agent } of allAgents(manifest)) {
    if (opts.session && session.id !== opts.session) continue;
    const checked = checkStatus(agent, liveness);
    observed.push({ session, agent, checked });
    let current = agent;
    const seen = checked.checked && checked.status !== 'unknown' ? checked.status : null;
    if (!agent.vendorSessionId || (seen && seen !== agent.status)) {
      // Only a record without its vendor id needs the adapters (loaded lazily: list stays light).
      if (!agent.vendorSessionId) {
        const { captureIfUnknown } = await import('./context.js');
        current = await captureIfUnknown({ project, session, cwd: realPath(sessionPath(project.repo.mainPath, session)), env }, agent);
      }
      // Only over the status it read: a stop that ended the process meanwhile recorded how it ended.
      if (seen && seen !== agent.status) current = (await patchAgent(project, session.id, agent.id, { status: seen }, agent.status)) ?? current;
    }
    views.push(viewOf(session.id, current, checked.status, checked.checked));
  }
  // What each running agent is doing (docs/activity.md); a stopped or exited one has no activity.
  const activity = await observeActivity(project.sessionsDir, observed);
  // A usage limit that ended the last turn, on screen or in the vendor's file (docs/many-agents.md).
  const limits = await seenLimits(
    project,
    observed.map((each) => ({ ...each, activity: activity.get(each.agent.id) ?? null })),
    env,
  );
  // A queued agent's place in the machine's queue (docs/many-agents.md).
  const queue = views.some((view) => view.status === 'queued') ? listQueue(env) : [];
  return views.map((view) => {
    const place = view.status === 'queued' ? placeOf(project.repo.mainPath, view.id, queue) : null;
    const limit = limits.get(view.id);
    return {
      ...view,
      ...(activity.get(view.id) ?? {}),
      ...(limit ? { limit, ...(limit.until ? { limitedUntil: limit.until } : {}) } : {}),
      ...(place === null ? {} : { queuePlace: place }),
    };
  });
}

export function viewOf(session: string, agent: AgentEntry, status: CheckedState, checked: boolean): AgentView {
  return {
    id: agent.id,
    session,
    provider: agent.provider,
    vendorSessionId: agent.vendorSessionId,
    status,
    cli: agent.cli,
    resumeArgs: agent.resumeArgs,
    spawnedAt: agent.spawnedAt,
    ...(agent.stoppedAt ? { stoppedAt: agent.stoppedAt } : {}),
    ...(agent.handoff ? { handoff: agent.handoff } : {}),
    ...(agent.name ? { name: agent.name } : {}),
    checked,
    ...(agent.tmux && status === 'running' ? { tmuxSession: agent.tmux.session } : {}),
  };
}
