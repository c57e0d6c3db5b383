import { WAIT_AFTER, waitOf } from '../../vendors/limit-text.js';
import type { Provider } from '../../vendors/types.js';

/**
 * A vendor's usage limit as its TUI shows it, measured on the pinned CLIs in
 * tmux against the test model server answering as the vendor does
 * (docs/many-agents.md has the screens):
 *
 * - claude (subscription, 429 with `anthropic-ratelimit-unified-status:
 *   rejected`): `⎿  You've hit your session limit · resets 9:32pm (UTC)`
 *   (also "weekly limit", "usage limit", "Opus limit"...; more than a day away:
 *   `resets Dec 8, 3pm (Europe/Paris)`), then its `/rate-limit-options` menu.
 * - codex (429 `usage_limit_reached`): `■ You’ve hit your usage limit. ...
 *   try again at 9:32 PM.` (a typographic apostrophe; later days:
 *   `Dec 8th, 2026 3:04 PM`), in the machine's local time.
 * - gemini (429 `RESOURCE_EXHAUSTED` that it takes as terminal: a Google
 *   account's quota, `QUOTA_EXHAUSTED` with a `RetryInfo`, or an API key's
 *   daily quota): a boxed dialog `Usage limit reached for gemini-3.8-flash.`
 *   with, on the next line when Google said when, `Access resets at 12:01 AM
 *   UTC.` (the machine's zone, as abbreviated by Intl: `UTC`, `PST`,
 *   `GMT+1`), over a menu `● 1. Keep trying` / `2. Stop`. After Stop (or
 *   when no dialog opens) the error stays under the turn: `✕ [API Error:
 *   <Google's message>]` then `Please wait and try again later. To increase
 *   your limits, request a quota increase through AI Studio ...`, no reset.
 * - copilot (a provider's 429 it gives up on: one whose `retry-after` is
 *   longer than it waits; a short one it waits out, without one it keeps
 *   retrying with backoff): `✗ 429 <the provider's message>` under the turn,
 *   e.g. `✗ 429 Rate limit reached ... Please try again in 3600s.`: the wait
 *   counts from when it appeared. GitHub's own limits (not reachable offline,
 *   the wording from its binary): `You've hit your rate limit.`, `You've
 *   reached your weekly rate limit.`, `You've run out of your included AI
 *   credits for the month.`, `You've reached the spending limit for this
 *   session.`, no time pwt reads.
 * - pi (chat completions answering 429 without `retry-after`; with one, pi
 *   waits it out as "Working..."): each failed attempt as `Error: 429 Rate
 *   limit reached ... Please try again in 81s.`, `⠴ Retrying (2/3) in 4s...`
 *   while it retries, and at last `Error: Retry failed after 3 attempts: 429
 *   ...`; on a ChatGPT subscription `Error: You have hit your ChatGPT usage
 *   limit (pro plan). Try again in ~12 min.` at once.
 * - opencode (the same 429): `<message> [retrying in 6s attempt #2]` in its
 *   footer while it retries (the turn goes on), then the provider's message in
 *   a red box under the turn (`┃  Rate limit reached ... Please try again in
 *   13s.`).
 * - cursor (not measured: cursor-agent is not on npm; as its users reported
 *   it): `Error: You've hit your usage limit`, an indented block whose
 *   `chatMessage` ends "Your usage limits will reset when your monthly cycle
 *   ends on 11/17/2025.", wrapped over several lines.
 *
 * A reset is a time of day, a date, or a wait ("in 81s", "in ~12 min") read
 * from when the message appeared. The limit holds while its message is the
 * last thing the agent said: no reply of the vendor's (claude `⏺` or `●`,
 * codex `•`, gemini `✦`, copilot `●`, cursor `⬢`; pi and opencode mark
 * none, so any text between the message and the input box) below it.
 */
