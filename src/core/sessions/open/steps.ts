import { mkdirSync } from 'node:fs';
import { preconditionError } from '../../infra/errors.js';
import { git, gitProbe } from '../../git/git.js';
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
      const args = op.tracking ? ['worktree', 'add', '--quiet', '--track', '-b', op.branch, '--', op.path, op.tracking] : ['worktree', 'add', '--quiet', '--', op.path, op.branch];
      await git(project.repo.mainPath, args, { [CREATING_ENV]: '1' });
    },
    undo: async (op, project) => {
      const mainPath = project.repo.mainPath;
      await gitProbe(mainPath, ['worktree', 'remove', '--force', '--force', '--', op.path]);
      await gitProbe(mainPath, ['worktree', 'prune']);
      // Only a branch this step made goes again; an existing one stays whatever happens.
      if (op.tracking) await gitProbe(mainPath, ['branch', '-D', '--', op.branch]);
    },
  },
  'copy-env': createRunners['copy-env'],
  copy: createRunners.copy,
  register: {
    title: (op) => `register ${op.id} in the manifest`,
    run: async (op, project) => {
      await updateManifest(project, (manifest) => {
        const other = findSession(manifest, op.id);
        if (other && other.branch !== op.session.branch) throw preconditionError(`A session named "${op.id}" was registered meanwhile.`, 'Pick another name with --name.');
        // Entries for this branch whose worktree was gone, and one the post-checkout hook may have adopted, give way to this one.
        manifest.sessions = manifest.sessions.filter((entry) => entry.id !== op.id && entry.worktree !== op.session.worktree && entry.branch !== op.session.branch);
        manifest.sessions.push(op.session);
      });
    },
  },
};
