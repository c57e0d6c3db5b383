import { readFile } from 'node:fs/promises';
import { readJsonl } from '../jsonl.js';

/**
 * Replays one gemini-cli chat file into its conversation record.
 *
 * Since 0.39 a chat is an append-only JSONL log (packages/core/src/services/
 * chatRecordingService.ts): a header line `{sessionId, projectHash, startTime,
 * lastUpdated, kind}` (written again on every resume), message lines `{id,
 * timestamp, type, content, toolCalls?}` that upsert by id (a message is
 * re-appended each time it changes: last wins, the position stays), `{$set:
 * {...}}` merging metadata (a `$set.messages` replaces the whole list, e.g. when
 * a resumed history is synced back) and `{$rewindTo: id}` dropping that message
 * and everything after it. Before 0.39 a chat was one pretty-printed JSON
 * object with the same fields and a `messages` array (`session-*.json`).
 */

export interface GeminiRecord {
  id: string;
  timestamp?: string;
  type?: string;
  content?: unknown;
  displayContent?: unknown;
  toolCalls?: unknown;
  [key: string]: unknown;
}

export interface GeminiConversation {
  file: string;
  sessionId: string;
  projectHash: string | null;
  /** The first start time seen (each resume writes a new header with its own). */
  startTime: string | null;
  lastUpdated: string | null;
  kind: string | null;
  messages: GeminiRecord[];
  /** When each message id was first recorded: `$set.messages` rewrites timestamps. */
  firstSeen: Map<string, string>;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isRecord = (value: unknown): value is GeminiRecord => isObject(value) && typeof value.id === 'string';

class Replay {
  sessionId: string | null = null;
  projectHash: string | null = null;
  startTime: string | null = null;
  lastUpdated: string | null = null;
  kind: string | null = null;
  /** A Map keeps insertion order and keeps a message's position when it is upserted. */
  messages = new Map<string, GeminiRecord>();
  firstSeen = new Map<string, string>();

  apply(line: Record<string, unknown>): void {
    if (typeof line.$rewindTo === 'string') this.rewind(line.$rewindTo);
    else if (isRecord(line)) this.upsert(line);
    else if (isObject(line.$set)) this.merge(line.$set);
    else if (typeof line.sessionId === 'string' && typeof line.projectHash === 'string') this.merge(line);
  }

  private upsert(message: GeminiRecord): void {
    this.messages.set(message.id, message);
    if (!this.firstSeen.has(message.id) && typeof message.timestamp === 'string') this.firstSeen.set(message.id, message.timestamp);
  }

  private rewind(id: string): void {
    // Like the vendor's loader: an unknown id clears the whole list.
    if (!this.messages.has(id)) return this.messages.clear();
    let dropping = false;
    for (const key of [...this.messages.keys()]) {
      if (key === id) dropping = true;
      if (dropping) this.messages.delete(key);
    }
  }

  merge(fields: Record<string, unknown>): void {
    if (typeof fields.sessionId === 'string') this.sessionId = fields.sessionId;
    if (typeof fields.projectHash === 'string') this.projectHash = fields.projectHash;
    if (typeof fields.startTime === 'string' && (!this.startTime || fields.startTime < this.startTime)) this.startTime = fields.startTime;
    if (typeof fields.lastUpdated === 'string' && (!this.lastUpdated || fields.lastUpdated > this.lastUpdated)) this.lastUpdated = fields.lastUpdated;
    if (typeof fields.kind === 'string') this.kind = fields.kind;
    if (Array.isArray(fields.messages)) {
      this.messages.clear();
      for (const message of fields.messages) if (isRecord(message)) this.upsert(message);
    }
  }

  result(file: string): GeminiConversation | null {
    if (!this.sessionId) return null;
    const messages = [...this.messages.values()];
    // A file still being written may carry messages newer than its last `$set.lastUpdated`.
    let lastUpdated = this.lastUpdated;
    for (const message of messages)
      if (typeof message.timestamp === 'string' && (!lastUpdated || message.timestamp > lastUpdated)) lastUpdated = message.timestamp;
    return {
      file,
      sessionId: this.sessionId,
      projectHash: this.projectHash,
      startTime: this.startTime,
      lastUpdated,
      kind: this.kind,
      messages,
      firstSeen: this.firstSeen,
    };
  }
}

/** Reads a chat file of either format; null when it is not a gemini chat (or not readable). */
export async function readGeminiChat(file: string): Promise<GeminiConversation | null> {
  const replay = new Replay();
  try {
    if (file.endsWith('.json')) {
      // The legacy format is one JSON document: it cannot be streamed line by line.
      const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
      if (!isObject(parsed)) return null;
      replay.merge(parsed);
    } else {
      for await (const line of readJsonl(file)) replay.apply(line);
    }
  } catch {
    return null;
  }
  return replay.result(file);
}
