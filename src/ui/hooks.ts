import type { HookFailed, HookOptions, HookProgress } from '../core/project/hooks/run.js';
import { isInteractive, log } from './log.js';
import { confirm } from './prompts.js';

/**
 * How project hooks look at the terminal: a progress line when one starts,
 * its output streamed as it comes (stderr: stdout stays data), then a line
 * with its time. Approval is asked only where a person can answer.
 */
export function showHookProgress(progress: HookProgress): void {
  if (progress.kind === 'start') log.start(`${progress.event} hook: ${progress.entry}`);
  else if (progress.kind === 'output') process.stderr.write(progress.text);
  else {
    const time = `${(progress.ms / 1000).toFixed(1)} s`;
    if (progress.code === 0) log.success(`${progress.event} hook: ${progress.entry} (${time})`);
    else log.error(`${progress.event} hook: ${progress.entry} failed with exit ${progress.code} (${time})`);
  }
}

/** HookOptions from a command's --no-hooks / --trust-hooks / --json flags. */
export function hookOptions(args: { hooks?: boolean; 'trust-hooks'?: boolean; json?: boolean }): HookOptions {
  return {
    enabled: args.hooks !== false,
    trust: Boolean(args['trust-hooks']),
    // --json never prompts (clack draws on stdout).
    ...(isInteractive() && !args.json ? { ask: (question: string) => confirm(question, false) } : {}),
    onProgress: showHookProgress,
  };
}

/** The after-words of a command that ran post-create hooks. */
export function reportHookResult(result: { hookNote?: string; hookFailure?: HookFailed }): void {
  if (result.hookNote) log.warn(result.hookNote);
  if (result.hookFailure) log.warn(`${result.hookFailure.message} ${result.hookFailure.hint ?? ''}`);
}
