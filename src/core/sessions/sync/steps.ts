import { conflictError, preconditionError } from '../../infra/errors.js';
import { git, gitProbe } from '../../git/git.js';
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
    run: async (op) => void (await git(op.path, ['merge', '--ff-only', '--quiet', op.to], { GIT_REFLOG_ACTION: `pwt sync: fast-forward to ${op.base}` })),
  },
  merge: {
    title: (op) => `merge ${op.base} into ${op.into} (a merge commit)`,
    slow: true,
    run: async (op) => {
      // The merge commit is made without a checkout, then the worktree moves to it in one fast-forward.
      const commit = (await git(op.path, ['commit-tree', op.tree, '-p', op.tip, '-p', op.baseTip, '-m', `Merge branch '${op.base}' into ${op.into}`])).trim();
      await git(op.path, ['merge', '--ff-only', '--quiet', commit], { GIT_REFLOG_ACTION: `pwt sync: merge ${op.base}` });
      return { commit };
    },
  },
  rebase: {
    title: (op) => `rebase ${op.branch} onto ${op.onto}`,
    slow: true,
    run: async (op) => {
      const rebased = await gitProbe(op.path, ['rebase', '--quiet', op.baseTip], { GIT_REFLOG_ACTION: `pwt sync: rebase onto ${op.onto}`, GIT_EDITOR: 'true' });
      if (rebased.code === 0) return;
      // The whole-branch check passed, yet replaying one commit at a time can still conflict: undo it all.
      const conflicted = (await gitProbe(op.path, ['diff', '--name-only', '--diff-filter=U'])).stdout.split('\n').filter(Boolean);
      await gitProbe(op.path, ['rebase', '--abort']);
      if (conflicted.length > 0) {
        throw conflictError(`Rebasing ${op.branch} onto ${op.onto} conflicts at one of its commits in: ${listed(conflicted)}. The rebase was undone; nothing changed.`, `Use pwt sync --merge (the whole branch merges cleanly), or rebase by hand in ${op.path}.`);
      }
      throw preconditionError(`git rebase failed and was undone: ${rebased.stderr.trim() || rebased.stdout.trim()}`, `Look at it in ${op.path}, or use pwt sync --merge.`);
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
