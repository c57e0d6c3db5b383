import { cancelledError } from '../infra/errors.js';
import { runnerFor, type Operation, type Reported, type Runner, type Runners } from './step.js';

export { planTitles, type Learned, type Operation, type Reported, type Runner, type Runners } from './step.js';

/** Shows progress while `work` runs (the ui passes zx's spinner at a terminal). */
export type Spin = <T>(title: string, work: () => Promise<T>) => Promise<T>;

export interface ExecuteOptions {
  dryRun?: boolean;
  /** Undo completed steps, newest first, when a step fails or a signal arrives. */
  rollback?: boolean;
  onStep?: (title: string) => void;
  spin?: Spin;
}

/**
 * The one executor: runs each operation of a plan through its runner, in
 * order, and returns the operations with what each learned (in a dry run:
 * the operations as planned, nothing run).
 */
export async function executePlan<O extends Operation, C>(
  plan: readonly O[],
  runners: Runners<O, C>,
  context: C,
  opts: ExecuteOptions = {},
): Promise<Reported<O>[]> {
  if (opts.dryRun) return [...plan];
  const done: Array<[O, Runner<O, C>]> = [];
  const reported: Reported<O>[] = [];
  let signal: NodeJS.Signals | null = null;
  const onSignal = (received: NodeJS.Signals) => {
    signal = received;
  };
  // Ctrl-C or a polite kill waits for the running step, then rolls back.
  if (opts.rollback) for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
  try {
    for (const op of plan) {
      if (signal) throw cancelledError(`Interrupted (${signal}); undid the steps already taken.`);
      const runner = runnerFor(runners, op);
      const title = runner.title(op);
      opts.onStep?.(title);
      const run = () => runner.run(op, context);
      const learned = await (runner.slow && opts.spin ? opts.spin(title, run) : run());
      done.push([op, runner]);
      reported.push(learned ? { ...op, ...learned } : op);
    }
    if (signal) throw cancelledError(`Interrupted (${signal}); undid the steps already taken.`);
    return reported;
  } catch (error) {
    if (opts.rollback) await undoAll(done, context);
    throw error;
  } finally {
    if (opts.rollback) for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(sig, onSignal);
  }
}

async function undoAll<O extends Operation, C>(done: Array<[O, Runner<O, C>]>, context: C): Promise<void> {
  for (const [op, runner] of [...done].reverse()) {
    try {
      await runner.undo?.(op, context);
    } catch {
      // Keep undoing the rest; status reports whatever could not be undone.
    }
  }
}
