import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { conflictError, preconditionError } from '../infra/errors.js';
import { isAlive } from '../infra/processes.js';
import { resolveCommit } from '../git/git.js';
import { advanceBase, isAncestor, mergeTree } from './remove/merge.js';
import { commitTree, treeOf } from '../git/operations.js';
import { addWorktree, discardNewWorktree } from '../git/worktrees.js';
import { copyEnvFiles, copyIgnored } from './copy.js';

/**
 * Gates test what lands (docs/project-hooks.md). Landing a branch on a base
 * is three moves, each usable alone (`pwt remove --strategy merge`, `pwt run
 * pick` and `pwt land` share them):
 *
 * 1. `buildLanding`: the exact commit the base will move to, made without
 *    touching any worktree (`git merge-tree --write-tree`, then
 *    `git commit-tree` with pinned dates, so building it again gives the same
 *    id): a merge commit, a squash commit, or the branch tip itself when the
 *    base can fast-forward.
 * 2. `inLandingWorktree`: that commit checked out, detached, in a temporary
 *    worktree under `<sessions dir>/.pwt/land/`, with the env files and
 *    `copy` globs a session gets, for the gate (a hook, `--check`) to run in;
 *    removed afterwards whatever happened.
 * 3. `moveBase`: the base moves from the tip it was built on to exactly that
 *    commit, and only if nobody moved it meanwhile; verified after.
 */

/** What landing `tip` on `baseTip` makes. */
export type Landing =
  | { kind: 'already-merged'; how: 'ancestor' | 'same-tree' }
  | { kind: 'conflicts'; files: string[] }
  /** `commit` is the tip itself (no new commit): the base fast-forwards. */
  | { kind: 'fast-forward'; commit: string; tree: string }
  /** A new commit with parents base then tip (merge) or base only (squash). */
  | { kind: 'merge-commit' | 'squash'; commit: string; tree: string };

export interface LandingInput {
  baseTip: string;
  tip: string;
  /** One commit on the base (parent: base only) instead of a merge. */
  squash?: boolean;
  message: string;
  /** Author and committer date, git's format ("<seconds> +0000"): the same input builds the same commit. */
  date: string;
}

/** A git date for `buildLanding`: now, to the second. */
export const gitDateNow = () => `${Math.floor(Date.now() / 1000)} +0000`;

/**
 * The commit the base would move to. Trees, not only ancestry, decide
 * "already merged": a branch whose changes reached the base through a squash
 * merge (or cherry-picks) merges to exactly the base's tree.
 */
export async function buildLanding(cwd: string, input: LandingInput): Promise<Landing> {
  const { baseTip, tip } = input;
  if (await isAncestor(cwd, tip, baseTip)) return { kind: 'already-merged', how: 'ancestor' };
  const baseMoved = !(await isAncestor(cwd, baseTip, tip));
  if (!baseMoved && !input.squash) return { kind: 'fast-forward', commit: tip, tree: await treeOf(cwd, tip) };
  let tree: string;
  if (baseMoved) {
    const merged = await mergeTree(cwd, baseTip, tip);
    if ('conflicts' in merged) return { kind: 'conflicts', files: merged.conflicts };
    tree = merged.tree;
  } else tree = await treeOf(cwd, tip);
  if (tree === (await treeOf(cwd, baseTip))) return { kind: 'already-merged', how: 'same-tree' };
  const parents = input.squash ? [baseTip] : [baseTip, tip];
  return { kind: input.squash ? 'squash' : 'merge-commit', commit: await commitTree(cwd, tree, parents, input.message, input.date), tree };
}

/** Where temporary landing worktrees live. */
export const landingDir = (sessionsDir: string) => join(sessionsDir, '.pwt', 'land');

/**
 * Runs `work` in a temporary detached worktree at `commit`, then removes it
 * (also when `work` throws). Leftovers of a process that died are removed
 * first. `from`: a worktree whose env files and `copy` globs (node_modules,
 * say) the gate needs too.
 */
export async function inLandingWorktree<T>(
  where: { mainPath: string; sessionsDir: string; from: string; envFiles: string[]; copy: string[] },
  commit: string,
  work: (path: string) => Promise<T>,
): Promise<T> {
  const dir = landingDir(where.sessionsDir);
  mkdirSync(dir, { recursive: true });
  await sweepLandingWorktrees(where.mainPath, where.sessionsDir);
  const path = join(dir, `${process.pid}-${randomBytes(3).toString('hex')}`);
  const added = await addWorktree(where.mainPath, path, { detach: commit });
  if (added.code !== 0)
    throw preconditionError(
      `Could not check out ${commit.slice(0, 10)} in a temporary worktree (${path}): ${added.stderr.trim()}`,
      'Check the sessions dir is writable (pwt doctor).',
    );
  try {
    if (existsSync(where.from)) {
      copyEnvFiles(where.from, path, where.envFiles);
      if (where.copy.length) await copyIgnored(where.from, path, where.copy);
    }
    return await work(path);
  } finally {
    await discardNewWorktree(where.mainPath, path);
  }
}

/** Removes landing worktrees whose process is gone (a kill -9 midway). */
export async function sweepLandingWorktrees(mainPath: string, sessionsDir: string): Promise<void> {
  const dir = landingDir(sessionsDir);
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const pid = Number(name.split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) continue;
    await discardNewWorktree(mainPath, join(dir, name));
  }
}

export interface BaseMove {
  /** The local branch name of the base. */
  branch: string;
  /** The tip the landing was built on: the base must still be there. */
  from: string;
  /** The tested commit. */
  to: string;
  /** Where the base is checked out (its files move with it), if anywhere. */
  checkedOutAt: string | null;
  /** The reflog message. */
  reason: string;
  /** For the messages: how to try again. */
  again: string;
}

/**
 * Moves the base from `from` to exactly `to`, never to another commit: when
 * someone moved the base meanwhile it refuses (exit 4) having changed
 * nothing; afterwards it checks the base is at `to`.
 */
export async function moveBase(cwd: string, move: BaseMove): Promise<void> {
  const now = await resolveCommit(cwd, `refs/heads/${move.branch}`);
  if (now !== move.from) {
    throw conflictError(
      `${move.branch} moved while pwt worked (it is at ${now?.slice(0, 10) ?? 'nothing'}, not ` +
        `${move.from.slice(0, 10)}); the tested commit would not be what lands. Nothing was merged.`,
      move.again,
    );
  }
  await advanceBase(cwd, move.branch, move.from, move.to, move.checkedOutAt, move.reason);
  const after = await resolveCommit(cwd, `refs/heads/${move.branch}`);
  if (after !== move.to)
    throw preconditionError(`${move.branch} is at ${after?.slice(0, 10) ?? 'nothing'} after the merge, not at the tested ${move.to.slice(0, 10)}.`, move.again);
}
