import type { RecordedLimit } from './types.js';

/**
 * Usage and rate limits in a provider's own words, as CLIs that pass the
 * provider's error through record and print them (pi, opencode): OpenAI's
 * `429 Rate limit reached ... Please try again in 81s.`, `You exceeded your
 * current quota`, pi's `You have hit your ChatGPT usage limit (pro plan). Try
 * again in ~12 min.`, opencode's `Usage limit reached. It will reset in 3
 * hours 20 minutes.`. The wait is read from when the error was recorded.
 */
export const LIMIT_WORDS = /\b429\b|\brate.?limit|\busage.?limit|\bquota\b|too many requests/i;

const UNITS = 'ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?';

/** "try again in 81s", "reset in ~12 min", "retry in 3 hours 20 minutes": group 1 is the wait. */
export const WAIT_AFTER = new RegExp(`(?:try again|retry|reset)\\s+in\\s+~?\\s*((?:\\d+(?:\\.\\d+)?\\s*(?:${UNITS})(?![a-z])[\\s,]*(?:and\\s+)?)+)`, 'i');

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A wait ("81s", "~12 min", "7m12.5s", "3 hours 20 minutes") in ms, rounded up
 * by its smallest unit (vendors round: "~12 min" may be 12.4), or null when
 * the text is not only a wait.
 */
export function waitOf(text: string): number | null {
  const parts = [...text.matchAll(new RegExp(`(\\d+(?:\\.\\d+)?)\\s*(${UNITS})(?![a-z])`, 'gi'))];
  const rest = text.replace(new RegExp(`(\\d+(?:\\.\\d+)?)\\s*(${UNITS})(?![a-z])|and|[\\s,~]`, 'gi'), '');
  if (parts.length === 0 || rest !== '') return null;
  let total = 0;
  let smallest = Infinity;
  for (const [, amount, unit] of parts) {
    const lower = (unit as string).toLowerCase();
    const ms = lower === 'ms' || lower.startsWith('milli') ? 1 : (UNIT_MS[lower[0] as string] as number);
    total += Number(amount) * ms;
    smallest = Math.min(smallest, ms);
  }
  return Math.ceil(total + Math.max(smallest, 1000));
}

/** A provider error recorded at `at` (ISO) as a RecordedLimit, or null when it is not a limit. */
export function limitFromError(text: string, at: string | null): RecordedLimit | null {
  const message = text.replace(/\s+/g, ' ').trim();
  if (!LIMIT_WORDS.test(message)) return null;
  const wait = message.match(WAIT_AFTER)?.[1];
  const ms = wait ? waitOf(wait) : null;
  const from = at ? Date.parse(at) : NaN;
  return { at, until: ms !== null && Number.isFinite(from) ? new Date(from + ms).toISOString() : null, message };
}
