import { descendants, isSameProcess, processGroup, processStartTime, signalGroup, signalProcess } from '../../infra/processes.js';
import { sendKeys, typeText } from '../../tmux/windows.js';
import type { Provider } from '../vendors/types.js';
import type { TmuxPlace } from './records.js';

/**
 * Stopping an agent CLI without losing the end of its conversation: first its
 * own quit command (what each pinned CLI was measured to accept, see
 * docs/agents-runtime.md), then interrupts, then SIGTERM and SIGKILL to its
 * process group: 10 s in all. A force kill can lose the last lines of a
 * transcript (claude), so the gentle steps get most of the time. Nothing is
 * signalled unless it is still the process pwt started (pid + start time).
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

const TOTAL_MS = 10_000;
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

/** Stops the agent's process in `place`; returns the step that ended it. */
export async function stopProcess(provider: Provider, place: TmuxPlace): Promise<StopStep> {
  if (!isSameProcess(place.pid, place.pidStart)) return 'gone';
  const started = Date.now();
  // Children that leave the group (MCP servers, daemons) are remembered now and reaped at the end.
  const family = descendants(place.pid).map((pid) => ({ pid, start: processStartTime(pid) }));
  const quit = QUIT[provider];
  // A half-typed line would swallow the quit command: clear it first (C-u: kill to line start).
  if ('text' in quit) {
    await sendKeys(place.pane, 'C-u');
    await typeText(place.pane, quit.text);
    await sleep(200);
    await sendKeys(place.pane, 'Enter');
  } else {
    for (const key of quit.keys) {
      await sendKeys(place.pane, key);
      await sleep(300);
    }
  }
  let step: StopStep = 'quit';
  if (!(await waitGone(place, QUIT_MS))) {
    step = 'interrupt';
    await sendKeys(place.pane, 'C-c');
    await sleep(300);
    await sendKeys(place.pane, 'C-c');
    if (!(await waitGone(place, INTERRUPT_MS))) {
      step = 'term';
      const group = processGroup(place.pid);
      if (group !== null && isSameProcess(place.pid, place.pidStart)) signalGroup(group, 'SIGTERM');
      if (!(await waitGone(place, Math.min(TERM_MS, TOTAL_MS - (Date.now() - started))))) {
        step = 'kill';
        if (group !== null && isSameProcess(place.pid, place.pidStart)) signalGroup(group, 'SIGKILL');
        await waitGone(place, 1_000);
      }
    }
  }
  for (const child of family) if (child.start !== null && isSameProcess(child.pid, child.start)) signalProcess(child.pid, step === 'kill' ? 'SIGKILL' : 'SIGTERM');
  return step;
}
