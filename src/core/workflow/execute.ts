import { cancelledError } from '../infra/errors.js';

/**
 * Workflows are a list of small steps built from a snapshot of the repo, then
 * executed (STYLE 3). `action` is the step as data: what --dry-run and --json
 * print and what tests assert on.
 */
export interface Action {
  op: string;
  [key: string]: unknown;
}

export interface Step<A extends Action = Action> {
  action: A;
  /** One line for people: "remove worktree ../app-sessions/x". */
  title: string;
  run: () => Promise<void>;
  /** Undoes run() when a later step fails (only with rollback). */
  undo?: () => Promise<void>;
  /** Can take a while (a push, gh, a merge, a hook): shown with a spinner where there is one. */
  slow?: boolean;
}

/** Shows progress while `work` runs (the ui passes zx's spinner at a terminal). */
export type Spin = <T>(title: string, work: () => Promise<T>) => Promise<T>;

export interface ExecuteOptions {
  dryRun?: boolean;
  /** Undo completed steps, newest first, when a step fails or a signal arrives. */
  rollback?: boolean;
  onStep?: (title: string) => void;
  spin?: Spin;
}

/** Runs the steps in order and returns the actions taken (or planned). */
export async function execute<A extends Action>(steps: Step<A>[], opts: ExecuteOptions = {}): Promise<A[]> {
  if (opts.dryRun) return steps.map((step) => step.action);
  const done: Step<A>[] = [];
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
      await (step.slow && opts.spin ? opts.spin(step.title, step.run) : step.run());
      done.push(step);
    }
    if (signal) throw cancelledError(`Interrupted (${signal}); undid the steps already taken.`);
    return done.map((step) => step.action);
  } catch (error) {
    if (opts.rollback) await undoAll(done);
    throw error;
  } finally {
    if (opts.rollback) for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(sig, onSignal);
  }
}

async function undoAll<A extends Action>(done: Step<A>[]): Promise<void> {
  for (const step of [...done].reverse()) {
    try {
      await step.undo?.();
    } catch {
      // Keep undoing the rest; status reports whatever could not be undone.
    }
  }
}
