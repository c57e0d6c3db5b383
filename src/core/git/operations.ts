import { git, gitProbe, GitError } from './git.js';

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

/**
 * Commits a push of `tip` would carry that `base` has and `remoteBase` lacks:
 * reachable from `tip` and from `base`, not from `remoteBase` (base commits
 * never pushed). Null when `remoteBase` does not exist (nothing is fetched:
 * the remote-tracking ref is taken as it is).
 */
export async function sharedCommitsNotOn(cwd: string, tip: string, base: string, remoteBase: string): Promise<number | null> {
  const count = async (...revs: string[]) => {
    const result = await gitProbe(cwd, ['rev-list', '--count', tip, ...revs.map((rev) => `^${rev}`), '--']);
    return result.code === 0 ? Number(result.stdout.trim()) : null;
  };
  // What the push carries, less what it carries that the base does not have either (the session's own commits).
  const [carried, own] = await Promise.all([count(remoteBase), count(remoteBase, base)]);
  return carried === null || own === null ? null : carried - own;
}

/** Fetches one branch of a remote into its remote-tracking ref (forced, as a fetch does); false when the remote has no such branch or cannot be reached. */
export async function fetchBranch(cwd: string, remote: string, branch: string): Promise<boolean> {
  return (await gitProbe(cwd, ['fetch', '--quiet', '--', remote, `+refs/heads/${branch}:refs/remotes/${remote}/${branch}`])).code === 0;
}

/** `git diff <from> <to> --` as text: a patch, or with `stat` the diffstat; colored on request. */
export async function diffText(cwd: string, from: string, to: string, opts: { stat?: boolean; color?: boolean } = {}): Promise<string> {
  return git(cwd, ['diff', opts.color ? '--color=always' : '--no-color', ...(opts.stat ? ['--stat'] : []), from, to, '--']);
}

/** `git rev-parse --git-path` for several names at once, absolute, in order. */
export async function gitPaths(cwd: string, names: readonly string[]): Promise<string[]> {
  return (await git(cwd, ['rev-parse', '--path-format=absolute', ...names.flatMap((name) => ['--git-path', name])])).trim().split('\n');
}

/** The commit HEAD is at (a GitError when there is none). */
export async function headCommit(cwd: string): Promise<string> {
  return (await git(cwd, ['rev-parse', 'HEAD'])).trim();
}

/** Whether the branch checked out at cwd has an upstream. */
export async function hasUpstream(cwd: string): Promise<boolean> {
  return (await gitProbe(cwd, ['rev-parse', '--verify', '--quiet', '@{upstream}'])).code === 0;
}

/** Moves the checked-out branch (and the worktree) to `commit`, only if that is a fast-forward; `reason` goes into the reflog. */
export async function fastForwardTo(cwd: string, commit: string, reason: string): Promise<void> {
  await git(cwd, ['merge', '--ff-only', '--quiet', commit], { GIT_REFLOG_ACTION: reason });
}

/**
 * A commit of `tree` with these parents and message, made without touching
 * any worktree; returns its id. With `date` (git's format) as author and
 * committer date, the same input makes the same commit.
 */
export async function commitTree(cwd: string, tree: string, parents: readonly string[], message: string, date?: string): Promise<string> {
  const env = date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : undefined;
  return (await git(cwd, ['commit-tree', tree, ...parents.flatMap((parent) => ['-p', parent]), '-m', message], env)).trim();
}

