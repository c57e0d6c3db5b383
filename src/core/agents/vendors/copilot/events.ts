import { readJsonl } from '../jsonl.js';
import type { ToolCall, TranscriptMessage } from '../types.js';

/**
 * Reads a GitHub Copilot CLI `events.jsonl` (one event per line: `{type, data,
 * id, timestamp, parentId}`), as written by @github/copilot 1.0:
 * - `session.start` (`data.sessionId`, `data.startTime`, `data.context.cwd`),
 *   `session.resume` on every resume (`data.context.cwd`);
 * - `user.message`: `data.content` is what the user typed; `transformedContent`
 *   is the same with injected blocks (`<current_datetime>`...), not used;
 * - `assistant.message`: `data.content` and `data.toolRequests[{toolCallId,
 *   name, arguments}]`;
 * - `tool.execution_complete`: `data.toolCallId`, `data.success`,
 *   `data.result.content` (or `data.error`);
 * - events of sub-agents carry a top-level `agentId` or `data.parentToolCallId`:
 *   they are the sub-agent's own conversation and are left out.
 * Everything else (system.message, usage, turn markers, shutdown) is metadata.
 */

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export interface CopilotEvents {
  sessionId: string | null;
  cwd: string | null;
  startedAt: string | null;
  /** Time of the last conversation event (bookkeeping lines are not read). */
  updatedAt: string | null;
  messages: TranscriptMessage[];
}

function toolOutput(data: Record<string, unknown>): string {
  const result = isObject(data.result) ? data.result : {};
  const content = str(result.content) ?? str(result.detailedContent);
  if (content !== null) return content;
  if (data.success === false) {
    const error = isObject(data.error) ? str(data.error.message) : str(data.error);
    return `Error: ${error ?? 'the tool failed'}`;
  }
  return '';
}

/**
 * Event types that never carry conversation. Each turn repeats the whole
 * system prompt (`system.message`, tens of KB) and usage records: on large
 * files, not parsing those lines saves most of the time. Only a line that
 * positively starts as one of these is skipped; any other layout is parsed.
 */
const BOOKKEEPING_TYPES = [
  'system.message',
  'session.usage_record',
  'session.shutdown',
  'session.model_change',
  'session.info',
  'assistant.turn_start',
  'assistant.turn_end',
  'tool.execution_start',
  'hook.start',
  'hook.end',
];
const BOOKKEEPING = new RegExp(`^\\{"type":"(?:${BOOKKEEPING_TYPES.map((type) => type.replaceAll('.', '\\.')).join('|')})"`);

export async function readCopilotEvents(file: string): Promise<CopilotEvents> {
  const out: CopilotEvents = { sessionId: null, cwd: null, startedAt: null, updatedAt: null, messages: [] };
  const calls = new Map<string, ToolCall>();
  const byMessageId = new Map<string, TranscriptMessage>();
  for await (const event of readJsonl(file, (line) => !BOOKKEEPING.test(line))) {
    const data = isObject(event.data) ? event.data : {};
    const at = str(event.timestamp);
    if (at && (!out.updatedAt || at > out.updatedAt)) out.updatedAt = at;
    if (str(event.agentId) || str(data.parentToolCallId)) continue;
    switch (event.type) {
      case 'session.start':
        out.sessionId ??= str(data.sessionId);
        out.startedAt ??= str(data.startTime) ?? at;
        if (isObject(data.context)) out.cwd ??= str(data.context.cwd);
        break;
      case 'session.resume':
        if (isObject(data.context) && str(data.context.cwd)) out.cwd = str(data.context.cwd);
        break;
      case 'user.message': {
        const text = (str(data.content) ?? '').trim();
        if (text) out.messages.push({ role: 'user', text, tools: [], at });
        break;
      }
      case 'assistant.message': {
        const tools: ToolCall[] = [];
        for (const request of Array.isArray(data.toolRequests) ? data.toolRequests : []) {
          if (!isObject(request) || !str(request.name)) continue;
          const call: ToolCall = { name: request.name as string, input: request.arguments ?? {}, output: '' };
          const id = str(request.toolCallId);
          if (id) calls.set(id, call);
          tools.push(call);
        }
        const text = (str(data.content) ?? '').trim();
        if (!text && tools.length === 0) break;
        const message: TranscriptMessage = { role: 'assistant', text, tools, at };
        // The same messageId again replaces the earlier record of that message.
        const messageId = str(data.messageId);
        const earlier = messageId ? byMessageId.get(messageId) : undefined;
        if (earlier) Object.assign(earlier, { text, tools });
        else out.messages.push(message);
        if (messageId && !earlier) byMessageId.set(messageId, message);
        break;
      }
      case 'tool.execution_complete': {
        const call = calls.get(str(data.toolCallId) ?? '');
        if (call) call.output = toolOutput(data);
        break;
      }
    }
  }
  return out;
}
