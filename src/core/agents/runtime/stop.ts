import { descendants, isSameProcess, processGroup, processStartTime, signalGroup, signalProcess } from '../../infra/processes.js';
import { capturePane, sendKeys, typeText } from '../../tmux/windows.js';
import type { Provider } from '../vendors/types.js';
import { classifyScreen, knowsQuestions } from './activity/screen.js';
import type { TmuxPlace } from './records.js';

/**
 * Stopping an agent CLI without losing the end of its conversation: first its
 * own quit command (what each pinned CLI was measured to accept, see
 * docs/agents-runtime.md), then interrupts, then SIGTERM and SIGKILL to its
 * process group: 10 s in all. A force kill can lose the last lines of a
 * transcript (claude), so the gentle steps get most of the time. Nothing is
 * signalled unless it is still the process pwt started (pid + start time).
 *
 * A stop never answers a question: in a permission dialog Enter confirms
 * "1. Yes" (claude, gemini, copilot) and letters pick options (codex's "y").
 * So an agent that waits (its activity, or the screen shows a question) is
 * first dismissed with the vendor's own cancel key and the screen checked;
 * a typed quit command is submitted only when the screen shows it typed in
 * the input and no question; otherwise the ladder goes on with interrupts
 * and signals, which no dialog takes for a yes.
 */
export type StopStep = 'gone' | 'quit' | 'interrupt' | 'term' | 'kill';

/** Text typed and submitted (Enter as its own key), or key names sent as they are. */
type QuitKeys = { text: string } | { keys: string[] };

export const QUIT: Record<Provider, QuitKeys> = {
  claude: { text: '/exit' },
  codex: { keys: ['C-c'] },
  gemini: { text: '/quit' },
  copilot: { text: '/exit' },
  opencode: { text: '/exit' },
  pi: { text: '/quit' },
  // Not measured (cursor-agent is not on npm): interrupts first.
  cursor: { keys: ['C-c', 'C-c'] },
};

/** The key that dismisses a vendor's question without approving it (measured on the pinned CLIs; cursor's is assumed). */
export const CANCEL: Record<Provider, string> = {
  claude: 'Escape',
  codex: 'Escape',
  gemini: 'Escape',
  copilot: 'Escape',
  opencode: 'Escape',
  pi: 'Escape',
  cursor: 'Escape',
};

const TOTAL_MS = 10_000;
const DISMISS_MS = 3_000;
const QUIT_MS = 5_000;
const INTERRUPT_MS = 2_000;
const TERM_MS = 2_000;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function waitGone(place: TmuxPlace, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!isSameProcess(place.pid, place.pidStart)) return true;
    await sleep(100);
  }
  return !isSameProcess(place.pid, place.pidStart);
}

const screenOf = (place: TmuxPlace) => capturePane(place.pane, 0).catch(() => '');
const asking = async (provider: Provider, place: TmuxPlace) => classifyScreen(provider, await screenOf(place)) === 'waiting';

/**
 * Dismisses an open question with the vendor's cancel key; true when the
 * screen no longer shows one. For a vendor whose questions pwt cannot see,
 * the key is sent when the caller knows it waits, and success is not known.
 */
async function dismiss(provider: Provider, place: TmuxPlace): Promise<boolean> {
  await sendKeys(place.pane, CANCEL[provider]);
  if (!knowsQuestions(provider)) return false;
  const until = Date.now() + DISMISS_MS;
  while (Date.now() < until) {
    await sleep(150);
    if (!(await asking(provider, place))) return true;
  }
  return false;
}

/**
 * Types the quit command and submits it only when the input shows it and no
 * question is open (the text went into the input, not into a dialog).
 */
async function typedQuit(provider: Provider, place: TmuxPlace, text: string): Promise<boolean> {
  const count = async () => (await screenOf(place)).split(text).length;
  // A half-typed line would swallow the quit command: clear it first (C-u: kill to line start).
  await sendKeys(place.pane, 'C-u');
  const before = await count();
  await typeText(place.pane, text);
  const until = Date.now() + 2_000;
  let shown = false;
  while (!shown && Date.now() < until) {
    await sleep(100);
    shown = (await count()) > before;
  }
  if (!shown || (await asking(provider, place))) {
    await sendKeys(place.pane, 'C-u');
    return false;
  }
  await sleep(150);
  // Checked once more right before the Enter: a question that opened meanwhile must not get it.
  if (await asking(provider, place)) return false;
  await sendKeys(place.pane, 'Enter');
  return true;
}

/**
 * Stops the agent's process in `place`; returns the step that ended it.
 * `waiting`: the caller saw the agent wait on a question (its activity).
 */
export async function stopProcess(provider: Provider, place: TmuxPlace, opts: { waiting?: boolean; signalsOnly?: boolean } = {}): Promise<StopStep> {
  if (!isSameProcess(place.pid, place.pidStart)) return 'gone';
  const started = Date.now();
  // Children that leave the group (MCP servers, daemons) are remembered now and reaped at the end.
  const family = descendants(place.pid).map((pid) => ({ pid, start: processStartTime(pid) }));
  if (opts.signalsOnly) {
    const step = await signalLadder(place, TOTAL_MS);
    reap(family, step);
    return step;
  }
  const quit = QUIT[provider];
  // An open question is dismissed first; one that stays open gets no typed quit (its Enter would answer it).
  const open = opts.waiting || (await asking(provider, place));
  const clear = open ? await dismiss(provider, place) : true;
  let quitSent = false;
  if (clear && 'text' in quit) quitSent = await typedQuit(provider, place, quit.text);
  else if (clear && 'keys' in quit) {
    for (const key of quit.keys) {
      await sendKeys(place.pane, key);
      await sleep(300);
    }
    quitSent = true;
  }
  let step: StopStep = 'quit';
  if (!quitSent || !(await waitGone(place, QUIT_MS))) {
    step = 'interrupt';
    await sendKeys(place.pane, 'C-c');
    await sleep(300);
    await sendKeys(place.pane, 'C-c');
    if (!(await waitGone(place, INTERRUPT_MS))) step = await signalLadder(place, TOTAL_MS - (Date.now() - started));
  }
  reap(family, step);
  return step;
}

/** SIGTERM, then SIGKILL, to the process group (only while it is still the process pwt started). */
async function signalLadder(place: TmuxPlace, budgetMs: number): Promise<StopStep> {
  const group = processGroup(place.pid);
  if (group !== null && isSameProcess(place.pid, place.pidStart)) signalGroup(group, 'SIGTERM');
  if (await waitGone(place, Math.min(TERM_MS, Math.max(budgetMs, 500)))) return 'term';
  if (group !== null && isSameProcess(place.pid, place.pidStart)) signalGroup(group, 'SIGKILL');
  await waitGone(place, 1_000);
  return 'kill';
}

/** Children that left the group are ended too (SIGKILL after a kill, else SIGTERM). */
function reap(family: { pid: number; start: string | null }[], step: StopStep): void {
  for (const child of family)
    if (child.start !== null && isSameProcess(child.pid, child.start)) signalProcess(child.pid, step === 'kill' ? 'SIGKILL' : 'SIGTERM');
}
