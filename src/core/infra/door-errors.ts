import { DoorError, Exit, isPwtError, PwtError, type DoorFacts, type DoorKind, type ExitCode } from './errors.js';
import { environmentProblem } from './environment.js';

/**
 * The one table of door errors: for each kind, the line pwt prints and what
 * to do (exit 3). Doors throw DoorError (git, tmux, the manifest) or, for a
 * refusal the caller may want to handle, doorRefusal's PwtError (a missing
 * program, a busy lock); src/cli.ts and the MCP server print both through
 * userProblem below. Light on purpose: the entry loads it on every call.
 */
const INSTALL: Record<string, string> = {
  git: 'Install git 2.38 or newer and run the command again.',
  tmux: 'Install it (apt-get install tmux, brew install tmux, dnf install tmux) and run the command again.',
  gh: 'Install the GitHub CLI and run `gh auth login`.',
};

const git = (facts: DoorFacts) => `git ${(facts.args ?? []).join(' ')}`.trim();

export const DOOR_ERRORS: Record<DoorKind, (facts: DoorFacts) => { message: string; hint: string }> = {
  'program-missing': ({ program = 'a program' }) => ({
    message: `${program} is not installed or not on PATH.`,
    hint: INSTALL[program] ?? `Install ${program} and try again.`,
  }),
  'folder-missing': ({ program = 'git', path }) => ({
    message: `Cannot run ${program} in ${path}: the folder is gone.`,
    hint: 'pwt status shows what is missing; pwt cleanup repairs the entries.',
  }),
  'not-a-repository': ({ path, said }) => ({
    message: `${path} is not in a git repository${said ? ` (${said})` : ''}.`,
    hint: "Run pwt inside your project's repository or one of its sessions.",
  }),
  'worktree-broken': ({ path, said }) => ({
    message: `The git worktree ${path} is empty or broken${said ? ` (${said})` : ''}.`,
    hint: 'Move out any file you need, delete the folder, then pwt cleanup drops the entry (the branch stays; pwt open <branch> makes a new worktree on it).',
  }),
  'repository-busy': ({ path, said }) => ({
    message: `Another git is working in ${path}${said ? ` (${said})` : ''}.`,
    hint: 'Wait for it to finish; if no git is running, delete the .lock file it names and run the command again.',
  }),
  'repository-unsafe': ({ path }) => ({
    message: `git refuses to work in ${path}: the folder belongs to another user (git's "dubious ownership").`,
    hint: `If you trust it: git config --global --add safe.directory ${path}`,
  }),
  'git-failed': (facts) => ({
    message: `${git(facts)} failed in ${facts.path}${facts.said ? `: ${facts.said}` : ''}.`,
    hint: `Look at the repository there (git status); run again with PWT_DEBUG=1 to see each program pwt runs.`,
  }),
  'tmux-unreachable': ({ said }) => ({
    message: `pwt's tmux server (tmux -L pwt) does not answer${said ? `: ${said}` : ''}.`,
    hint: 'Try again; if it keeps hanging, end it with: tmux -L pwt kill-server (this stops the agents in it).',
  }),
  'tmux-failed': ({ args, said }) => ({
    message: `tmux ${args?.[0] ?? ''} failed${said ? `: ${said}` : ''}.`,
    hint: "See what pwt's tmux server holds with: tmux -L pwt ls (pwt doctor checks it too).",
  }),
  'lock-busy': ({ what = 'it', path, holder, seconds }) => ({
    message: `Could not lock ${what}${seconds !== undefined ? ` within ${seconds} s` : ''}: ${path} is held by another pwt${holder ? ` (pid ${holder})` : ''}.`,
    hint: `Wait for the other pwt to finish; if none is running, delete ${path}.`,
  }),
  'lock-in-the-way': ({ path }) => ({
    message: `${path} is in the way: it should be a lock directory but is a file.`,
    hint: `If no pwt is running, delete it (rm ${path}) and run the command again.`,
  }),
  'manifest-unreadable': ({ path, said }) => ({
    message: `The manifest ${path} cannot be read${said ? `: ${said}` : ''}.`,
    hint: `Fix that (ls -l ${path}: pwt must read and write it and its folder), then run the command again.`,
  }),
};

/** A door's refusal as a PwtError (exit 3) worded by the table; its kind says what it is. */
export function doorRefusal(kind: DoorKind, facts: DoorFacts): PwtError {
  const { message, hint } = DOOR_ERRORS[kind](facts);
  return new PwtError(message, Exit.precondition, hint, kind);
}

/** A DoorError by shape (src/cli.ts is bundled apart from the commands, so each bundle has its own classes). */
export function isDoorError(error: unknown): error is DoorError {
  const kind = (error as { kind?: unknown } | null)?.kind;
  return (
    error instanceof Error &&
    typeof kind === 'string' &&
    Object.hasOwn(DOOR_ERRORS, kind) &&
    typeof (error as DoorError).facts === 'object' &&
    !isPwtError(error)
  );
}

export interface UserProblem {
  message: string;
  hint?: string;
  exitCode: ExitCode;
}

/**
 * What pwt prints for an error that is not a bug: a PwtError as it is, a door
 * error through the table, a file-system error of the machine's state
 * (infra/environment.ts); null for anything else (a bug: its stack is shown).
 */
export function userProblem(error: unknown): UserProblem | null {
  if (isPwtError(error)) return { message: error.message, ...(error.hint ? { hint: error.hint } : {}), exitCode: error.exitCode };
  if (isDoorError(error)) return { ...DOOR_ERRORS[error.kind](error.facts), exitCode: Exit.precondition };
  const environment = environmentProblem(error);
  return environment ? { message: environment, exitCode: Exit.precondition } : null;
}
