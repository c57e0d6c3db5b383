import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { findSession, type Manifest, type SessionRecord } from '../../manifest/manifest.js';
import { updateManifest, writeAtomic, type Store } from '../../manifest/store.js';
import type { Provider } from '../vendors/types.js';

/**
 * Where pwt remembers its agent sessions: the manifest's `agents` field of
 * each session (the source of truth, changed only through updateManifest)
 * and one record file per agent session under `<sessions dir>/.pwt/agents/`,
 * rewritten in the same manifest lock so the two never disagree. The format
 * is described in docs/agents-runtime.md.
 */

/** What pwt last saw an agent do. The status a user sees is checked against tmux (status.ts). */
/** `queued`: waiting for a slot (admission); `hibernated`: stopped resumably after sitting idle (docs/many-agents.md). */
export type AgentState = 'running' | 'detached' | 'stopped' | 'exited' | 'queued' | 'hibernated';

export interface HandoffInfo {
  /** The provider (and its vendor session id) whose transcript was handed over. */
  from: string;
  /** The vendor session id of the transcript handed over. */
  fromSessionId?: string;
  /** The saved handoff file (absolute path). */
  file: string;
  chars: number;
  truncated: boolean;
}

/** Where an agent runs in tmux, and which process it is (pid + start time guard against pid reuse). */
export interface TmuxPlace {
  session: string;
  window: string;
  pane: string;
  pid: number;
  pidStart: string | null;
}

/** One agent session, as kept in the manifest's `agents` array of its session. */
export interface AgentEntry {
  /** pwt's agent id: `<session>-<provider>` (unique in the project; at most one per provider per session). */
  id: string;
  provider: Provider;
  /** A human name passed to the CLI where it takes one (--name). */
  name?: string;
  /** The vendor's own conversation id; null until captured. */
  vendorSessionId: string | null;
  status: AgentState;
  /** The executable (e.g. "claude"). */
  cli: string;
  /** The argument vector of the last launch; a prompt shows as "<prompt>". */
  cliCommand: string[];
  /** The argument vector that resumes this conversation by its vendor id; null until the id is known. */
  resumeArgs: string[] | null;
  spawnedAt: string;
  stoppedAt?: string;
  /** When it was last resumed (spawnedAt is the conversation's first launch). */
  resumedAt?: string;
  /**
   * Set when the current launch carried a prompt (its argv): how many messages
   * the vendor's conversation held at that launch. Until it holds more, the
   * prompt has not reached the conversation and hibernation waits.
   */
  promptAfterMessages?: number;
  handoff?: HandoffInfo;
  tmux?: TmuxPlace;
  /** Fields other pwt versions or features add are kept. */
  [key: string]: unknown;
}

/** `<sessions dir>/.pwt/agents/<agent id>.session.json` (fields fixed by the product contract). */
export interface AgentRecordFile {
  agentId: string;
  session: string;
  provider: Provider;
  cliCommand: string[];
  tmuxSession: string | null;
  vendorSessionId: string | null;
  spawnedAt: string;
  status: AgentState;
}

export function agentIdFor(session: string, provider: Provider): string {
  return `${session}-${provider}`;
}

export function pwtStateDir(sessionsDir: string): string {
  return join(sessionsDir, '.pwt');
}

export function agentRecordPath(sessionsDir: string, agentId: string): string {
  return join(pwtStateDir(sessionsDir), 'agents', `${agentId}.session.json`);
}

export function recordFileOf(session: string, entry: AgentEntry): AgentRecordFile {
  return {
    agentId: entry.id,
    session,
    provider: entry.provider,
    cliCommand: entry.cliCommand,
    tmuxSession: entry.tmux?.session ?? null,
    vendorSessionId: entry.vendorSessionId,
    spawnedAt: entry.spawnedAt,
    status: entry.status,
  };
}

