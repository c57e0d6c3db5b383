import { fingerprint } from '../../../infra/fingerprint.js';
import type { Provider } from '../../vendors/types.js';
import { limitOnScreen } from './limit.js';
import type { Activity } from './types.js';

/**
 * What each vendor's TUI shows, measured on the pinned CLIs in tmux against
 * the test model server (docs/activity.md has the screens). Only the bottom
 * of the pane is read: the conversation above can quote anything.
 *
 * - `waiting`: a question or permission prompt is open.
 * - `working`: the vendor's own busy line (spinner with an interrupt hint).
 * - `limited`: the vendor's usage-limit message is the last thing it said
 *   (limit.ts).
 * None: the input box, which is `idle` once the screen stayed the same
 * for a while (decide.ts).
 */
interface Patterns {
  waiting: RegExp[];
  working: RegExp[];
}

const PATTERNS: Partial<Record<Provider, Patterns>> = {
  claude: {
    // "Do you want to proceed?" then "❯ 1. Yes" (tool permission); "Esc to cancel · Tab to amend".
    waiting: [/Do you want to (proceed|make this edit|create|allow|run)/, /^\s*❯\s*1\.\s*Yes/m, /Esc to cancel · Tab to amend/],
    // "✻ Pouncing…" above the input box, "esc to interrupt" in the footer.
    working: [/esc to interrupt/i],
  },
  codex: {
    // "Would you like to run the following command?" then "› 1. Yes, proceed (y)".
    waiting: [/Would you like to (run|make|apply|allow)/, /^\s*›\s*1\.\s*Yes/m, /Press enter to confirm or esc to cancel/i],
    // "• Working (3s • esc to interrupt)".
    working: [/esc to interrupt/i],
  },
  gemini: {
    // "Allow execution of [Shell]?" then "● 1. Allow once"; "3. No, suggest changes (esc)". Its busy line is not known.
    waiting: [/Allow execution of/, /^[\s│]*●\s*1\.\s*Allow once/m, /No, suggest changes \(esc\)/],
    working: [],
  },
  copilot: {
    // "Do you want to run this command?" then "❯ 1. Yes"; "↑/↓ to navigate · enter to select · esc to cancel". Its busy line is not known.
    waiting: [/Do you want to (run|allow|proceed)/, /^[\s│]*❯\s*1\.\s*Yes/m, /enter to select · esc to cancel/],
    working: [],
  },
  opencode: {
    // "△ Permission required", "# Shell command", "$ <command>", then "Allow once   Allow always   Reject". Its busy line is not used.
    waiting: [/△ Permission required/, /Allow once\s+Allow always\s+Reject/],
    working: [],
  },
  cursor: {
    // Not measured (cursor-agent is not on npm): hand-written from third-party reports, "Run this command?" then
    // "→ Run (once) (y)" ... "Skip (esc or n)". test/fixtures/activity/cursor-4-permission.txt is hand-written too.
    waiting: [/Run this command\?/, /Run \(once\) \(y\)/, /Skip \(esc or n\)/],
    working: [],
  },
  pi: {
    // pi runs tools without asking: it has no permission prompt.
    waiting: [],
    // "⠦ Working..." (a braille spinner) above the editor; "⠴ Retrying (2/3) in 4s..." while it waits to retry a failed request.
    working: [/^\s*[⠁-⣿]\s+(?:Working|Retrying \(\d+\/\d+\))/m],
  },
};

/** How many lines from the bottom of the pane the patterns look at. */
const TAIL_LINES = 25;

/** Whether pwt knows the vendor's busy line (then a still screen without it means idle). */
export function hasScreenPatterns(provider: Provider): boolean {
  return (PATTERNS[provider]?.working.length ?? 0) > 0;
}

/** Whether pwt knows how the vendor's questions look on screen (pi runs tools without asking). */
export function knowsQuestions(provider: Provider): boolean {
  return (PATTERNS[provider]?.waiting.length ?? 0) > 0;
}

const tailOf = (text: string) => text.replace(/\s+$/, '').split('\n').slice(-TAIL_LINES).join('\n');
/** The last lines with text: a tall pane leaves the last message far above the input box. */
const linesOf = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-TAIL_LINES);

/** The vendor's patterns on the bottom of the pane: waiting wins over working, working over limited; null when none matches. */
export function classifyScreen(provider: Provider, text: string): Activity | null {
  const patterns = PATTERNS[provider];
  if (!patterns) return null;
  return promptOf(patterns, text) ?? (limitOnScreen(provider, linesOf(text), Date.now()) ? 'limited' : null);
}

/** An open question or the busy line, which win over a usage limit shown above them. */
function promptOf(patterns: Patterns, text: string): 'waiting' | 'working' | null {
  const tail = tailOf(text);
  if (patterns.waiting.some((re) => re.test(tail))) return 'waiting';
  if (patterns.working.some((re) => re.test(tail))) return 'working';
  return null;
}

/**
 * The usage limit the screen shows (classifyScreen's `limited`), read in one scan: its message line (limit.ts
 * limitOnScreen) and when it resets (epoch ms, null when the vendor did not say); null when no limit shows.
 */
export function limitOf(provider: Provider, text: string, now = Date.now()): { message: string; until: number | null } | null {
  const patterns = PATTERNS[provider];
  if (!patterns || promptOf(patterns, text) !== null) return null;
  return limitOnScreen(provider, linesOf(text), now);
}

/**
 * The question an open dialog asks, as one line ("Do you want to proceed?"
 * with the command above it when the vendor shows one), or null.
 */
export function questionOf(provider: Provider, text: string): string | null {
  const patterns = PATTERNS[provider];
  if (!patterns || classifyScreen(provider, text) !== 'waiting') return null;
  const lines = tailOf(text)
    .split('\n')
    .map((line) => line.replace(/[│┃╭╮╰╯─┌┐└┘]/g, '').trim());
  const first = patterns.waiting[0] as RegExp;
  const index = lines.findIndex((line) => first.test(line));
  if (index < 0) return null;
  // The command it is about: the nearest line that reads like one (not a label, an option or a sentence).
  const near = [...lines.slice(Math.max(0, index - 6), index).reverse(), ...lines.slice(index + 1, index + 8)];
  const command = near.find((line) => /^(\$ )?[a-z][\w./-]*( |$)/.test(line) && !/[?:]$|^(Environment|Reason|Bash command|Run shell command)\b/.test(line));
  return command ? `${lines[index]} (${command.replace(/^\$\s*/, '')})` : (lines[index] as string);
}

/** A fingerprint of a screen, only compared with the previous one of the same pane. */
export const screenHash = (text: string): string => fingerprint(text);
