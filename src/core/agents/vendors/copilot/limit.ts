import { readJsonl } from '../jsonl.js';
import { limitFromError } from '../limit-text.js';
import type { RecordedLimit } from '../types.js';

/**
 * The usage limit that ended a copilot session's last turn, from its
 * `events.jsonl` (measured on @github/copilot 1.0.102 against the test model
 * server): when copilot gives up on a 429 it writes `assistant.turn_end`, then
 * `session.error` with `data.errorType: "rate_limit"`, `statusCode: 429`
 * and the provider's `message` (a BYOK OpenAI provider: "429 Rate limit
 * reached ... Please try again in 14s."), under the event's `timestamp`.
 * Nothing is written while it retries (up to 4 times with backoff without a
 * `retry-after`; a short `retry-after` it waits out). The error types its
 * runtime names for GitHub's own limits (`quota_exhausted`) count too, as do
 * other errors with status 429.
 *
 * The limit holds while that error is the session's last word: a later
 * `user.message` (a new turn, or the resumed one) or `assistant.message` ends
 * it. Its reset is the wait the message names, from the error's time; null
 * when it names none (copilot records no reset of its own).
 */
const LIMIT_ERRORS = new Set(['rate_limit', 'quota_exhausted']);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Only the lines that can start or end a limit are parsed (the system prompt repeats every turn). */
const RELEVANT = /^\{"type":"(?:session\.error|user\.message|assistant\.message)"/;

export async function readCopilotLimit(file: string): Promise<RecordedLimit | null> {
  let limit: RecordedLimit | null = null;
  for await (const event of readJsonl(file, (line) => RELEVANT.test(line) || !line.startsWith('{"type":'))) {
    const data = isObject(event.data) ? event.data : {};
    // A sub-agent's events are its own conversation.
    if (typeof event.agentId === 'string' || typeof data.parentToolCallId === 'string') continue;
    if (event.type === 'user.message' || event.type === 'assistant.message') {
      limit = null;
    } else if (event.type === 'session.error') {
      const errorType = typeof data.errorType === 'string' ? data.errorType : '';
      if (!LIMIT_ERRORS.has(errorType) && data.statusCode !== 429) {
        limit = null;
        continue;
      }
      const at = typeof event.timestamp === 'string' ? event.timestamp : null;
      const message = (typeof data.message === 'string' ? data.message : errorType).replace(/\s+/g, ' ').trim();
      limit = { at, until: limitFromError(message, at)?.until ?? null, message };
    }
  }
  return limit;
}
