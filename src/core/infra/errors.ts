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
