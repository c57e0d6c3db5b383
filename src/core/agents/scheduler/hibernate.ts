import { realPath } from '../../git/repo-fast.js';
import { sessionPath, type SessionRecord } from '../../manifest/manifest.js';
import type { Project } from '../../project/project.js';
import type { ActivityState } from '../runtime/activity/types.js';
import { conversationLength } from '../runtime/capture.js';
import { captureIfUnknown } from '../runtime/index.js';
import type { AgentEntry } from '../runtime/records.js';
import { loadAdapter } from '../vendors/index.js';

/**
 * Which agents hibernation stops (docs/many-agents.md). Two questions, the
 * first as data: has the agent been `idle` for longer than the project
 * allows, and would stopping it now lose nothing. A still screen reads
 * `idle`, also while a CLI is still loading on a busy machine, before the
 * prompt it was launched with reached its conversation; so an agent is only
 * hibernated once the vendor holds its conversation (a vendor id, and at
 * least one message) and, when its launch carried a prompt, more messages
 * than at that launch.
 */

/** Idle (not waiting, not at a usage limit) for at least `minutes`, counted from its last activity change and never from before its current launch. */
export function idleLongEnough(agent: AgentEntry, state: ActivityState | undefined, limited: boolean, minutes: number, now: number): boolean {
  if (!state || state.activity !== 'idle' || limited) return false;
  const launched = Date.parse(agent.resumedAt ?? agent.spawnedAt) || 0;
  const since = Math.max(Date.parse(state.activitySince) || now, launched);
  return now - since >= minutes * 60_000;
}

/** Resumable by its vendor id with nothing lost: the conversation (of `messages` messages) exists and holds the launch's prompt. */
export function resumableWithoutLoss(agent: AgentEntry, messages: number): boolean {
  return agent.vendorSessionId !== null && messages > (agent.promptAfterMessages ?? 0);
}

/** resumableWithoutLoss, reading the vendor's conversation (its id captured first when not known yet). */
export async function safeToHibernate(project: Project, session: SessionRecord, agent: AgentEntry, env: NodeJS.ProcessEnv): Promise<boolean> {
  const cwd = realPath(sessionPath(project.repo.mainPath, session));
  const current = await captureIfUnknown({ project, session, cwd, env }, agent);
  if (!current.vendorSessionId) return false;
  const messages = await conversationLength(await loadAdapter(current.provider), current.vendorSessionId, cwd, env);
  return resumableWithoutLoss(current, messages);
}
