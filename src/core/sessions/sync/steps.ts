import { conflictError, preconditionError } from '../../infra/errors.js';
import { abortRebase, commitTree, conflictedPaths, fastForwardTo, rebaseOnto } from '../../git/operations.js';
import { updateManifest } from '../../manifest/store.js';
import type { Project } from '../../project/project.js';
import type { Runners } from '../../workflow/execute.js';
import type { SyncOp } from './plan.js';

const listed = (paths: string[]) => `${paths.slice(0, 8).join(', ')}${paths.length > 8 ? `, and ${paths.length - 8} more` : ''}`;

/** The runners of sync's operations. Each lands whole or leaves the session as it was. */
export const syncRunners: Runners<SyncOp, Project> = {
  'fast-forward': {
    title: (op) => `fast-forward to ${op.base} (${op.to.slice(0, 10)}): the session has no commits of its own`,
    slow: true,
    run: async (op) => fastForwardTo(op.path, op.to, `pwt sync: fast-forward to ${op.base}`),
  },
  merge: {
    title: (op) => `merge ${op.base} into ${op.into} (a merge commit)`,
    slow: true,
    run: async (op) => {
      // The merge commit is made without a checkout, then the worktree moves to it in one fast-forward.
      const commit = await commitTree(op.path, op.tree, [op.tip, op.baseTip], `Merge branch '${op.base}' into ${op.into}`);
      await fastForwardTo(op.path, commit, `pwt sync: merge ${op.base}`);
      return { commit };
    },
  },
  rebase: {
    title: (op) => `rebase ${op.branch} onto ${op.onto}`,
    slow: true,
    run: async (op) => {
      const rebased = await rebaseOnto(op.path, op.baseTip, `pwt sync: rebase onto ${op.onto}`);
      if (rebased.code === 0) return;
      // The whole-branch check passed, yet replaying one commit at a time can still conflict: undo it all.
      const conflicted = await conflictedPaths(op.path);
      await abortRebase(op.path);
      if (conflicted.length > 0) {
        throw conflictError(
          `Rebasing ${op.branch} onto ${op.onto} conflicts at one of its commits in: ${listed(conflicted)}. The rebase was undone; nothing changed.`,
          `Use pwt sync --merge (the whole branch merges cleanly), or rebase by hand in ${op.path}.`,
        );
      }
      throw preconditionError(
        `git rebase failed and was undone: ${rebased.stderr.trim() || rebased.stdout.trim()}`,
        `Look at it in ${op.path}, or use pwt sync --merge.`,
      );
    },
  },
  record: {
    title: (op) => `record ${op.baseCommit.slice(0, 10)} as the base commit of ${op.id}`,
    run: async (op, project) => {
      await updateManifest(project, (manifest) => {
        const entry = manifest.sessions.find((each) => each.id === op.id);
        if (!entry) return;
        entry.baseCommit = op.baseCommit;
        entry.syncedAt = new Date().toISOString();
      });
    },
  },
};
