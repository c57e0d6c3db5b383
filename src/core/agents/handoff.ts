import type { Provider, Transcript } from './vendors/types.js';
import { cutRecent } from './transcript-render.js';

/**
 * The "Previous Session Context" section (docs/agents.md, "Handoff") that pwt
 * puts before the first prompt of an agent taking over a worktree from
 * another provider. A pure function: the caller saves it under
 * `.pwt/handoff/` and passes it on.
 */
export const DEFAULT_HANDOFF_CHARS = 50_000;
/** Below this the section cannot hold its header and a useful message. */
export const MIN_HANDOFF_CHARS = 1_000;

export interface HandoffOptions {
  /** The provider handing over (defaults to the transcript's). */
  from?: Provider;
  /** Hard limit on the whole section, header included. */
  maxChars?: number;
}

function header(from: string, id: string, shown: number, total: number): string {
  const scope = shown === total ? `all ${total} messages` : `the most recent ${shown} of ${total} messages`;
  return [
    '## Previous Session Context',
    '',
    `This worktree was worked on before by **${from}** (session \`${id}\`). Below is ${scope} of that ` +
      `conversation, oldest first; tool calls are summarised in one line each. Continue from where it left off.`,
    '',
    '',
  ].join('\n');
}

/** The section as markdown, or '' when the transcript has no messages. */
export function buildHandoff(transcript: Transcript, options: HandoffOptions = {}): string {
  const maxChars = options.maxChars ?? DEFAULT_HANDOFF_CHARS;
  if (!Number.isInteger(maxChars) || maxChars < MIN_HANDOFF_CHARS)
    throw new RangeError(`handoff maxChars must be an integer >= ${MIN_HANDOFF_CHARS} (got ${maxChars})`);
  const total = transcript.messages.length;
  if (total === 0) return '';
  const from = options.from ?? transcript.provider;
  const whole = `${header(from, transcript.id, total, total)}${cutRecent(transcript.messages, Infinity).text}`;
  if (whole.length <= maxChars) return whole;
  // The header's length depends on how many messages are shown: size it for the longest wording.
  const budget = maxChars - header(from, transcript.id, total - 1, total).length;
  const cut = cutRecent(transcript.messages, budget);
  return `${header(from, transcript.id, cut.kept, total)}${cut.text}`;
}
