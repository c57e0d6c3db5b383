import { preconditionError, PwtError, Exit } from '../infra/errors.js';
import { run } from '../git/git.js';

/**
 * The door to the GitHub CLI. Like git.ts it spawns `gh` without a shell,
 * with an argument array, so titles and bodies need no quoting.
 */

/** Exit 3 unless `gh` is installed and logged in; called before anything changes. */
export async function requireGh(cwd: string): Promise<void> {
  let version;
  try {
    version = await run('gh', ['--version'], { cwd });
  } catch (error) {
    if (error instanceof PwtError) {
      throw preconditionError(
        'The GitHub CLI (gh) is not installed or not on PATH; --strategy pr needs it.',
        'Install it (https://cli.github.com), run gh auth login, or end the session with --strategy keep.',
      );
    }
    throw error;
  }
  if (version.code !== 0)
    throw preconditionError(`gh --version failed: ${version.stderr.trim() || version.stdout.trim()}`, 'Check your gh installation (gh --version).');
  // `gh auth status` exits 1 when no host is logged in (cli/cli pkg/cmd/auth/status).
  const auth = await run('gh', ['auth', 'status'], { cwd });
  if (auth.code !== 0) {
    throw preconditionError(
      'gh is not logged in to GitHub; --strategy pr needs it.',
      'Run: gh auth login (then pwt remove again), or end the session with --strategy keep.',
    );
  }
}

export interface PullRequestInput {
  cwd: string;
  base: string;
  head: string;
  title: string;
  body: string;
}

const URL_PATTERN = /https?:\/\/\S+/g;

/**
 * Opens a pull request and returns its URL. gh prints the URL as the last line
 * of stdout; when a PR for the head already exists it fails with
 * `a pull request for branch "x" into branch "y" already exists:\n<url>`, and
 * that URL is as good as a new one (a second `pwt remove` after a failure).
 */
export async function createPullRequest(input: PullRequestInput): Promise<string> {
  // A run killed after `gh pr create` and before the URL reached the manifest
  // left an open PR behind: found here, it is reused, never opened twice.
  const open = await openPullRequestFor(input.cwd, input.head, input.base);
  if (open) return open;
  const args = ['pr', 'create', '--base', input.base, '--head', input.head, '--title', input.title, '--body', input.body];
  const result = await run('gh', args, { cwd: input.cwd });
  const text = `${result.stdout}\n${result.stderr}`;
  if (result.code !== 0) {
    const existing = /already exists/i.test(text) ? text.match(URL_PATTERN)?.at(-1) : undefined;
    if (existing) return existing;
    throw new PwtError(
      `gh pr create failed: ${result.stderr.trim() || result.stdout.trim() || `exit ${result.code}`}`,
      Exit.precondition,
      'The branch is pushed and the session is still there; fix the problem and run pwt remove again.',
    );
  }
  const url = result.stdout.match(URL_PATTERN)?.at(-1);
  if (!url)
    throw new PwtError(`gh pr create printed no pull request URL: ${result.stdout.trim()}`, Exit.precondition, 'Check with: gh pr list --head <branch>');
  return url;
}

/**
 * The URL of an open pull request from `head` into `base`, or undefined when
 * there is none or gh cannot say (then `gh pr create` decides, and its
 * "already exists" answer is handled above).
 */
async function openPullRequestFor(cwd: string, head: string, base: string): Promise<string | undefined> {
  const result = await run('gh', ['pr', 'list', '--head', head, '--base', base, '--state', 'open', '--json', 'url', '--jq', '.[].url'], { cwd });
  if (result.code !== 0) return undefined;
  return result.stdout.match(URL_PATTERN)?.[0];
}

/**
 * The state of a pull request gh knows by URL: OPEN, CLOSED or MERGED; null
 * when gh cannot say (missing, offline, not logged in, no such PR).
 */
export async function pullRequestState(cwd: string, url: string): Promise<'OPEN' | 'CLOSED' | 'MERGED' | null> {
  try {
    const result = await run('gh', ['pr', 'view', url, '--json', 'state', '--jq', '.state'], { cwd });
    const state = result.stdout.trim().toUpperCase();
    return result.code === 0 && (state === 'OPEN' || state === 'CLOSED' || state === 'MERGED') ? state : null;
  } catch (error) {
    if (error instanceof PwtError) return null;
    throw error;
  }
}