export function writeAgentRecordFile(sessionsDir: string, record: AgentRecordFile): void {
  const file = agentRecordPath(sessionsDir, record.agentId);
  mkdirSync(join(pwtStateDir(sessionsDir), 'agents'), { recursive: true });
  writeAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
}

/** The record file of an agent, or null when there is none (or it does not parse). */
export function readAgentRecordFile(sessionsDir: string, agentId: string): AgentRecordFile | null {
  try {
    return JSON.parse(readFileSync(agentRecordPath(sessionsDir, agentId), 'utf8')) as AgentRecordFile;
  } catch {
    return null;
  }
}

export function removeAgentRecordFile(sessionsDir: string, agentId: string): void {
  rmSync(agentRecordPath(sessionsDir, agentId), { force: true });
  // What activity keeps beside it (docs/activity.md): the last hook event, the last screen, claude's hook settings.
  for (const suffix of ['hook.json', 'screen.json', 'limit.json', 'claude-settings.json'])
    rmSync(join(pwtStateDir(sessionsDir), 'agents', `${agentId}.${suffix}`), { force: true });
}

/** Rewrites the record files of every agent of a session record (e.g. after `pwt restore`). */
export function rewriteRecordFiles(sessionsDir: string, session: SessionRecord): void {
  for (const agent of agentsOf(session)) writeAgentRecordFile(sessionsDir, recordFileOf(session.id, agent));
}

/** The agent entries of a session record (typed view of the manifest's open `agents` field). */
export function agentsOf(session: SessionRecord): AgentEntry[] {
  return (session.agents ?? []) as unknown as AgentEntry[];
}

/** Every agent entry of the manifest with its session. */
export function allAgents(manifest: Manifest | null): { session: SessionRecord; agent: AgentEntry }[] {
  return (manifest?.sessions ?? []).flatMap((session) => agentsOf(session).map((agent) => ({ session, agent })));
}

/**
 * Changes the agents of one session in one locked read-modify-write: `fn`
 * gets that session's current entries (read fresh under the lock, so other
 * sessions' records are never rewritten from a stale copy) and changes them in
 * place. Record files of added or changed entries are rewritten; those of
 * removed entries deleted. Returns fn's result; null when the session is gone.
 */
export async function updateAgents<T>(store: Store, session: string, fn: (agents: AgentEntry[], record: SessionRecord) => T): Promise<T | null> {
  return updateManifest(store, (manifest) => {
    const record = findSession(manifest, session);
    if (!record) return null;
    const agents = agentsOf(record).map((agent) => ({ ...agent }));
    const before = new Map(agentsOf(record).map((agent) => [agent.id, JSON.stringify(agent)]));
    const result = fn(agents, record);
    record.agents = agents as unknown as SessionRecord['agents'];
    for (const agent of agents) {
      if (before.get(agent.id) !== JSON.stringify(agent)) writeAgentRecordFile(store.sessionsDir, recordFileOf(session, agent));
    }
    for (const id of before.keys()) if (!agents.some((agent) => agent.id === id)) removeAgentRecordFile(store.sessionsDir, id);
    if (agents.length === 0) delete record.agents;
    return result;
  });
}

/**
 * Applies `patch` to one agent entry; returns the updated entry, or null when
 * it (or its session) is gone, or when `ifStatus` is given and the entry's
 * status is no longer that one (a reader that saw the process gone must not
 * overwrite what a stop recorded meanwhile).
 */
export async function patchAgent(
  store: Store,
  session: string,
  agentId: string,
  patch: Partial<AgentEntry>,
  ifStatus?: AgentState,
): Promise<AgentEntry | null> {
  const result = await updateAgents(store, session, (agents) => {
    const agent = agents.find((each) => each.id === agentId);
    if (!agent || (ifStatus !== undefined && agent.status !== ifStatus)) return null;
    Object.assign(agent, patch);
    for (const [key, value] of Object.entries(patch)) if (value === undefined) delete agent[key];
    return { ...agent };
  });
  return result ?? null;
}
