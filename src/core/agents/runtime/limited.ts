import { join } from 'node:path';
import { realPath } from '../../git/repo-fast.js';
import { sessionPath, type SessionRecord } from '../../manifest/manifest.js';
import type { Project } from '../../project/project.js';
import { hasAdapter, loadAdapter } from '../vendors/index.js';
import type { RecordedLimit } from '../vendors/types.js';
import { limitOnScreen } from './activity/limit.js';
import { agentsDir, readScreenState, screenFile } from './activity/observe.js';
import { readStateFile, writeStateFile } from './activity/state-file.js';
import type { ActivityState } from './activity/types.js';
import type { AgentEntry } from './records.js';
import type { CheckedStatus, SeenStatus } from './status.js';

/**
 * The usage limit that ended an agent's last turn, as pwt sees it now
 * (docs/many-agents.md): the status `limited` of every view (`agent list`,
 * `status --json`, `run show`, `watch`) and what the scheduler resumes after.
 * It is a seen status, never recorded as the manifest's: what acts on an
 * agent (send, attach, stop, admission, hibernation, resume) goes by the
 * checked status underneath.
 *
 * Two sources, the same limit:
 * - the screen, while the agent runs: its activity `limited` (activity/limit.ts);
 * - the vendor's own session file (`Adapter.readLimit`), for an agent whose
 *   process is gone (exited, stopped, hibernated: limited until it is started
 *   or resumed again) and for a running one whose turn ended (`idle`) with no
 *   limit on screen. The last screen pwt captured before the process ended
 *   (`<id>.screen.json`) says it first when it showed the limit.
 *
 * Cheap: a file is read only for such agents, once per state: the answer is
 * kept in `<agents dir>/<id>.limit.json` under a key that changes when the
 * file may have (a new launch, a stop, the end of another turn).
 */
export interface SeenLimit {
  /** ISO time the limit resets; null when the vendor did not say. */
  until: string | null;
  source: 'screen' | 'transcript';
}

export interface LimitCandidate {
  session: SessionRecord;
  agent: AgentEntry;
  checked: CheckedStatus;
  /** The running agent's activity (observe.ts), null when it has none. */
  activity: ActivityState | null;
}

/** Statuses whose process is gone and that the next start or resume ends: the last turn's limit still holds for them. */
const ENDED = new Set<SeenStatus>(['exited', 'stopped', 'hibernated']);
/** A turn's end as hooks or the screen saw it may precede the vendor's last write by a moment: its file is read once it has settled. */
const SETTLE_MS = 2000;

export const limitFile = (dir: string, agentId: string): string => join(dir, `${agentId}.limit.json`);

/** The status a view shows: `limited` over the checked one when a limit ended the agent's last turn. */
export function shownStatus(status: SeenStatus, limit: SeenLimit | null | undefined): SeenStatus {
  return limit ? 'limited' : status;
}

/** The limit of each candidate that has one, by agent id. */
export async function seenLimits(
  project: Project,
  candidates: LimitCandidate[],
  env: NodeJS.ProcessEnv = process.env,
  now = Date.now(),
): Promise<Map<string, SeenLimit>> {
  const dir = agentsDir(project.sessionsDir);
  const found = new Map<string, SeenLimit>();
  await Promise.all(
    candidates.map(async (candidate) => {
      const limit = await limitOf(project, dir, candidate, env, now);
      if (limit) found.set(candidate.agent.id, limit);
    }),
  );
  return found;
}

/**
 * What pwt last saw of an agent's usage limit, from its state files only (no capture, no vendor file):
 * the last screen, else the kept answer of the vendor's file for the agent's current state. For the human
 * `pwt status`, which shows no activity and reads no screen.
 */
export function keptLimit(sessionsDir: string, agent: AgentEntry, checked: CheckedStatus): SeenLimit | null {
  if (!checked.checked || (checked.status !== 'running' && !ENDED.has(checked.status))) return null;
  const dir = agentsDir(sessionsDir);
  const screen = readScreenState(screenFile(dir, agent.id));
  if (screen?.kind === 'limited')
    return { until: typeof screen.limitedUntil === 'number' ? new Date(screen.limitedUntil).toISOString() : null, source: 'screen' };
  if (checked.status === 'running' || !agent.vendorSessionId) return null;
  const cached = readStateFile<Cached>(limitFile(dir, agent.id));
  return cached?.key === `${agent.vendorSessionId}:${endedState(agent, checked.status)}` ? cached.limit : null;
}

const endedState = (agent: AgentEntry, status: SeenStatus) => `${status}:${agent.resumedAt ?? agent.spawnedAt}:${agent.stoppedAt ?? ''}`;

async function limitOf(
  project: Project,
  dir: string,
  { session, agent, checked, activity }: LimitCandidate,
  env: NodeJS.ProcessEnv,
  now: number,
): Promise<SeenLimit | null> {
  if (checked.status === 'running') {
    if (activity?.activity === 'limited') return { until: activity.limitedUntil ?? null, source: 'screen' };
    // A turn that ended with no limit on screen: the vendor's file may know one (a vendor whose screen pwt cannot read).
    if (activity?.activity !== 'idle' || now - Date.parse(activity.activitySince) < SETTLE_MS) return null;
    return fromTranscript(project, dir, session, agent, `idle:${agent.resumedAt ?? agent.spawnedAt}:${activity.activitySince}`, env);
  }
  if (!checked.checked || !ENDED.has(checked.status)) return null;
  const screen = readScreenState(screenFile(dir, agent.id));
  const shown = screen?.kind === 'limited' ? { until: typeof screen.limitedUntil === 'number' ? new Date(screen.limitedUntil).toISOString() : null } : null;
  if (shown?.until) return { ...shown, source: 'screen' };
  const recorded = await fromTranscript(project, dir, session, agent, endedState(agent, checked.status), env);
  return recorded ?? (shown ? { until: null, source: 'screen' } : null);
}

interface Cached {
  key: string;
  limit: SeenLimit | null;
}

async function fromTranscript(
  project: Project,
  dir: string,
  session: SessionRecord,
  agent: AgentEntry,
  state: string,
  env: NodeJS.ProcessEnv,
): Promise<SeenLimit | null> {
  if (!agent.vendorSessionId || !hasAdapter(agent.provider)) return null;
  const key = `${agent.vendorSessionId}:${state}`;
  const file = limitFile(dir, agent.id);
  const cached = readStateFile<Cached>(file);
  if (cached?.key === key) return cached.limit;
  const adapter = await loadAdapter(agent.provider);
  if (!adapter.readLimit) return null;
  let limit: SeenLimit | null = null;
  try {
    const cwd = realPath(sessionPath(project.repo.mainPath, session));
    const recorded = await adapter.readLimit(agent.vendorSessionId, { cwd, env });
    limit = recorded ? { until: untilOf(agent, recorded), source: 'transcript' } : null;
  } catch {
    // The vendor's file is gone or unreadable: no limit to show (and no reason to try again until the state changes).
  }
  writeStateFile(file, { key, limit });
  return limit;
}

/**
 * The reset of a recorded limit: the vendor's own time when it recorded one,
 * else the time its message names, read as its screen is (activity/limit.ts),
 * against when it was recorded.
 */
export function untilOf(agent: Pick<AgentEntry, 'provider'>, recorded: RecordedLimit): string | null {
  if (recorded.until) return recorded.until;
  const at = recorded.at ? Date.parse(recorded.at) : NaN;
  const read = Number.isFinite(at) ? limitOnScreen(agent.provider, [recorded.message], at)?.until : null;
  return typeof read === 'number' ? new Date(read).toISOString() : null;
}
