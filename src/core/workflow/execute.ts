import { cancelledError } from '../infra/errors.js';
import { bindPlan, type Operation, type Reported, type Runners, type Step } from './step.js';

export { bindPlan, planTitles, type Action, type Learned, type Operation, type Reported, type Runner, type Runners, type Step } from './step.js';

/** Shows progress while `work` runs (the ui passes zx's spinner at a terminal). */
export type Spin = <T>(title: string, work: () => Promise<T>) => Promise<T>;

export interface ExecuteOptions {
  dryRun?: boolean;
  /** Undo completed steps, newest first, when a step fails or a signal arrives. */
  rollback?: boolean;
  onStep?: (title: string) => void;
  spin?: Spin;
}

/** Runs a typed plan: each operation through its runner. Returns the operations as reported. */
export async function executePlan<O extends Operation, C>(plan: readonly O[], runners: Runners<O, C>, context: C, opts: ExecuteOptions = {}): Promise<Reported<O>[]> {
  return execute(bindPlan(plan, runners, context), opts);
}

/**
 * The one executor: runs the steps in order and returns their actions, each
 * with what its step learned (in a dry run: the actions as planned, nothing run).
 */
export async function execute<A extends Operation>(steps: Step<A>[], opts: ExecuteOptions = {}): Promise<Reported<A>[]> {
  if (opts.dryRun) return steps.map((step) => step.action as Reported<A>);
  const done: Step<A>[] = [];
  const reported: Reported<A>[] = [];
  let signal: NodeJS.Signals | null = null;
  const onSignal = (received: NodeJS.Signals) => {
    signal = received;
  };
  // Ctrl-C or a polite kill waits for the running step, then rolls back.
  if (opts.rollback) for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
  try {
    for (const step of steps) {
      if (signal) throw cancelledError(`Interrupted (${signal}); undid the steps already taken.`);
      opts.onStep?.(step.title);
      const learned = await (step.slow && opts.spin ? opts.spin(step.title, step.run) : step.run());
      done.push(step);
      // Closure steps write what they learn into their own action; typed ones return it.
      reported.push(learned ? ({ ...step.action, ...learned } as Reported<A>) : (step.action as Reported<A>));
    }
    if (signal) throw cancelledError(`Interrupted (${signal}); undid the steps already taken.`);
    return reported;
  } catch (error) {
    if (opts.rollback) await undoAll(done);
    throw error;
  } finally {
    if (opts.rollback) for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(sig, onSignal);
  }
}

async function undoAll<A extends Operation>(done: Step<A>[]): Promise<void> {
  for (const step of [...done].reverse()) {
    try {
      await step.undo?.();
    } catch {
      // Keep undoing the rest; status reports whatever could not be undone.
    }
  }
}
