import type { Spin } from '../core/workflow/execute.js';

/**
 * zx's spinner for the slow steps of the end-of-session workflow (a push,
 * gh pr create, a merge, a hook), only where a person watches stderr: not
 * with --json, not when stderr is a pipe or a file (the spinner's \r lines
 * would litter a log), and zx itself skips it when CI is set.
 */
export function stepSpinner(json: boolean | undefined): Spin | undefined {
  if (json || !process.stderr.isTTY) return undefined;
  return async (title, work) => {
    const { spinner } = await import('zx');
    return spinner(title, work);
  };
}
