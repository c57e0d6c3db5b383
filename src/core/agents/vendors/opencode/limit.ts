import { isRecord } from '../common.js';
import { LIMIT_WORDS, limitFromError, waitOf } from '../limit-text.js';
import type { RecordedLimit } from '../types.js';
import type { RawMessage } from './store.js';

/**
 * The usage or rate limit that ended an opencode session's last turn, or null.
 * opencode retries a 429 by itself (up to 5 times, waiting `retry-after` when
 * the provider sends one, else 2, 4, 8, 16, 30 s) and records nothing while
 * it does; when it gives up, the turn's assistant message carries `error:
 * {name: "APIError", data: {message, statusCode: 429, responseHeaders,
 * responseBody}}` and `time.completed`. The limit counts while that message is
 * the session's last (no new prompt since). Its reset: `retry-after` (seconds
 * or a date), else the wait in the message ("Please try again in 50s.", "It
 * will reset in 3 hours"), else OpenAI's `x-ratelimit-reset-*` headers, each
 * from the time the turn ended.
 */
export function opencodeLimit(messages: RawMessage[]): RecordedLimit | null {
  const info = messages.at(-1)?.info;
  if (!info || info.role !== 'assistant' || !isRecord(info.error)) return null;
  const error = info.error;
  const data = isRecord(error.data) ? error.data : {};
  const message = typeof data.message === 'string' ? data.message : typeof error.name === 'string' ? error.name : '';
  const limitStatus = data.statusCode === 429;
  if (!limitStatus && !LIMIT_WORDS.test(message)) return null;
  const time = isRecord(info.time) ? info.time : {};
  const ended = Number(time.completed ?? time.created);
  const at = Number.isFinite(ended) && ended > 0 ? new Date(ended).toISOString() : null;
  const words = message.replace(/\s+/g, ' ').trim() || `${String(data.statusCode ?? '')} ${String(error.name ?? 'error')}`.trim();
  const read = limitFromError(limitStatus && !LIMIT_WORDS.test(words) ? `429 ${words}` : words, at);
  const headers = isRecord(data.responseHeaders) ? data.responseHeaders : {};
  const fromHeaders = at ? resetFromHeaders(headers, Date.parse(at)) : null;
  const until = retryAfter(headers, at ? Date.parse(at) : NaN) ?? read?.until ?? fromHeaders;
  return { at, until, message: words };
}

function header(headers: Record<string, unknown>, name: string): string | null {
  const value = headers[name];
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

/** `retry-after` (seconds, or an HTTP date) / `retry-after-ms` as ISO, or null. */
function retryAfter(headers: Record<string, unknown>, from: number): string | null {
  const ms = header(headers, 'retry-after-ms');
  if (ms && Number.isFinite(Number(ms)) && Number.isFinite(from)) return new Date(from + Number(ms)).toISOString();
  const value = header(headers, 'retry-after');
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Number.isFinite(from) ? new Date(from + Math.ceil(Number(value) * 1000)).toISOString() : null;
  const date = Date.parse(value);
  return Number.isFinite(date) ? new Date(date).toISOString() : null;
}

/** The later of OpenAI's `x-ratelimit-reset-requests` / `-tokens` ("50s", "6m0s", "1ms") as ISO, or null. */
function resetFromHeaders(headers: Record<string, unknown>, from: number): string | null {
  const waits = ['x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens']
    .map((name) => header(headers, name))
    .map((value) => (value ? waitOf(value) : null))
    .filter((wait): wait is number => wait !== null);
  return waits.length ? new Date(from + Math.max(...waits)).toISOString() : null;
}
