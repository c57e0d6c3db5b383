/**
 * Steps as data. A workflow (create, remove, cleanup, restore...) first
 * gathers facts (all the reading), then a pure function turns the facts into
 * a plan: a list of operations, plain objects tagged by `op`. Building a plan
 * does no I/O, so it is tested with a table of facts and expected operations.
 * One executor (execute.ts) then runs each operation through the runner
 * registered for its `op`, so what `--dry-run` prints is exactly what runs.
 * See docs/architecture.md.
 */
export interface Operation {
  op: string;
}

/** What a runner learned while running (a PR URL, the files it copied): merged into the reported action. */
export type Learned = Record<string, unknown>;

export interface Runner<O extends Operation, C> {
  /** One line for people: "git worktree add -b session/x ../app-sessions/x main". */
  title: (op: O) => string;
  run: (op: O, context: C) => Promise<Learned | void>;
  /** Undoes run() when a later step fails (only when the plan runs with rollback). */
  undo?: (op: O, context: C) => Promise<void>;
  /** Can take a while (a push, gh, a merge, a hook): shown with a spinner where there is one. */
  slow?: boolean;
}

/** One runner per kind of operation in the union `O`; the compiler checks none is missing. */
export type Runners<O extends Operation, C> = { [K in O['op']]: Runner<Extract<O, { op: K }>, C> };

/** An operation as reported after running (or planned, in a dry run): the op plus what it learned. */
export type Reported<O extends Operation> = O & Learned;

/**
 * A step bound to its code: the shape the executor loops over. Typed plans are
 * bound by `bindPlan`; remove, cleanup and restore still build these directly
 * (their `action` is the data, `run` a closure) until they move to plans.
 */
export interface Step<A extends Operation = Action> {
  action: A;
  title: string;
  run: () => Promise<Learned | void>;
  undo?: () => Promise<void>;
  /** Can take a while (a push, gh, a merge, a hook): shown with a spinner where there is one. */
  slow?: boolean;
}

/** The loosely typed action of a closure step. */
export interface Action {
  op: string;
  [key: string]: unknown;
}

/** Binds each operation of a plan to its runner and the workflow's context. */
export function bindPlan<O extends Operation, C>(plan: readonly O[], runners: Runners<O, C>, context: C): Step<O>[] {
  return plan.map((op) => {
    const runner = runnerFor(runners, op);
    return {
      action: op,
      title: runner.title(op),
      run: () => runner.run(op, context),
      ...(runner.undo ? { undo: () => runner.undo!(op, context) } : {}),
      ...(runner.slow ? { slow: true } : {}),
    };
  });
}

/** The titles of a plan, for `--dry-run` and for tests. */
export function planTitles<O extends Operation, C>(plan: readonly O[], runners: Runners<O, C>): string[] {
  return plan.map((op) => runnerFor(runners, op).title(op));
}

function runnerFor<O extends Operation, C>(runners: Runners<O, C>, op: O): Runner<O, C> {
  const runner = (runners as unknown as Record<string, Runner<O, C> | undefined>)[op.op];
  if (!runner) throw new Error(`No runner for the operation "${op.op}".`);
  return runner;
}
