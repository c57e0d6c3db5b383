import { closeSync, openSync, readSync } from 'node:fs';
import { isRecord, textOf, toIso } from '../common.js';
import { readJsonl } from '../jsonl.js';
import { limitFromError } from '../limit-text.js';
import type { RecordedLimit, ToolCall, TranscriptMessage } from '../types.js';

/**
 * pi's session file (session-manager.ts in the core folder of pi's coding-agent, format version 3):
 * line 1 is a header `{type: "session", id, timestamp, cwd}`; every later
 * line is an entry `{type, id, parentId, timestamp, ...}` forming a tree.
 * Branching (/tree, /fork) moves the leaf back and appends children there,
 * so the conversation that counts is the path from the LAST entry up to the
 * root. Version 1 files have no ids: there every entry is on the path.
 * Messages are `type: "message"` entries with `message.role` user, assistant
 * (content blocks text / thinking / toolCall) or toolResult (toolCallId);
 * bashExecution, custom and summary roles, compaction and branch_summary
 * entries are pi's own context and are left out.
 *
 * Read in two streaming passes so a large file is never held in memory: the
 * first keeps only id -> parentId, the second only the entries on the path.
 */
export interface PiHeader {
  id: string;
  cwd: string;
  timestamp: string;
}

/** The header (first line) of a pi session file, or null when it is not one. */
export function readPiHeader(file: string): PiHeader | null {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buffer = Buffer.alloc(4096);
    const bytes = readSync(fd, buffer, 0, buffer.length, 0);
    const line = buffer.toString('utf8', 0, bytes).split('\n')[0] ?? '';
    const header: unknown = JSON.parse(line);
    if (!isRecord(header) || header.type !== 'session' || typeof header.id !== 'string') return null;
    return { id: header.id, cwd: typeof header.cwd === 'string' ? header.cwd : '', timestamp: typeof header.timestamp === 'string' ? header.timestamp : '' };
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Ids of the entries on the active branch, or null for an untreed (version 1) file. */
async function activePath(file: string): Promise<Set<string> | null> {
  const parents = new Map<string, string | null>();
  let leaf: string | null = null;
  for await (const entry of readJsonl(file)) {
    if (entry.type === 'session' || typeof entry.id !== 'string') continue;
    parents.set(entry.id, typeof entry.parentId === 'string' ? entry.parentId : null);
    leaf = entry.id;
  }
  if (leaf === null) return null;
  const path = new Set<string>();
  for (let id: string | null | undefined = leaf; id && !path.has(id); id = parents.get(id)) path.add(id);
  return path;
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((block) => isRecord(block) && block.type === 'text' && typeof block.text === 'string')
    .map((block) => (block as { text: string }).text)
    .join('\n');
}

export interface PiTranscript {
  messages: TranscriptMessage[];
  /** Time of the last entry on the path (ISO), for "updated". */
  lastAt: string | null;
}

export async function readPiTranscript(file: string): Promise<PiTranscript> {
  const path = await activePath(file);
  const messages: TranscriptMessage[] = [];
  const calls = new Map<string, ToolCall>();
  let lastAt: string | null = null;
  for await (const entry of readJsonl(file)) {
    if (entry.type === 'session') continue;
    if (path && !(typeof entry.id === 'string' && path.has(entry.id))) continue;
    lastAt = toIso(entry.timestamp) ?? lastAt;
    if (entry.type !== 'message' || !isRecord(entry.message)) continue;
    const message = entry.message;
    const at = toIso(entry.timestamp) ?? toIso(message.timestamp);
    if (message.role === 'user') {
      const text = contentText(message.content).trim();
      if (text) messages.push({ role: 'user', text, tools: [], at });
    } else if (message.role === 'assistant') {
      const tools: ToolCall[] = [];
      for (const block of Array.isArray(message.content) ? message.content : []) {
        if (!isRecord(block) || block.type !== 'toolCall' || typeof block.name !== 'string') continue;
        const call: ToolCall = { name: block.name, input: block.arguments ?? {}, output: '' };
        if (typeof block.id === 'string') calls.set(block.id, call);
        tools.push(call);
      }
      const text = contentText(message.content).trim();
      if (text || tools.length > 0) messages.push({ role: 'assistant', text, tools, at });
    } else if (message.role === 'toolResult' && typeof message.toolCallId === 'string') {
      const call = calls.get(message.toolCallId);
      if (call) call.output = textOf(message.content);
    }
  }
  return { messages, lastAt };
}

/**
 * The usage or rate limit that ended the active branch, or null. pi records
 * every failed request as an assistant message with `stopReason: "error"` and
 * the provider's `errorMessage` (`429 Rate limit reached ... Please try again
 * in 81s.`), also each attempt it then retries; the limit counts only while
 * such a message is the last one on the branch (no answer, no new prompt
 * since). The wait is read from the entry's time.
 */
export async function readPiLimit(file: string): Promise<RecordedLimit | null> {
  const path = await activePath(file);
  let last: Record<string, unknown> | null = null;
  for await (const entry of readJsonl(file)) {
    if (entry.type !== 'message' || !isRecord(entry.message)) continue;
    if (path && !(typeof entry.id === 'string' && path.has(entry.id))) continue;
    last = entry;
  }
  const message = last?.message;
  if (!isRecord(message) || message.role !== 'assistant' || message.stopReason !== 'error' || typeof message.errorMessage !== 'string') return null;
  return limitFromError(message.errorMessage, toIso(last?.timestamp) ?? toIso(message.timestamp));
}
