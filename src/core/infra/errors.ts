/** Exit codes (README "Exit codes"). Only src/cli.ts turns them into process exits. */
export const Exit = {
  ok: 0,
  bug: 1,
  usage: 2,
  precondition: 3,
  conflict: 4,
  cancelled: 130,
} as const;

export type ExitCode = (typeof Exit)[keyof typeof Exit];

/**
 * An error the user can act on: printed as one line (plus the hint) without a
 * stack. Anything that is not a PwtError is a bug and keeps its stack.
 */
export class PwtError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly hint?: string,
    /** Set when a door refuses (a missing program, a busy lock): callers test the kind, never the wording. */
    readonly kind?: DoorKind,
  ) {
    super(message);
    this.name = 'PwtError';
  }
}

/**
 * PwtError by shape, not class: src/cli.ts is bundled separately from the
 * commands (CommonJS entry, ESM rest), so each bundle has its own class.
 */
export function isPwtError(error: unknown): error is PwtError {
  return error instanceof Error && error.name === 'PwtError' && typeof (error as PwtError).exitCode === 'number';
}

export const usageError = (message: string, hint?: string) => new PwtError(message, Exit.usage, hint);
export const preconditionError = (message: string, hint?: string) => new PwtError(message, Exit.precondition, hint);
export const conflictError = (message: string, hint?: string) => new PwtError(message, Exit.conflict, hint);
export const cancelledError = (message = 'Cancelled.') => new PwtError(message, Exit.cancelled);

/**
 * What went wrong at a door (git/, tmux/, the manifest, a lock), by kind.
 * infra/door-errors.ts words each kind once: one line and what to do, exit 3.
 */
export type DoorKind =
  | 'program-missing'
  | 'folder-missing'
  | 'not-a-repository'
  | 'worktree-broken'
  | 'repository-busy'
  | 'repository-unsafe'
  | 'git-failed'
  | 'tmux-unreachable'
  | 'tmux-failed'
  | 'lock-busy'
  | 'lock-in-the-way'
  | 'manifest-unreadable';

/** What the table needs to word a door error; each kind reads the fields it names. */
export interface DoorFacts {
  /** The program (git, tmux, gh, ssh). */
  program?: string;
  /** Its arguments. */
  args?: readonly string[];
  /** The folder it ran in, or the file or folder concerned. */
  path?: string;
  /** What the program said (its first line of stderr), or why. */
  said?: string;
  /** A lock: what it protects, its holder's pid, how long pwt waited. */
  what?: string;
  holder?: number | null;
  seconds?: number;
}

/**
 * A door's failure that is the machine's state, not pwt's bug and not a
 * refusal: not a PwtError, so code that takes PwtErrors as answers (a run
 * recording a refused agent) does not swallow it. src/cli.ts prints it
 * through infra/door-errors.ts: one line, what to do, exit 3.
 */
export class DoorError extends Error {
  constructor(
    readonly kind: DoorKind,
    readonly facts: DoorFacts,
    message: string,
  ) {
    super(message);
    this.name = 'DoorError';
  }
}
