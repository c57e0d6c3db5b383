import { cancelledError } from '../core/infra/errors.js';

/**
 * Questions for people at a terminal (callers check isInteractive() first).
 * consola's full build carries the prompts (clack); it is imported only here,
 * so commands that never ask do not pay for it. Ctrl-C or Escape is exit 130.
 */
interface Option<T extends string> {
  value: T;
  label: string;
  hint?: string;
}

async function consola() {
  return (await import('consola')).consola;
}

/**
 * clack leaves its keypress listener on stdin after a prompt; pausing stdin
 * makes sure a flowing stdin cannot keep Node alive once pwt is done. The
 * next prompt resumes it.
 */
function release(): void {
  process.stdin.pause();
}

/**
 * A prompt nobody can answer any more: Ctrl-D makes clack's readline close
 * without settling the prompt, so Node would find nothing left to do and
 * exit 0 in silence. 'beforeExit' fires exactly then (the event loop is
 * empty while the question waits): the question ends as cancelled.
 */
function ask<T>(prompt: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abandoned = () => reject(cancelledError('Cancelled (input closed); nothing was changed.'));
    process.once('beforeExit', abandoned);
    prompt.then(resolve, reject).finally(() => process.off('beforeExit', abandoned));
  });
}

function cancelled(error: unknown): never {
  if (error instanceof Error && error.name === 'ConsolaPromptCancelledError') throw cancelledError('Cancelled; nothing was changed.');
  throw error;
}

export async function select<T extends string>(message: string, options: Option<T>[], initial?: T): Promise<T> {
  const c = await consola();
  try {
    const answer = await ask(c.prompt(message, { type: 'select', options, initial, cancel: 'reject' }));
    return (typeof answer === 'string' ? answer : (answer as unknown as Option<T>).value) as T;
  } catch (error) {
    return cancelled(error);
  } finally {
    release();
  }
}

export async function confirm(message: string, initial = false): Promise<boolean> {
  const c = await consola();
  try {
    return Boolean(await ask(c.prompt(message, { type: 'confirm', initial, cancel: 'reject' })));
  } catch (error) {
    return cancelled(error);
  } finally {
    release();
  }
}

/** Asks for a non-empty line of text; Enter on an empty line takes `fallback` when there is one. */
export async function text(message: string, placeholder?: string, fallback?: string): Promise<string> {
  const c = await consola();
  for (;;) {
    let answer: unknown;
    try {
      answer = await ask(c.prompt(message, { type: 'text', placeholder, ...(fallback !== undefined ? { default: fallback } : {}), cancel: 'reject' }));
    } catch (error) {
      return cancelled(error);
    } finally {
      release();
    }
    // clack answers an untouched prompt with undefined, not with the placeholder.
    const line = typeof answer === 'string' ? answer.trim() : '';
    if (line) return line;
    if (fallback !== undefined) return fallback;
  }
}
