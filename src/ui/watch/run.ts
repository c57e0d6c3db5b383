import ansiEscapes from 'ansi-escapes';
import { createElement as h } from 'react';
import { render } from 'ink';
import type { Provider } from '../../core/agents/vendors/types.js';
import type { WatchFrame } from '../../core/sessions/watch/model.js';
import type { Line } from '../../core/sessions/watch/rows.js';
import { App, lineKey, type Action } from './app.js';

/**
 * Runs the view until the user quits: in the terminal's alternate screen
 * (what `less` and `vim` use, so the shell's screen comes back untouched),
 * leaving it to attach to an agent and coming back when the user detaches.
 * The terminal is restored on quit, Ctrl-C, a signal and a crash: Ink gives
 * back the cursor and cooked mode when it unmounts; the alternate screen is
 * left from every exit path here.
 */
export interface WatchHandlers {
  load(): Promise<WatchFrame>;
  act(action: Action, line: Line, provider?: Provider): Promise<string>;
  onFrame(previous: WatchFrame | null, next: WatchFrame): void;
  /** Attaches the terminal to the line's agent; resolves when the user detaches, with a message for the view ('' for none). */
  attach(line: Line): Promise<string>;
  color: boolean;
  /** The providers `n` offers (those whose CLI is installed). */
  providers: Provider[];
  intervalMs?: number;
}

export async function runWatchView(handlers: WatchHandlers): Promise<void> {
  const out = process.stdout;
  let inAlternate = false;
  const enter = () => {
    if (!inAlternate) out.write(ansiEscapes.enterAlternativeScreen);
    inAlternate = true;
  };
  const leave = () => {
    if (inAlternate) out.write(ansiEscapes.exitAlternativeScreen + ansiEscapes.cursorShow);
    inAlternate = false;
  };
  // Restore the terminal, then die of the same signal as an unhandled one
  // would (the caller sees 128+n), so nothing here sets an exit code.
  const onSignal = (signal: NodeJS.Signals) => {
    leave();
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.kill(process.pid, signal);
  };
  process.on('exit', leave);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  let selected: string | null = null;
  let message = '';
  try {
    for (;;) {
      enter();
      const done: { outcome: { attach: Line } | { quit: true } } = { outcome: { quit: true } };
      const view = render(
        h(App, {
          load: handlers.load,
          act: handlers.act,
          onFrame: handlers.onFrame,
          onDone: (outcome) => (done.outcome = outcome),
          color: handlers.color,
          providers: handlers.providers,
          selected,
          message,
          intervalMs: handlers.intervalMs ?? 1000,
        }),
        { exitOnCtrlC: true, patchConsole: false },
      );
      await view.waitUntilExit();
      view.cleanup();
      const { outcome } = done;
      if ('quit' in outcome) return;
      selected = lineKey(outcome.attach);
      leave();
      message = await handlers.attach(outcome.attach).catch((error: Error) => `attach failed: ${error.message}`);
    }
  } finally {
    leave();
    process.off('exit', leave);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}
