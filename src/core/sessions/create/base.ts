import { currentBranch, refExists, resolveCommit } from '../../git/git.js';
import { branchesContaining, commitsOnlyOn, originDefaultBranch } from '../../git/operations.js';

/**
 * What a session's base means, stored so it does not drift: `--base HEAD~1`
 * or a detached main worktree would otherwise be saved as "HEAD~1" or
 * "HEAD" and mean another commit tomorrow. The base is a branch name when
 * one fits (a remote-tracking `origin/main` means the local `main` when
 * there is one), and `baseCommit` is the commit the session started from.
 */
export interface ResolvedBase {
  /** Branch name (or, when no branch holds the commit, the commit id). */
  base: string;
  baseCommit: string | null;
}

/** Branches whose history holds `commit`, preferring `preferred` and the usual default names. */
async function branchHolding(cwd: string, commit: string, preferred: string | null): Promise<string | null> {
  const branches = await branchesContaining(cwd, commit);
  const remoteHead = await originDefaultBranch(cwd);
  for (const name of [preferred, remoteHead, 'main', 'master', 'trunk', 'develop']) if (name && branches.includes(name)) return name;
  return branches.length === 1 ? (branches[0] as string) : null;
}

export async function resolveBase(mainPath: string, given: string | undefined): Promise<ResolvedBase> {
  const mainBranch = await currentBranch(mainPath);
  if (given === undefined) {
    if (mainBranch) return { base: mainBranch, baseCommit: await resolveCommit(mainPath, `refs/heads/${mainBranch}`) };
    // A detached main worktree: the commit it is at, and the branch that holds it.
    const commit = await resolveCommit(mainPath, 'HEAD');
    return { base: (commit && (await branchHolding(mainPath, commit, null))) ?? commit ?? 'HEAD', baseCommit: commit };
  }
  const short = given.replace(/^refs\/heads\//, '');
  if (await refExists(mainPath, `refs/heads/${short}`)) return { base: short, baseCommit: await resolveCommit(mainPath, `refs/heads/${short}`) };
  const commit = await resolveCommit(mainPath, given);
  if (!commit) return { base: given, baseCommit: null };
  const remoteRef = given.replace(/^refs\/remotes\//, '');
  if (await refExists(mainPath, `refs/remotes/${remoteRef}`)) {
    const local = remoteRef.slice(remoteRef.indexOf('/') + 1);
    return { base: (await refExists(mainPath, `refs/heads/${local}`)) ? local : remoteRef, baseCommit: commit };
  }
  // HEAD~1, a tag, a commit id: the branch it came from (the main worktree's when it holds it).
  return { base: (await branchHolding(mainPath, commit, mainBranch)) ?? commit, baseCommit: commit };
}

/** For a branch that exists already: how many commits it has that no other branch or remote holds. */
export async function ownCommits(mainPath: string, branch: string): Promise<number> {
  return commitsOnlyOn(mainPath, branch);
}
