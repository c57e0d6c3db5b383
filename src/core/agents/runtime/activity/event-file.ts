import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Activity, HookState } from './types.js';

/**
 * The hook side: `pwt _agent-event` runs this from src/cli.ts without loading
 * the rest of pwt (a vendor waits for its hooks, so each must be quick). It
 * writes one small file per agent, `<agents dir>/<agent id>.hook.json`,
 * atomically (temp file, rename): never the manifest, never a lock; the last
 * event wins. No fsync: a status lost to a power cut is re-learnt from the
 * screen, and the vendor should not wait on the disk.
 */

/**
 * Vendor event -> activity. claude: its hook names (Notification is split by
 * its matcher into the two kinds pwt asks for); codex: the `type` of the JSON
 * its `notify` program receives; opencode: what pwt's plugin makes of its bus
 * events. Unknown events are ignored.
 */
const EVENTS: Record<string, Activity> = {
  SessionStart: 'idle',
  UserPromptSubmit: 'working',
  PreToolUse: 'working',
  PostToolUse: 'working',
  PermissionRequest: 'waiting',
  'Notification:permission_prompt': 'waiting',
  'Notification:elicitation_dialog': 'waiting',
  'Notification:idle_prompt': 'idle',
  Stop: 'idle',
  StopFailure: 'idle',
  'agent-turn-complete': 'idle',
  'opencode:busy': 'working',
  'opencode:asked': 'waiting',
  'opencode:replied': 'working',
  'opencode:idle': 'idle',
};

export const hookFile = (agentsDir: string, agentId: string): string => join(agentsDir, `${agentId}.hook.json`);

export function activityOfEvent(event: string): Activity | null {
  return EVENTS[event] ?? null;
}

/**
 * codex passes its notification as one JSON argument: its `type` is the
 * event, `thread-id` the conversation. codex also runs side threads (the
 * task title is one) whose turns end while the main one still works: a
 * notification for a thread other than the agent's recorded vendor session
 * is not the agent's.
 */
export function eventOfPayload(event: string, payload: string | undefined, vendorSessionId: string | null): string | null {
  if (event !== 'codex-notify' || payload === undefined) return event;
  try {
    const parsed = JSON.parse(payload) as { type?: unknown; 'thread-id'?: unknown };
    if (vendorSessionId && typeof parsed['thread-id'] === 'string' && parsed['thread-id'] !== vendorSessionId) return null;
    return typeof parsed.type === 'string' ? parsed.type : null;
  } catch {
    return null;
  }
}

/** The vendor session id in the per-agent record (`<agent id>.session.json`), or null. */
function recordedVendorId(agentsDir: string, agentId: string): string | null {
  try {
    const id = (JSON.parse(readFileSync(join(agentsDir, `${agentId}.session.json`), 'utf8')) as { vendorSessionId?: unknown }).vendorSessionId;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

export function readHookState(file: string): HookState | null {
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as HookState;
    return typeof state.activity === 'string' && typeof state.at === 'number' ? state : null;
  } catch {
    return null;
  }
}

const AGENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Records one event; returns false (and writes nothing) for events pwt does not map or a bad agent id. */
export function recordEvent(agentsDir: string, agentId: string, rawEvent: string, payload?: string, now = Date.now()): boolean {
  if (!AGENT_ID.test(agentId)) return false;
  const event = eventOfPayload(rawEvent, payload, payload === undefined ? null : recordedVendorId(agentsDir, agentId));
  const activity = event === null ? null : activityOfEvent(event);
  if (!activity || event === null) return false;
  const file = hookFile(agentsDir, agentId);
  const previous = readHookState(file);
  const state: HookState = { event, activity, at: now, since: previous?.activity === activity ? previous.since : now };
  mkdirSync(agentsDir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state)}\n`);
  renameSync(temp, file);
  return true;
}
