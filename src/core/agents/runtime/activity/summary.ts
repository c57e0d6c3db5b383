import { readManifest } from '../../../manifest/store.js';
import type { Project } from '../../../project/project.js';
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
  const entries = allAgents(await readManifest(project));
  const result = new Map<string, ActivityState>();
  if (entries.length === 0) return result;
  const liveness = known ?? (await readLiveness());
  const activity = await observeActivity(
    project.sessionsDir,
    entries.map(({ agent }) => ({ agent, checked: checkStatus(agent, liveness) })),
  );
  for (const [id, state] of activity) if (state) result.set(id, state);
  return result;
}
