import { readJsonl } from '../jsonl.js';
import { isRecord, toIso } from '../common.js';
import type { RecordedLimit } from '../types.js';
import { openRollout } from './transcript.js';

/**
 * The usage limit that ended a codex session's last turn, from its rollout.
 * Measured with 0.169.0 against the test model server answering as OpenAI
 * does (429 `usage_limit_reached` with `resets_at`; test/fixtures/agents/codex/
 * limit-*.jsonl): the turn ends with an `event_msg` of type `task_complete`
 * whose `error` is `{ "message": "You’ve hit your usage limit. ... try again
 * at Dec 7th, 2026 12:01 AM.", "codex_error_info": "usage_limit_exceeded" }`
 * (an `error` event with the same fields is read the same way). The reset is
 * only in the message, in the machine's local time: `until` stays null and
 * the reader reads the message's. Any later user or assistant message (the
 * next prompt, a reply) means the limit no longer holds.
 */
export async function codexLimit(file: string): Promise<RecordedLimit | null> {
  let limit: RecordedLimit | null = null;
  for await (const record of readJsonl(openRollout(file), worthParsing)) {
    const envelope = isRecord(record.payload);
    const payload = envelope ? (record.payload as Record<string, unknown>) : record;
    const kind = envelope ? record.type : 'response_item';
    if (kind === 'event_msg') {
      const error = payload.type === 'error' ? payload : isRecord(payload.error) ? payload.error : null;
      if (error && isUsageLimit(error.codex_error_info)) limit = { at: toIso(record.timestamp), until: null, message: oneLine(error.message) };
      else if (payload.type === 'user_message' || payload.type === 'agent_message') limit = null;
    } else if (kind === 'response_item' && payload.type === 'message' && (payload.role === 'user' || payload.role === 'assistant')) limit = null;
  }
  return limit;
}

/** Only the records that can start, end or hold a limit are parsed. */
function worthParsing(line: string): boolean {
  return line.includes('usage_limit') || line.includes('"type":"message"') || line.includes('"user_message"') || line.includes('"agent_message"');
}

/** `usage_limit_exceeded`, as a string or as the key of an object (how serde writes a variant with data). */
function isUsageLimit(info: unknown): boolean {
  if (typeof info === 'string') return info === 'usage_limit_exceeded';
  return isRecord(info) && 'usage_limit_exceeded' in info;
}

const oneLine = (text: unknown): string => (typeof text === 'string' ? text.replace(/\s+/g, ' ').trim() : '');