interface LimitPattern {
  message: RegExp;
  /** The reset within the message line (or the `resetLines` lines from it, joined): a time or a wait. */
  reset: RegExp;
  /** How many lines from the message's the reset may be on (the vendor wraps it); 1 unless said. */
  resetLines?: number;
  /** A line the agent writes when it answers again, or a test on the lines below the message. */
  reply: RegExp | ((below: string[]) => boolean);
}

/** The text of the lines between the message and the next rule (pi's editor) or box bottom: what the agent said since. */
function textBefore(rule: RegExp): (below: string[]) => boolean {
  return (below) => {
    const end = below.findIndex((line) => rule.test(line));
    return (end < 0 ? below : below.slice(0, end)).some((line) => line.trim() !== '');
  };
}

const LIMITS: Partial<Record<Provider, LimitPattern>> = {
  // Its reply lines start with ⏺ (● where the terminal's font lacks it).
  claude: { message: /You['’]ve hit your [\w\s'’-]*limit/, reset: /· resets (.+?)\s*$/, reply: /^\s*[⏺●]/ },
  codex: { message: /You['’]ve hit your usage limit/, reset: /try again at (.+?)\.?\s*$/i, reply: /^\s*•/ },
  // Its replies start with ● (so do its notices; none is printed under an error).
  copilot: {
    message: /^\s*✗ (?:429\b|.*You['’]ve (?:hit|reached) (?:your|the) [\w\s]*(?:rate|spending|usage) limit|.*You['’]ve run out of your included)/,
    reset: WAIT_AFTER,
    reply: /^\s*●/,
  },
  // Every failed attempt prints an Error line; the last one found from the bottom is the one that counts.
  // What follows it up to the editor's first rule is the agent's (or the user's) next turn.
  pi: {
    message: /^\s*Error: (?:Retry failed after \d+ attempts?: )?(?:429\b|.*\b(?:usage limit|rate limit|quota)\b)/i,
    reset: WAIT_AFTER,
    reply: textBefore(/^\s*─{8,}/),
  },
  // The provider's message in the error box of the turn (`┃  ...`, wrapped over its lines); the user's prompt
  // sits in the same kind of box, so only a provider's phrasing counts. opencode also shows it in a toast at the
  // top right, drawn beside the turn's boxes (`┃  <prompt>   ┃  Rate limit ...  ┃`) a moment before the error
  // box: only words inside the line's first box count.
  opencode: {
    message: new RegExp(
      String.raw`^\s*┃\s+(?:\d{3}\s+)?[^┃]*\b(?:` +
        ['rate limit (?:reached|exceeded)', 'usage limit (?:reached|exceeded|has been reached)', 'exceeded your current quota', 'too many requests'].join('|') +
        ')',
      'i',
    ),
    reset: WAIT_AFTER,
    resetLines: 4,
    // Over once the agent wrote outside a box (its replies are, indented by 5; the sidebar's lines far more), or while the footer's spinner
    // runs (`⬝⬝■■■⬝⬝⬝  esc interrupt`, or the message and `[retrying in 4s attempt #2]` while it retries).
    reply: (below) =>
      below.some((line) => /^\s*[⬝■]{4,}/.test(line) || (/^\s{3,8}\S/.test(line) && !/^\s*[┃╹▀▣]/.test(line) && !/tab agents|ctrl\+p/.test(line))),
  },
  cursor: {
    message: /^\s*Error: You['’]ve hit your [\w\s'’-]*limit/,
    reset: /will reset when your monthly cycle ends on (\d{1,2}\/\d{1,2}\/\d{4})/i,
    resetLines: 10,
    reply: /^\s*⬢/,
  },
  // Its reply lines start with ✦; the reset is on the line under the message, in the same box.
  gemini: {
    message: /Usage limit reached for \S|Please wait and try again later\. To increase your limits/,
    reset: /Access resets at (\d{1,2}:\d{2}\s*[AP]M(?:\s+[A-Z]{2,5}(?:[+-]\d{1,2}(?::\d{2})?)?)?)/i,
    resetLines: 2,
    reply: /^\s*✦/,
  },
};

/**
 * The menu a CLI opens with its limit, which takes the keys while it is open,
 * and how pwt answers it when the limit has reset: claude's
 * `/rate-limit-options` is closed (Esc) and the continue prompt typed;
 * gemini's "1. Keep trying / 2. Stop" gets 1, which sends the limited request
 * again: the turn goes on as if never cut (after Stop gemini drops the failed
 * prompt from the conversation it sends, so a typed "continue" would reach a
 * model that never saw the task; and its Esc cancels the request but leaves
 * the menu open).
 */
export interface LimitMenu {
  open: RegExp;
  key: string;
  /** The key resumes the turn itself: nothing is typed after it. */
  resumes: boolean;
}

const MENUS: Partial<Record<Provider, LimitMenu>> = {
  claude: { open: /Stop and wait for limit to reset/, key: 'Escape', resumes: false },
  gemini: { open: /^[\s│]*[●○]?\s*1\. Keep trying/m, key: '1', resumes: true },
};

/** The limit menu this vendor shows on screen, or null. */
export function limitMenu(provider: Provider): LimitMenu | null {
  return MENUS[provider] ?? null;
}

/** Whether pwt knows how this vendor shows a usage limit. */
export function knowsLimits(provider: Provider): boolean {
  return LIMITS[provider] !== undefined;
}

/**
 * The limit the bottom of the screen shows, or null: `until` is epoch ms
 * (null when the vendor gave no time); `message` is its message line, what
 * tells one limit from the next: only up to the first wide gap, where a
 * sidebar beside it begins (opencode's context and cost, which change).
 * `lines` is the tail pwt reads.
 */
export function limitOnScreen(provider: Provider, lines: string[], now: number, zone?: string): { until: number | null; message: string } | null {
  const pattern = LIMITS[provider];
  const at = pattern ? limitLine(pattern, lines) : -1;
  if (!pattern || at < 0) return null;
  const text = lines
    .slice(at, at + (pattern.resetLines ?? 1))
    .map((line, i) => (i === 0 ? line : line.replace(/^[\s┃│]+/, '')))
    .join(pattern.resetLines ? ' ' : '');
  const shown = text.match(pattern.reset)?.[1];
  return { until: shown ? resetTime(shown, now, zone) : null, message: messageOf(lines[at] as string) };
}

/**
 * The limit's message line as far as it is the message's: up to a wide gap
 * (a sidebar beside it) or a box border drawn over it (opencode's toast).
 */
function messageOf(line: string): string {
  return (line.trim().split(/\s{3,}|(?<=.)[┃│]/)[0] as string).trimEnd();
}

/** The index of the limit's message line in `lines`, -1 when no limit shows (none, or the agent said more below it). */
function limitLine(pattern: LimitPattern, lines: string[]): number {
  let at = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (pattern.message.test(lines[i] as string)) {
      at = i;
      break;
    }
  }
  if (at < 0) return -1;
  const below = lines.slice(at + 1);
  const { reply } = pattern;
  return (reply instanceof RegExp ? below.some((line) => reply.test(line)) : reply(below)) ? -1 : at;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * A reset time as the vendors print it ("9:32pm (UTC)", "3pm", "9:32 PM",
 * "Dec 8, 3pm (Europe/Paris)", "Dec 8th, 2026 3:04 PM") as epoch ms: the end
 * of the minute shown (the vendors drop the seconds, so the limit is surely
 * over then), in the zone named in parentheses, else `zone`, else the
 * machine's. A time of day without a date that is already past is tomorrow's.
 * A wait ("81s", "~12 min") counts from `now` (waitOf); a day alone (cursor's
 * "11/17/2025") is over at that day's end. Null when it does not read as a time.
 */
export function resetTime(text: string, now: number, zone?: string): number | null {
  const wait = waitOf(text);
  if (wait !== null) return now + wait;
  const named = text.match(/\(([^)]+)\)/)?.[1]?.trim();
  const tz = validZone(named) ?? abbreviated(text) ?? validZone(zone) ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const numeric = text.match(/^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/);
  // A day without a time (cursor's "11/17/2025", month first): the limit is over when that day is.
  if (numeric) return instant(Number(numeric[3]), Number(numeric[1]) - 1, Number(numeric[2]) + 1, 0, 0, tz);
  const time = text.match(/(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\b/i);
  if (!time) return null;
  let hour = Number(time[1]) % 12;
  if ((time[3] as string).toLowerCase() === 'p') hour += 12;
  const minute = Number(time[2] ?? 0);
  const date = text.match(/\b([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b,?(?:\s+(\d{4}))?/);
  const month = date ? MONTHS.indexOf((date[1] as string).toLowerCase()) : -1;
  const today = wallClock(now, tz);
  const year = date?.[3] ? Number(date[3]) : today.year;
  const day = month >= 0 ? { month, day: Number(date![2]) } : { month: today.month, day: today.day };
  let at = instant(year, day.month, day.day, hour, minute, tz) + 60_000;
  if (month < 0 && at <= now) at = instant(year, day.month, day.day + 1, hour, minute, tz) + 60_000;
  else if (month >= 0 && !date?.[3] && at < now - 180 * 86_400_000) at = instant(year + 1, day.month, day.day, hour, minute, tz) + 60_000;
  return Number.isFinite(at) ? at : null;
}

/** Zones Intl abbreviates in en-US (gemini prints its reset so): the US ones by name, the rest as GMT+h. */
const ABBREVIATIONS: Record<string, string> = {
  UTC: 'UTC',
  GMT: 'UTC',
  EST: 'America/New_York',
  EDT: 'America/New_York',
  CST: 'America/Chicago',
  CDT: 'America/Chicago',
  MST: 'America/Denver',
  MDT: 'America/Denver',
  PST: 'America/Los_Angeles',
  PDT: 'America/Los_Angeles',
  AKST: 'America/Anchorage',
  AKDT: 'America/Anchorage',
  HST: 'Pacific/Honolulu',
};

/** The zone a time's abbreviation names ("12:01 AM UTC", "3:04 PM GMT+1"), or null (a half-hour offset: the caller's zone). */
function abbreviated(text: string): string | null {
  const match = text.match(/[ap]\.?m\.?\s+([A-Z]{2,5})(?:([+-])(\d{1,2})(:\d{2})?)?\b/i);
  if (!match) return null;
  const base = ABBREVIATIONS[(match[1] as string).toUpperCase()];
  if (!match[2]) return base ?? null;
  if (base !== 'UTC' || match[4]) return null;
  // Etc zones count the other way: GMT+1 is Etc/GMT-1.
  return validZone(`Etc/GMT${match[2] === '+' ? '-' : '+'}${Number(match[3])}`);
}

function validZone(zone: string | undefined): string | null {
  if (!zone) return null;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return null;
  }
}

/** Year, month (0-11), day of `epoch` in `zone`. */
function wallClock(epoch: number, zone: string): { year: number; month: number; day: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(epoch).map((p) => [p.type, p.value]),
  );
  return { year: Number(parts.year), month: Number(parts.month) - 1, day: Number(parts.day) };
}

/** The offset of `zone` from UTC at `epoch`, in ms. */
function offsetOf(epoch: number, zone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(epoch)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(epoch / 1000) * 1000;
}

/** The epoch ms of a wall-clock time in `zone`. */
function instant(year: number, month: number, day: number, hour: number, minute: number, zone: string): number {
  const guess = Date.UTC(year, month, day, hour, minute);
  const first = guess - offsetOf(guess, zone);
  return guess - offsetOf(first, zone);
}
