import { mkdirSync } from 'node:fs';
import { messages } from '../../infra/messages.js';
import { GitError } from '../../git/git.js';
import { addWorktree, discardNewBranch, discardNewWorktree } from '../../git/worktrees.js';
import { findSession } from '../../manifest/manifest.js';
import { updateManifest } from '../../manifest/store.js';
import type { Project } from '../../project/project.js';
import type { Runners } from '../../workflow/execute.js';
import { createRunners, CREATING_ENV } from '../create/steps.js';
import type { OpenOp } from './plan.js';

/** The runners of open's operations; a failure after add-worktree undoes it (the plan runs with rollback). */
export const openRunners: Runners<OpenOp, Project> = {
  'add-worktree': {
    title: (op) => (op.tracking ? `git worktree add ${op.path} on a new ${op.branch} tracking ${op.tracking}` : `git worktree add ${op.path} ${op.branch}`),
    run: async (op, project) => {
      mkdirSync(project.sessionsDir, { recursive: true });
      const added = await addWorktree(project.repo.mainPath, op.path, op.tracking ? { create: op.branch, tracking: op.tracking } : { existing: op.branch }, {
        [CREATING_ENV]: '1',
      });
      if (added.code !== 0) throw new GitError(added.args, added);
    },
    undo: async (op, project) => {
      const mainPath = project.repo.mainPath;
      await discardNewWorktree(mainPath, op.path);
      // Only a branch this step made goes again; an existing one stays whatever happens.
      if (op.tracking) await discardNewBranch(mainPath, op.branch);
    },
  },
  'copy-env': createRunners['copy-env'],
  copy: createRunners.copy,
  register: {
    title: (op) => `register ${op.id} in the manifest`,
    run: async (op, project) => {
      await updateManifest(project, (manifest) => {
        const other = findSession(manifest, op.id);
        if (other && other.branch !== op.session.branch) throw messages.sessionRegisteredMeanwhile(op.id, 'Pick another name with --name.');
        // Entries for this branch whose worktree was gone, and one the post-checkout hook may have adopted, give way to this one.
        manifest.sessions = manifest.sessions.filter(
          (entry) => entry.id !== op.id && entry.worktree !== op.session.worktree && entry.branch !== op.session.branch,
        );
        manifest.sessions.push(op.session);
      });
    },
  },
};
