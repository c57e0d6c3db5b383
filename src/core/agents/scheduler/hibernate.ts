import { realPath } from '../../git/repo-fast.js';
import { sessionPath, type SessionRecord } from '../../manifest/manifest.js';
import type { Project } from '../../project/project.js';
import type { ActivityState } from '../runtime/activity/types.js';
import { conversationLength } from '../runtime/capture.js';
import { captureIfUnknown } from '../runtime/index.js';
import type { AgentEntry } from '../runtime/records.js';
import { filesStamp } from '../vendors/common.js';
import { loadAdapter } from '../vendors/index.js';
import type { Adapter } from '../vendors/types.js';

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

/** resumableWithoutLoss, reading the vendor's conversation (its id captured first when not known yet), or its count from `counts`. */
export async function safeToHibernate(
  project: Project,
  session: SessionRecord,
  agent: AgentEntry,
  env: NodeJS.ProcessEnv,
  counts: ConversationCounts = new ConversationCounts(),
): Promise<boolean> {
  const cwd = realPath(sessionPath(project.repo.mainPath, session));
  const current = await captureIfUnknown({ project, session, cwd, env }, agent);
  if (!current.vendorSessionId) return false;
  const messages = await counts.count(current.id, await loadAdapter(current.provider), current.vendorSessionId, cwd, env);
  return resumableWithoutLoss(current, messages);
}

/**
 * The scheduler's memory of conversation lengths, by agent and vendor id. An
 * idle agent that never qualifies (started without a prompt, given none) is
 * checked every round for as long as it stays idle: reading its whole
 * conversation each time would cost a file read (and parse) a second,
 * forever. A conversation only changes when the vendor writes one of its
 * files, so the count read is kept with those files' path, size and mtime
 * (the adapter's conversationFiles, found as readTranscript finds them) and
 * reused while they are the same. The stamp is taken before the read: a write
 * during the read leaves a stamp older than the file, so the next round reads
 * again. opencode names its whole database, so any opencode session's write
 * reads again. An adapter without conversationFiles is read every time. The
 * idle screen is no such signal: a turn that begins and ends between two
 * rounds leaves `idle` with its `since` unchanged.
 */
export class ConversationCounts {
  private readonly known = new Map<string, { stamp: string; messages: number }>();

  async count(agentId: string, adapter: Adapter, vendorId: string, cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
    const key = `${agentId}\0${vendorId}`;
    const stamp = conversationStamp(adapter, vendorId, cwd, env);
    const known = this.known.get(key);
    if (stamp !== null && known?.stamp === stamp) return known.messages;
    const messages = await conversationLength(adapter, vendorId, cwd, env);
    if (stamp === null) this.known.delete(key);
    else this.known.set(key, { stamp, messages });
    return messages;
  }
}

/** Path, size and mtime of each file of the conversation ('' while it has none); null when the adapter cannot tell. */
function conversationStamp(adapter: Adapter, id: string, cwd: string, env: NodeJS.ProcessEnv): string | null {
  if (!adapter.conversationFiles) return null;
  try {
    return filesStamp(adapter.conversationFiles(id, { cwd, env }));
  } catch {
    return null;
  }
}
