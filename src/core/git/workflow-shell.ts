import { createRequire } from 'node:module';
import type { RunOptions, RunResult } from '../infra/process.js';

const requireFromHere = createRequire(import.meta.url);

/**
 * How the end-of-session workflow (remove, cleanup, restore, sync, open)
 * runs git and gh: through zx's `$`, which quotes every interpolated value
 * for the shell (an argument array becomes one quoted word per element), with
 * `nothrow` (the door judges exit codes itself) and `quiet` (nothing echoed).
 * Only those commands load zx, by calling useWorkflowShell() in git.ts, and
 * only `zx/core` (the full zx only for a retry); the hot paths (path,
 * status, completion, the git hooks) never do and keep spawning git directly.
 */
export interface WorkflowShell {
  run(cmd: 'git' | 'gh', args: readonly string[], opts: RunOptions): Promise<RunResult>;
  /** Calls fn up to `attempts` times, waiting `delayMs` between tries, while it throws. */
  retry<T>(attempts: number, delayMs: number, fn: () => Promise<T>): Promise<T>;
}

/** Exit code a POSIX shell gives for a command it cannot find. */
const NOT_FOUND = 127;

export async function loadWorkflowShell(): Promise<WorkflowShell> {
  // zx/core is `$` alone, a third of the full zx (its vendored YAML, glob, fetch...); its CommonJS
  // build, required, loads in about a third of the time the ESM one takes (no CommonJS export scan).
  const { $ } = requireFromHere('zx/core') as typeof import('zx/core');
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
    // The full zx only once a retry is needed (a push failed on the way).
    retry: async <T>(attempts: number, delayMs: number, fn: () => Promise<T>) => {
      const { retry } = requireFromHere('zx') as typeof import('zx');
      return (await retry(attempts, `${delayMs}ms`, fn)) as T;
    },
  };
}
