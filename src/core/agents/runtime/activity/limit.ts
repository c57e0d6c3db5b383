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
 *
 * The limit holds while its message is the last thing the agent said: no
 * reply line of the vendor's (claude `⏺` or `●`, codex `•`) below it.
 */
interface LimitPattern {
  message: RegExp;
  /** The reset time within the message line. */
  reset: RegExp;
  /** A line the agent writes when it answers again. */
  reply: RegExp;
}

const LIMITS: Partial<Record<Provider, LimitPattern>> = {
  // Its reply lines start with ⏺ (● where the terminal's font lacks it).
  claude: { message: /You['’]ve hit your [\w\s'’-]*limit/, reset: /· resets (.+?)\s*$/, reply: /^\s*[⏺●]/ },
  codex: { message: /You['’]ve hit your usage limit/, reset: /try again at (.+?)\.?\s*$/i, reply: /^\s*•/ },
};

/** Whether pwt knows how this vendor shows a usage limit. */
export function knowsLimits(provider: Provider): boolean {
  return LIMITS[provider] !== undefined;
}

/**
 * The limit the bottom of the screen shows, or null: `until` is epoch ms
 * (null when the vendor gave no time). `lines` is the tail pwt reads.
 */
export function limitOnScreen(provider: Provider, lines: string[], now: number, zone?: string): { until: number | null } | null {
  const pattern = LIMITS[provider];
  if (!pattern) return null;
  let at = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (pattern.message.test(lines[i] as string)) {
      at = i;
      break;
    }
  }
  if (at < 0 || lines.slice(at + 1).some((line) => pattern.reply.test(line))) return null;
  const shown = (lines[at] as string).match(pattern.reset)?.[1];
  return { until: shown ? resetTime(shown, now, zone) : null };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * A reset time as the vendors print it ("9:32pm (UTC)", "3pm", "9:32 PM",
 * "Dec 8, 3pm (Europe/Paris)", "Dec 8th, 2026 3:04 PM") as epoch ms: the end
 * of the minute shown (the vendors drop the seconds, so the limit is surely
 * over then), in the zone named in parentheses, else `zone`, else the
 * machine's. A time of day without a date that is already past is tomorrow's.
 * Null when it does not read as a time.
 */
export function resetTime(text: string, now: number, zone?: string): number | null {
  const named = text.match(/\(([^)]+)\)/)?.[1]?.trim();
  const tz = validZone(named) ?? validZone(zone) ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
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
