import type { Readable } from 'node:stream';
import { readJsonl } from '../jsonl.js';
import { isRecord, textOf, toIso } from '../common.js';
import { openZstd } from '../zstd.js';
import type { ToolCall, TranscriptMessage } from '../types.js';

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

/**
 * Lines worth parsing: most of a long rollout is per-turn bookkeeping
 * (turn_context, token counts, world_state) and events that repeat the items
 * (agent messages, command output); only user-message events are needed.
 */
function worthParsing(line: string): boolean {
  const head = line.slice(0, 160);
  if (head.includes('"type":"event_msg"')) return line.includes('"user_message"') || line.includes('"UserMessage"');
  return !/"type":"(turn_context|world_state|token_usage_record)"/.test(head);
}

export type CodexSessionMeta = Omit<CodexSessionRead, 'messages'>;

/**
 * Yields each message once it is complete (when the next one starts), so a
 * caller that keeps only the recent ones holds little memory. `meta` fills in
 * as the file is read.
 */
export async function* codexMessages(file: string, meta: CodexSessionMeta): AsyncGenerator<TranscriptMessage> {
  // Tool calls waiting for their output, by call_id (dropped once answered).
  const calls = new Map<string, ToolCall>();
  const done: TranscriptMessage[] = [];
  let current: TranscriptMessage | null = null;
  // The user message of the current turn until the assistant speaks, and where its text came from.
  let openUser: { message: TranscriptMessage; from: 'item' | 'event' } | null = null;

  const begin = (message: TranscriptMessage): TranscriptMessage => {
    if (current && (current.text || current.tools.length > 0)) done.push(current);
    current = message;
    return message;
  };
  const assistant = (at: string | null): TranscriptMessage => {
    openUser = null;
    return current?.role === 'assistant' ? current : begin({ role: 'assistant', text: '', tools: [], at });
  };
  const userFromItem = (text: string, at: string | null) => {
    if (openUser?.from === 'event' && openUser.message.text === text) return;
    openUser = { message: begin({ role: 'user', text, tools: [], at }), from: 'item' };
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
    openUser = { message: begin({ role: 'user', text, tools: [], at }), from: 'event' };
  };

  for await (const record of readJsonl(openRollout(file), worthParsing)) {
    const at = toIso(record.timestamp);
    if (at) meta.updatedAt = at;
    const envelope = isRecord(record.payload);
    const payload = envelope ? (record.payload as Record<string, unknown>) : record;
    const kind = envelope ? record.type : 'response_item';
    if (kind === 'session_meta' || (!envelope && record.type === undefined && typeof record.id === 'string')) {
      if (meta.id === null) Object.assign(meta, metaOf(payload));
      continue;
    }
    if (kind === 'event_msg') {
      if (payload.type === 'user_message' && typeof payload.message === 'string') userFromEvent(payload.message.trim(), at);
      else if (payload.type === 'item_completed' && isRecord(payload.item) && payload.item.type === 'UserMessage') {
        userFromEvent(partsText(payload.item.content).join('\n').trim(), at);
      }
    } else if (kind === 'response_item') {
      switch (payload.type) {
        case 'message': {
          const parts = partsText(payload.content);
          if (payload.role === 'user') {
            const text = parts
              .filter((part) => !INJECTED.test(part))
              .join('\n')
              .trim();
            if (text) userFromItem(text, at);
          } else if (payload.role === 'assistant') {
            const text = parts.join('\n').trim();
            if (!text) break;
            const message = assistant(at);
            message.text = message.text ? `${message.text}\n\n${text}` : text;
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
          calls.delete(String(payload.call_id));
          break;
        }
      }
    }
    while (done.length > 0) yield done.shift()!;
  }
  const last = current as TranscriptMessage | null;
  if (last && (last.text || last.tools.length > 0)) yield last;
}

export async function readCodexSession(file: string): Promise<CodexSessionRead> {
  const meta: CodexSessionMeta = { id: null, cwd: null, startedAt: null, subagent: false, updatedAt: null };
  const messages: TranscriptMessage[] = [];
  for await (const message of codexMessages(file, meta)) messages.push(message);
  return { ...meta, messages };
}
