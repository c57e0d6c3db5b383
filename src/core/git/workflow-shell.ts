import type { RunOptions, RunResult } from './git.js';

/**
 * How the end-of-session workflow (remove, cleanup, restore, sync, open)
 * runs git and gh: through zx's `$`, which quotes every interpolated value
 * for the shell (an argument array becomes one quoted word per element), with
 * `nothrow` (the door judges exit codes itself) and `quiet` (nothing echoed).
 * zx costs about 90 ms to import, so only those commands load it, by calling
 * useWorkflowShell() in git.ts; the hot paths (path, status, completion, the
 * git hooks) never do and keep spawning git directly.
 */
export interface WorkflowShell {
  run(cmd: 'git' | 'gh', args: readonly string[], opts: RunOptions): Promise<RunResult>;
  /** Calls fn up to `attempts` times, waiting `delayMs` between tries, while it throws. */
  retry<T>(attempts: number, delayMs: number, fn: () => Promise<T>): Promise<T>;
}

/** Exit code a POSIX shell gives for a command it cannot find. */
const NOT_FOUND = 127;

export async function loadWorkflowShell(): Promise<WorkflowShell> {
  const { $, retry } = await import('zx');
  return {
    async run(cmd, args, opts) {
      const shell = $({
        cwd: opts.cwd,
        env: opts.env ? { ...process.env, ...opts.env } : process.env,
        nothrow: true,
        quiet: true,
        verbose: false,
        ...(opts.input !== undefined ? { input: opts.input } : {}),
      });
      const output = await shell`${cmd} ${args}`;
      const code = output.exitCode ?? (output.signal ? 128 : 1);
      return { stdout: output.stdout, stderr: output.stderr, code: code === NOT_FOUND && /not found/.test(output.stderr) ? -NOT_FOUND : code };
    },
    retry: <T>(attempts: number, delayMs: number, fn: () => Promise<T>) => retry(attempts, `${delayMs}ms`, fn) as Promise<T>,
  };
}
