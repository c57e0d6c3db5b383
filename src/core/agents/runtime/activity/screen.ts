import { createHash } from 'node:crypto';
import type { Provider } from '../../vendors/types.js';
import type { Activity } from './types.js';

/**
 * What each vendor's TUI shows, measured on the pinned CLIs in tmux against
 * the test model server (docs/activity.md has the screens). Only the bottom
 * of the pane is read: the conversation above can quote anything.
 *
 * - `waiting`: a question or permission prompt is open.
 * - `working`: the vendor's own busy line (spinner with an interrupt hint).
 * Neither: the input box, which is `idle` once the screen stayed the same
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
  pi: {
    // pi runs tools without asking: it has no permission prompt.
    waiting: [],
    // "⠦ Working..." (a braille spinner) above the editor.
    working: [/^\s*[⠁-⣿]\s+Working/m],
  },
};

/** How many lines from the bottom of the pane the patterns look at. */
const TAIL_LINES = 25;

export function hasScreenPatterns(provider: Provider): boolean {
  return provider in PATTERNS;
}

/** The vendor's patterns on the bottom of the pane: waiting wins over working; null when neither matches. */
export function classifyScreen(provider: Provider, text: string): Activity | null {
  const patterns = PATTERNS[provider];
  if (!patterns) return null;
  const tail = text.replace(/\s+$/, '').split('\n').slice(-TAIL_LINES).join('\n');
  if (patterns.waiting.some((re) => re.test(tail))) return 'waiting';
  if (patterns.working.some((re) => re.test(tail))) return 'working';
  return null;
}

export function screenHash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
