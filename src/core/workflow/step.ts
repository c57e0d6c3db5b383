/**
 * Steps as data. A workflow (create, open, sync, restore, remove, cleanup)
 * first gathers facts (all the reading), then a pure function turns the facts
 * into a plan: a list of operations, plain objects tagged by `op`. Building a
 * plan does no I/O, so it is tested with a table of facts and expected
 * operations. One executor (execute.ts) then runs each operation through the
 * runner registered for its `op`, so what `--dry-run` prints is exactly what
 * runs. See docs/architecture.md.
 */
export interface Operation {
  op: string;
}

/**
 * What a runner learned while running (a PR URL, the commit a merge made, the
 * files it copied): fields the operation's own type declares as optional, so
 * the compiler knows what each runner can add to the report.
 */
export type Learned<O extends Operation> = Partial<Omit<O, 'op'>>;

export interface Runner<O extends Operation, C> {
  /** One line for people: "git worktree add -b session/x ../app-sessions/x main". */
  title: (op: O) => string;
  run: (op: O, context: C) => Promise<Learned<O> | void>;
  /** Undoes run() when a later step fails (only when the plan runs with rollback). */
  undo?: (op: O, context: C) => Promise<void>;
  /** Can take a while (a push, gh, a merge, a hook): shown with a spinner where there is one. */
  slow?: boolean;
}

/** One runner per kind of operation in the union `O`; the compiler checks none is missing. */
export type Runners<O extends Operation, C> = { [K in O['op']]: Runner<Extract<O, { op: K }>, C> };

/** An operation as reported after running (or planned, in a dry run): the op with what it learned filled in. */
export type Reported<O extends Operation> = O;

/** The titles of a plan, for `--dry-run` and for tests. */
export function planTitles<O extends Operation, C>(plan: readonly O[], runners: Runners<O, C>): string[] {
  return plan.map((op) => runnerFor(runners, op).title(op));
}

export function runnerFor<O extends Operation, C>(runners: Runners<O, C>, op: O): Runner<O, C> {
  const runner = (runners as unknown as Record<string, Runner<O, C> | undefined>)[op.op];
  if (!runner) throw new Error(`No runner for the operation "${op.op}".`);
  return runner;
}
