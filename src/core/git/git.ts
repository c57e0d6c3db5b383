import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DoorError, type DoorKind } from '../infra/errors.js';
import { notInstalled, runProcess, traceSpawn, type RunOptions, type RunResult } from '../infra/process.js';
import type { WorkflowShell } from './workflow-shell.js';
import { PWT_ENV } from '../infra/env.js';

/**
 * The one door to git (and, through run(), to gh). Commands are spawned
 * without a shell with an argument array (infra/process.ts), so no value is
 * ever parsed by a shell and nothing needs quoting. The steps of open, sync
 * and the end-of-session workflow (remove, cleanup, restore) run through zx's
 * `$` instead (workflow-shell.ts, which quotes each argument for the shell):
 * those commands call useWorkflowShell() before their steps. zx costs time to
 * load, so status, path, completion and the hooks never load it.
 */
export type { RunOptions, RunResult } from '../infra/process.js';

let workflowShell: WorkflowShell | null = null;
let loading: Promise<WorkflowShell> | null = null;

/** Starts loading zx in the background, so it is ready when the steps start (PWT_ZX=0: never). */
export function preloadWorkflowShell(): void {
  if (process.env[PWT_ENV.zx] === '0') return;
  if (loading) return;
  loading = import('./workflow-shell.js').then((module) => module.loadWorkflowShell());
  // A workflow that refuses before its steps never awaits it: a failed load must not crash the process then.
  loading.catch(() => {});
}

/**
 * From now on this process's git and gh calls run through zx. Workflows call
 * it after reading their facts, right before their steps, so only the steps
 * pay zx's shell per call.
 */
export async function useWorkflowShell(): Promise<void> {
  preloadWorkflowShell();
  if (loading) workflowShell = await loading;
}

export async function run(cmd: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  if (workflowShell && (cmd === 'git' || cmd === 'gh')) {
    traceSpawn(cmd, args, opts.cwd, 'zx');
    const result = await workflowShell.run(cmd, args, opts);
    if (result.code === -127) throw notInstalled(cmd);
    return result;
  }
  return runProcess(cmd, args, opts);
}

/** Why git failed, from what it said and the folder it ran in (infra/door-errors.ts words each kind). */
export function gitFailureKind(stderr: string, cwd: string | undefined): DoorKind {
  if (/dubious ownership/i.test(stderr)) return 'repository-unsafe';
  if (/Unable to create '[^']*\.lock': File exists|cannot lock ref .*: .*\.lock' exists/i.test(stderr)) return 'repository-busy';
  if (/not a git repository/i.test(stderr)) {
    if (cwd === undefined) return 'not-a-repository';
    if (!existsSync(cwd)) return 'folder-missing';
    // A worktree's .git file pointing nowhere, or a session folder emptied: a broken worktree, not a stray folder.
    const dotGit = join(cwd, '.git');
    if (existsSync(dotGit) ? statSync(dotGit).isFile() : readdirSync(cwd).length === 0) return 'worktree-broken';
    return 'not-a-repository';
  }
  return 'git-failed';
}

/** A git command that failed where it was expected to work: a door error with its kind (exit 3 at the top, never a stack). */
export class GitError extends DoorError {
  constructor(
    readonly args: readonly string[],
    readonly result: RunResult,
    cwd?: string,
  ) {
    const said = (result.stderr.trim() || result.stdout.trim()).split('\n').find((line) => line.trim()) ?? '';
    super(
      gitFailureKind(result.stderr, cwd),
      { program: 'git', args, ...(cwd !== undefined ? { path: cwd } : {}), said: said.replace(/^(fatal|error): /, '').replace(/\.$/, '') },
      `git ${args.join(' ')} failed (${result.code}): ${result.stderr.trim() || result.stdout.trim()}`,
    );
    this.name = 'GitError';
  }
}

/** Runs git and returns its stdout; throws GitError on a non-zero exit. */
export async function git(cwd: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const result = await run('git', args, { cwd, env });
  if (result.code !== 0) throw new GitError(args, result, cwd);
  return result.stdout;
}

/** Runs git and never throws for a non-zero exit (probes). */
export function gitProbe(cwd: string, args: readonly string[], env?: NodeJS.ProcessEnv, input?: string): Promise<RunResult> {
  return run('git', args, { cwd, env, ...(input !== undefined ? { input } : {}) });
}

export async function refExists(cwd: string, ref: string): Promise<boolean> {
  return (await gitProbe(cwd, ['show-ref', '--verify', '--quiet', ref])).code === 0;
}

