import { preconditionError, usageError, type PwtError } from './errors.js';

/**
 * User errors that several commands raise, worded once so they read the same
 * wherever they come from. An error names what is wrong and, in its hint,
 * what to run next.
 */
export const messages = {
  unknownSession: (name: string, sessionsDir: string): PwtError =>
    preconditionError(`No session named "${name}" in ${sessionsDir}.`, 'See the sessions with: pwt status'),
  /** No name given, and the current folder is no session's worktree; `how` is how the command takes one ('pwt sync <name>', '--session <name>'). */
  notInSession: (command: string, how: string): PwtError =>
    usageError(`pwt ${command} needs a session name here (this folder is not a session's worktree).`, `Name one: ${how}  (pwt status lists them)`),
  worktreeGone: (name: string, path: string, branch: string): PwtError =>
    preconditionError(
      `The worktree of "${name}" is gone (${path}).`,
      `pwt cleanup drops the entry (its branch ${branch} stays); pwt open ${branch} makes a new worktree on it.`,
    ),
  worktreeBroken: (name: string, path: string, branch: string): PwtError =>
    preconditionError(
      `The worktree of "${name}" is empty or broken: ${path} has no .git.`,
      `Move out any file you need, delete the folder, then pwt cleanup drops the entry (its branch ` +
        `${branch} stays); pwt open ${branch} makes a new worktree on it.`,
    ),
  /** Another pwt registered the name between this command's check and its write; `hint` says what to do in this command. */
  sessionRegisteredMeanwhile: (name: string, hint: string): PwtError => preconditionError(`A session named "${name}" was registered meanwhile.`, hint),
  unknownProvider: (value: string, known: readonly string[]): PwtError => usageError(`Unknown provider "${value}".`, `Use one of: ${known.join(', ')}.`),
  agentNotRunning: (id: string): PwtError => preconditionError(`${id} is not running.`, `Resume it with: pwt agent resume ${id}`),
};
