import { git, gitProbe } from './git.js';

/**
 * Named git operations for the callers outside git/ (docs/architecture.md,
 * "The doors"): a call site says what it asks git, the argument array lives
 * here once. git.ts keeps the door itself and the operations it always had.
 */

/** A config value as git resolves it for this worktree, or null when it is not set. */
export async function configValue(cwd: string, key: string): Promise<string | null> {
  const result = await gitProbe(cwd, ['config', '--get', key]);
  return result.code === 0 ? result.stdout.trim() : null;
}

/** Whether `path` is in the index (committed or staged). */
export async function isTracked(cwd: string, path: string): Promise<boolean> {
  return (await gitProbe(cwd, ['ls-files', '--error-unmatch', '--', path])).code === 0;
}

/** Whether git ignores `path` (.gitignore, info/exclude, core.excludesFile). */
export async function isIgnored(cwd: string, path: string): Promise<boolean> {
  return (await gitProbe(cwd, ['check-ignore', '--quiet', '--', path])).code === 0;
}

/** Whether the repository has a remote of that name. */
export async function remoteExists(cwd: string, remote: string): Promise<boolean> {
  return (await gitProbe(cwd, ['remote', 'get-url', '--', remote])).code === 0;
}

/** Fetches one branch of a remote into its remote-tracking ref (forced, as a fetch does); false when the remote has no such branch or cannot be reached. */
export async function fetchBranch(cwd: string, remote: string, branch: string): Promise<boolean> {
  return (await gitProbe(cwd, ['fetch', '--quiet', '--', remote, `+refs/heads/${branch}:refs/remotes/${remote}/${branch}`])).code === 0;
}

/** `git diff <from> <to> --` as text: a patch, or with `stat` the diffstat; colored on request. */
export async function diffText(cwd: string, from: string, to: string, opts: { stat?: boolean; color?: boolean } = {}): Promise<string> {
  return git(cwd, ['diff', opts.color ? '--color=always' : '--no-color', ...(opts.stat ? ['--stat'] : []), from, to, '--']);
}