/** Stages everything but `pathspec`'s exclusions and commits it verbatim with `date` (git's format) as both dates. */
export async function commitAll(cwd: string, pathspec: readonly string[], message: string, date: string): Promise<void> {
  await git(cwd, ['add', '--all', '--', ...pathspec]);
  await git(cwd, ['commit', '--quiet', '--cleanup=verbatim', '-m', message], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
}

/** Makes a branch at a commit (fails when it exists). */
export async function createBranch(cwd: string, branch: string, commit: string): Promise<void> {
  await git(cwd, ['branch', '--', branch, commit]);
}

/** Deletes a branch whatever it holds (-D: merged or saved was decided by the caller); nothing when it is already gone. */
export async function deleteBranchIfPresent(cwd: string, branch: string): Promise<void> {
  if ((await gitProbe(cwd, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`])).code !== 0) return;
  await git(cwd, ['branch', '--quiet', '-D', '--', branch]);
}

/**
 * Lays `commit`'s tree over the worktree's files (and removes what it
 * lacks), then points the index back at HEAD: the files of that commit as
 * uncommitted changes on the branch.
 */
export async function layTreeOver(cwd: string, commit: string): Promise<void> {
  await git(cwd, ['read-tree', '-u', '--reset', commit]);
  await git(cwd, ['reset', '--quiet', '--mixed', 'HEAD']);
}

/** `git submodule update --init --recursive`; the result is the caller's to judge. */
export function updateSubmodules(cwd: string) {
  return gitProbe(cwd, ['submodule', '--quiet', 'update', '--init', '--recursive']);
}

/** Whether `commit` holds `path`. */
export async function commitHasPath(cwd: string, commit: string, path: string): Promise<boolean> {
  return (await gitProbe(cwd, ['cat-file', '-e', `${commit}:${path}`])).code === 0;
}

/** The subjects of the commits in `from..to`, oldest first. */
export async function subjectsBetween(cwd: string, from: string, to: string): Promise<string[]> {
  return (await git(cwd, ['log', '--format=%s', '--reverse', `${from}..${to}`, '--'])).split('\n').filter(Boolean);
}

/** A remote's URL, or null when there is no such remote. */
export async function remoteUrl(cwd: string, remote: string): Promise<string | null> {
  const result = await gitProbe(cwd, ['remote', 'get-url', '--', remote]);
  return result.code === 0 ? result.stdout.trim() : null;
}

/**
 * What a repository (a nested one, say) holds that exists nowhere else: its
 * uncommitted changes (null when git status cannot read it) and the commits
 * no remote-tracking ref reaches (all of them, when there is no remote).
 */
export async function unsavedWork(cwd: string): Promise<{ changes: number | null; localCommits: number | null }> {
  const [status, local] = await Promise.all([
    gitProbe(cwd, ['--no-optional-locks', 'status', '--porcelain', '--untracked-files=normal']),
    gitProbe(cwd, ['rev-list', '--count', '--all', '--not', '--remotes']),
  ]);
  return {
    changes: status.code === 0 ? status.stdout.split('\n').filter(Boolean).length : null,
    localCommits: local.code === 0 ? Number(local.stdout.trim()) : null,
  };
}

/** The commits only `tips` reach (no branch, tag, remote-tracking ref, stash or other ref holds them); [] when git cannot tell. */
export async function commitsOnlyReachedBy(cwd: string, tips: readonly string[]): Promise<string[]> {
  const listed = await gitProbe(cwd, ['rev-list', '--stdin', '--not', '--glob=refs/*'], undefined, `${[...new Set(tips)].join('\n')}\n`);
  return listed.code === 0 ? listed.stdout.split('\n').filter(Boolean) : [];
}

/** Of `commits`, the ones no other of them reaches (`git merge-base --independent`); all of them when git cannot tell. */
export async function independentCommits(cwd: string, commits: readonly string[]): Promise<string[]> {
  if (commits.length < 2) return [...commits];
  const result = await gitProbe(cwd, ['merge-base', '--independent', ...commits]);
  return result.code === 0 ? result.stdout.split('\n').filter(Boolean) : [...commits];
}

/** The commits a worktree's own HEAD reflog names, newest first ([] when it has none). */
export async function headReflog(cwd: string): Promise<string[]> {
  const result = await gitProbe(cwd, ['reflog', 'show', '--format=%H', 'HEAD', '--']);
  return result.stdout.split('\n').filter(Boolean);
}

/** `git status --porcelain=v1 -z` of every file, untracked and ignored ones included; null when git cannot read the worktree. */
export async function fullStatusZ(cwd: string): Promise<string | null> {
  const result = await gitProbe(cwd, ['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignored=matching']);
  return result.code === 0 ? result.stdout : null;
}

/** The index's entries, `git ls-files -z --stage` ("<mode> <object> <stage>\t<path>" records). */
export async function indexEntriesZ(cwd: string): Promise<string> {
  return (await gitProbe(cwd, ['ls-files', '-z', '--stage'])).stdout;
}

/** `git rebase onto` without an editor; the result is the caller's to judge (a conflict is not thrown). */
export function rebaseOnto(cwd: string, onto: string, reason: string) {
  return gitProbe(cwd, ['rebase', '--quiet', onto], { GIT_REFLOG_ACTION: reason, GIT_EDITOR: 'true' });
}

/** Paths with unresolved conflicts in the worktree. */
export async function conflictedPaths(cwd: string): Promise<string[]> {
  return (await gitProbe(cwd, ['diff', '--name-only', '--diff-filter=U'])).stdout.split('\n').filter(Boolean);
}

/** Gives up a rebase in progress, back to where it started. */
export async function abortRebase(cwd: string): Promise<void> {
  await gitProbe(cwd, ['rebase', '--abort']);
}

/** Short names of the local branches whose history holds `commit`. */
export async function branchesContaining(cwd: string, commit: string): Promise<string[]> {
  return (await gitProbe(cwd, ['for-each-ref', '--contains', commit, '--format=%(refname:short)', 'refs/heads/'])).stdout.split('\n').filter(Boolean);
}

/** The branch origin's HEAD names (`main` for origin/HEAD -> origin/main), or null when the clone does not record one. */
export async function originDefaultBranch(cwd: string): Promise<string | null> {
  const result = await gitProbe(cwd, ['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']);
  return result.code === 0 ? result.stdout.trim().replace(/^[^/]+\//, '') || null : null;
}

/** How many commits of a local branch no other local branch and no remote-tracking branch holds. */
export async function commitsOnlyOn(cwd: string, branch: string): Promise<number> {
  // --exclude takes the name as --branches sees it, without refs/heads/ (git-rev-list(1)).
  const out = await git(cwd, ['rev-list', '--count', `refs/heads/${branch}`, '--not', `--exclude=${branch}`, '--branches', '--remotes']);
  return Number(out.trim()) || 0;
}

/** Whether `ancestor` is in the history of `descendant`. */
export async function isAncestor(cwd: string, ancestor: string, descendant: string): Promise<boolean> {
  return (await gitProbe(cwd, ['merge-base', '--is-ancestor', ancestor, descendant])).code === 0;
}

/** The tree a commit records. */
export async function treeOf(cwd: string, commit: string): Promise<string> {
  return (await git(cwd, ['rev-parse', `${commit}^{tree}`])).trim();
}

/**
 * The tree of merging `theirs` into `ours`, or the conflicting files, without
 * a checkout (`git merge-tree --write-tree`, git 2.38+: exit 1 means
 * conflicts, listed after the tree id; git-merge-tree(1), "OUTPUT"). Any
 * other failure is a GitError.
 */
export async function mergeTree(cwd: string, ours: string, theirs: string): Promise<{ tree: string } | { conflicts: string[] }> {
  const args = ['merge-tree', '--write-tree', '-z', '--name-only', '--no-messages', ours, theirs];
  const result = await gitProbe(cwd, args);
  const [tree, ...rest] = result.stdout.split('\0');
  if (result.code === 0 && tree) return { tree };
  if (result.code === 1 && tree) return { conflicts: [...new Set(rest.filter(Boolean))] };
  throw new GitError(args, result, cwd);
}

/** Moves `refs/heads/<branch>` from `from` to `to` (refused if it is no longer at `from`); `reason` goes into the reflog. */
export async function moveBranch(cwd: string, branch: string, from: string, to: string, reason: string): Promise<void> {
  await git(cwd, ['update-ref', '-m', reason, `refs/heads/${branch}`, to, from]);
}

/** Stages everything under cwd but the excluded pathspecs into the index `env` names (GIT_INDEX_FILE), then writes it as a tree. */
export async function treeOfEverything(cwd: string, pathspec: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  await git(cwd, ['add', '--all', '--', ...pathspec], env);
  return (await git(cwd, ['write-tree'], env)).trim();
}

/** The paths that differ between two trees (no rename detection). */
export async function treeDiffNames(cwd: string, from: string, to: string): Promise<string[]> {
  return (await git(cwd, ['diff-tree', '-r', '--name-only', '--no-renames', from, to])).split('\n').filter(Boolean);
}

/** Creates `ref` at `commit`; refused when the ref exists already (the empty old value). */
export async function createRef(cwd: string, ref: string, commit: string, reason: string): Promise<void> {
  await git(cwd, ['update-ref', '-m', reason, ref, commit, '']);
}

/** Deletes `ref`, only while it still names `commit`. */
export async function deleteRef(cwd: string, ref: string, commit: string, reason: string): Promise<void> {
  await git(cwd, ['update-ref', '-m', reason, '-d', ref, commit]);
}

/** `git for-each-ref` of the refs under `prefix`, one line per ref in `format`. */
export async function refsUnder(cwd: string, prefix: string, format: string): Promise<string> {
  return git(cwd, ['for-each-ref', `--format=${format}`, prefix]);
}

/** The absolute git directory of the worktree at cwd. */
export async function absoluteGitDir(cwd: string): Promise<string> {
  return (await git(cwd, ['rev-parse', '--absolute-git-dir'])).trim();
}

/** Removes `key` from a config file (run outside any repository, so the file's own core.worktree is not followed). */
export async function unsetConfigInFile(file: string, key: string): Promise<void> {
  await gitProbe('/', ['config', '--file', file, '--unset', key]);
}