/** The commit a ref names, or null when it names none. */
export async function resolveCommit(cwd: string, ref: string): Promise<string | null> {
  const result = await gitProbe(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  return result.code === 0 ? result.stdout.trim() : null;
}

/** Branch checked out at cwd, or null when HEAD is detached. */
export async function currentBranch(cwd: string): Promise<string | null> {
  const result = await gitProbe(cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  return result.code === 0 ? result.stdout.trim() : null;
}

/**
 * Porcelain v1 entries (-z): one per changed path. `untracked: 'normal'` lists
 * an untracked folder once (git's default, and fast); 'all' lists every file.
 */
export async function changedPaths(cwd: string, opts: { untracked: 'no' | 'normal' | 'all' }): Promise<string[]> {
  // --no-optional-locks: a status run in the background must not take the index lock from the user's own git.
  const out = await git(cwd, ['--no-optional-locks', 'status', '--porcelain=v1', '-z', `--untracked-files=${opts.untracked}`]);
  const entries: string[] = [];
  const parts = out.split('\0');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (!part) continue;
    entries.push(part.slice(3));
    // A rename or copy is followed by its source path in the next field.
    if (part[0] === 'R' || part[0] === 'C') i++;
  }
  return entries;
}

/** Short names of the local branches under a prefix (`session/`). */
export async function listBranches(cwd: string, prefix: string): Promise<string[]> {
  const out = await git(cwd, ['for-each-ref', '--format=%(refname:short)', `refs/heads/${prefix}`]);
  return out.split('\n').filter(Boolean);
}

/**
 * What git prints when a push failed on the way rather than being refused:
 * name resolution, a refused or dropped connection, an HTTP 5xx. Worth
 * another try; a rejected push (non-fast-forward, a hook, permissions) is not.
 */
const TRANSIENT_PUSH = new RegExp(
  [
    'Could not resolve host|Temporary failure in name resolution|Connection (timed out|refused|reset)|Operation timed out',
    'Network is unreachable|early EOF|unexpected disconnect|remote end hung up unexpectedly|RPC failed',
    'gnutls_handshake|SSL_ERROR_SYSCALL|returned error: 5\\d\\d|HTTP 5\\d\\d',
  ].join('|'),
  'i',
);

/** Tries of a push that keeps failing on the way, one second apart. */
export const PUSH_ATTEMPTS = 3;
const PUSH_RETRY_DELAY_MS = 1000;

/**
 * Pushes a local branch to the same name on `remote` and sets it as the
 * upstream. Under the workflow shell, a push that fails on the way is tried
 * again (zx's retry, PUSH_ATTEMPTS in all); any other failure throws at once.
 */
export async function pushBranch(cwd: string, remote: string, branch: string): Promise<{ attempts: number }> {
  const args = ['push', '--quiet', '--set-upstream', remote, `refs/heads/${branch}:refs/heads/${branch}`];
  let attempts = 0;
  let refused: RunResult | null = null;
  const once = async () => {
    attempts++;
    const result = await gitProbe(cwd, args);
    if (result.code === 0) return;
    if (!TRANSIENT_PUSH.test(result.stderr)) refused = result;
    else throw new GitError(args, result, cwd);
  };
  try {
    await once();
  } catch (error) {
    if (!workflowShell) throw error;
    // Failed on the way: wait, then the remaining tries through zx's retry.
    await new Promise((done) => setTimeout(done, PUSH_RETRY_DELAY_MS));
    await workflowShell.retry(PUSH_ATTEMPTS - 1, PUSH_RETRY_DELAY_MS, once);
  }
  if (refused) throw new GitError(args, refused, cwd);
  return { attempts };
}

/** Commits in `branch` but not in `base` (ahead) and the other way round (behind). */
export async function aheadBehind(cwd: string, base: string, branch: string): Promise<{ ahead: number; behind: number } | null> {
  const result = await gitProbe(cwd, ['rev-list', '--left-right', '--count', `${base}...${branch}`, '--']);
  if (result.code !== 0) return null;
  const [behind, ahead] = result.stdout.trim().split(/\s+/).map(Number);
  return { ahead: ahead ?? 0, behind: behind ?? 0 };
}

export async function gitVersion(): Promise<string | null> {
  try {
    const result = await run('git', ['--version'], { cwd: process.cwd() });
    return result.stdout.match(/(\d+\.\d+(?:\.\d+)?)/)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** One line per commit reachable from HEAD but not from `since` (newest first, at most `max`): "abc1234 subject". */
export async function commitsSince(cwd: string, since: string, max = 50): Promise<string[]> {
  const result = await gitProbe(cwd, ['log', '--oneline', '--no-decorate', `--max-count=${max}`, `${since}..HEAD`, '--']);
  return result.code === 0 ? result.stdout.split('\n').filter(Boolean) : [];
}

/** `git diff --stat` of the worktree (committed and uncommitted) against `since`. */
export async function diffStatSince(cwd: string, since: string): Promise<string> {
  const result = await gitProbe(cwd, ['diff', '--stat', since, '--']);
  return result.code === 0 ? result.stdout.trimEnd() : '';
}

/** `git status --short` lines (untracked files listed one by one). */
export async function shortStatus(cwd: string): Promise<string[]> {
  const result = await gitProbe(cwd, ['--no-optional-locks', 'status', '--short', '--untracked-files=all']);
  return result.code === 0 ? result.stdout.split('\n').filter(Boolean) : [];
}

/** `git merge-base a b`: their best common ancestor, or null when they share no history (or a name is unknown). */
export async function mergeBase(cwd: string, a: string, b: string): Promise<string | null> {
  const result = await gitProbe(cwd, ['merge-base', a, b]);
  return result.code === 0 ? result.stdout.trim() : null;
}

/** `git rev-parse --git-path`, absolute: where git keeps `name` for this worktree (core.hooksPath applied). */
export async function gitPath(cwd: string, name: string): Promise<string> {
  return (await git(cwd, ['rev-parse', '--path-format=absolute', '--git-path', name])).trim();
}

/** Whether git accepts `branch` as a branch name (`git check-ref-format --branch`). */
export async function isValidBranchName(cwd: string, branch: string): Promise<boolean> {
  return (await gitProbe(cwd, ['check-ref-format', '--branch', branch])).code === 0;
}
