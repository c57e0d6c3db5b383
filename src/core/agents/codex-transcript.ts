import type { Readable } from 'node:stream';
import { readJsonl } from './jsonl.js';
import { isRecord, textOf, toIso } from './common.js';
import { openZstd } from './zstd.js';
import type { ToolCall, TranscriptMessage } from './types.js';

/**
 * Codex rollouts (`sessions/YYYY/MM/DD/rollout-<local time>-<id>.jsonl`, or
 * `.jsonl.zst`; measured with 0.169.0, see shared/agents/real-sessions/codex):
 * lines `{timestamp, type, payload}`. `session_meta` opens the file (id, cwd,
 * source). `response_item` payloads are what the model saw: `message`
 * (input_text / output_text parts), `function_call` + `function_call_output`
 * (joined by call_id), `custom_tool_call`, `local_shell_call`, `reasoning`.
 * User `message` items also carry injected context (<environment_context>,
 * AGENTS.md, ...), so the user's words come from `event_msg` when present:
 * `user_message` (older CLIs) or `item_completed` with a `UserMessage` (0.16x).
 * Very old rollouts (2025) have no envelope: each line is the item itself.
 */
export interface CodexMeta {
  id: string | null;
  cwd: string | null;
  startedAt: string | null;
  /** A subagent's thread, started by another thread: not a session of its own. */
  subagent: boolean;
}

export interface CodexSessionRead extends CodexMeta {
  messages: TranscriptMessage[];
  updatedAt: string | null;
}

const INJECTED = /^\s*(<([a-z_-]+)[\s>][\s\S]*<\/\2>\s*$|# AGENTS\.md instructions for )/i;

export function openRollout(file: string): string | Readable {
  return file.endsWith('.zst') ? openZstd(file) : file;
}

function metaOf(payload: Record<string, unknown>): CodexMeta {
  const source = payload.source;
  return {
    id: typeof payload.id === 'string' ? payload.id : null,
    cwd: typeof payload.cwd === 'string' ? payload.cwd : null,
    startedAt: toIso(payload.timestamp),
    subagent: isRecord(source) && 'subagent' in source,
  };
}

/** session_meta only: stops after the first line. */
export async function readCodexMeta(file: string): Promise<CodexMeta | null> {
  for await (const record of readJsonl(openRollout(file))) {
    if (record.type === 'session_meta' && isRecord(record.payload)) return metaOf(record.payload);
    if (record.payload === undefined && typeof record.id === 'string') return metaOf(record); // envelope-less header
    return null;
  }
  return null;
}

function partsText(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  return content.filter(isRecord).flatMap((part) => (typeof part.text === 'string' ? [part.text] : []));
}

/**
 * codex's unified exec tool (exec_command) prefixes the command's output with
 * "Chunk ID / Wall time / Process exited with code N / Original token count"
 * lines and "Output:"; the output alone is what a reader wants.
 */
const EXEC_HEADER = /^Chunk ID: [^\n]*\n(?:[A-Z][A-Za-z ]*: [^\n]*\n|Process exited with code -?\d+\n)*Output:\n/;

/** A tool result: a string, content items, or (older CLIs) a JSON string `{"output": ...}`. */
function outputText(output: unknown): string {
  return textOfOutput(output).replace(EXEC_HEADER, '');
}

function textOfOutput(output: unknown): string {
  if (typeof output === 'string' && output.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(output);
      if (isRecord(parsed) && typeof parsed.output === 'string') return parsed.output;
    } catch {
      // plain text that starts with a brace
    }
  }
  if (isRecord(output) && 'content' in output) return textOf(output.content);
  return textOf(output);
}

function parseArguments(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw ?? null;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export async function readCodexSession(file: string): Promise<CodexSessionRead> {
  const messages: TranscriptMessage[] = [];
  const calls = new Map<string, ToolCall>();
  const read: CodexSessionRead = { id: null, cwd: null, startedAt: null, subagent: false, updatedAt: null, messages };
  // The user message of the current turn until the assistant speaks, and where its text came from.
  let openUser: { message: TranscriptMessage; from: 'item' | 'event' } | null = null;

  const assistant = (at: string | null): TranscriptMessage => {
    openUser = null;
    let last = messages.at(-1);
    if (!last || last.role !== 'assistant') {
      last = { role: 'assistant', text: '', tools: [], at };
      messages.push(last);
    }
    return last;
  };
  const userFromItem = (text: string, at: string | null) => {
    if (openUser?.from === 'event' && openUser.message.text === text) return;
    const message: TranscriptMessage = { role: 'user', text, tools: [], at };
    messages.push(message);
    openUser = { message, from: 'item' };
  };
  const userFromEvent = (text: string, at: string | null) => {
    if (!text) return;
    if (openUser?.from === 'item') {
      // Same turn: the event has the clean text of the item already listed.
      openUser.message.text = text;
      openUser = { message: openUser.message, from: 'event' };
      return;
    }
    if (openUser?.from === 'event' && openUser.message.text === text) return;
    const message: TranscriptMessage = { role: 'user', text, tools: [], at };
    messages.push(message);
    openUser = { message, from: 'event' };
  };

  for await (const record of readJsonl(openRollout(file))) {
    const at = toIso(record.timestamp);
    if (at) read.updatedAt = at;
    const envelope = isRecord(record.payload);
    const payload = envelope ? (record.payload as Record<string, unknown>) : record;
    const kind = envelope ? record.type : 'response_item';
    if (kind === 'session_meta' || (!envelope && record.type === undefined && typeof record.id === 'string')) {
      if (read.id === null) Object.assign(read, metaOf(payload));
      continue;
    }
    if (kind === 'event_msg') {
      if (payload.type === 'user_message' && typeof payload.message === 'string') userFromEvent(payload.message.trim(), at);
      else if (payload.type === 'item_completed' && isRecord(payload.item) && payload.item.type === 'UserMessage') {
        userFromEvent(partsText(payload.item.content).join('\n').trim(), at);
      }
      continue;
    }
    if (kind !== 'response_item') continue;
    switch (payload.type) {
      case 'message': {
        const parts = partsText(payload.content);
        if (payload.role === 'user') {
          const text = parts.filter((part) => !INJECTED.test(part)).join('\n').trim();
          if (text) userFromItem(text, at);
        } else if (payload.role === 'assistant') {
          const text = parts.join('\n').trim();
          if (!text) break;
          const last = assistant(at);
          last.text = last.text ? `${last.text}\n\n${text}` : text;
        }
        break;
      }
      case 'function_call':
      case 'custom_tool_call':
      case 'local_shell_call':
      case 'web_search_call': {
        const input = payload.type === 'function_call' ? parseArguments(payload.arguments) : (payload.input ?? payload.action ?? null);
        const name = typeof payload.name === 'string' ? payload.name : String(payload.type).replace(/_call$/, '');
        const call: ToolCall = { name, input, output: '' };
        assistant(at).tools.push(call);
        if (typeof payload.call_id === 'string') calls.set(payload.call_id, call);
        break;
      }
      case 'function_call_output':
      case 'custom_tool_call_output': {
        const call = calls.get(String(payload.call_id));
        if (call) call.output = outputText(payload.output);
        break;
      }
    }
  }
  return read;
}
