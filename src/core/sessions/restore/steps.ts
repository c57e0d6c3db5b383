import { mkdirSync } from 'node:fs';
import { preconditionError } from '../../infra/errors.js';
import { messages } from '../../infra/messages.js';
import { createBranch, layTreeOver } from '../../git/operations.js';
import { addWorktree, discardNewBranch, discardNewWorktree } from '../../git/worktrees.js';
import { findSession } from '../../manifest/manifest.js';
import { updateManifest } from '../../manifest/store.js';
import type { Project } from '../../project/project.js';
import type { Runners } from '../../workflow/execute.js';
import { CREATING_ENV } from '../create/steps.js';
import { copyEnvFiles, copyIgnored, copyTitle } from '../copy.js';
import type { RestoreOp } from './plan.js';

/** The runners of restore's operations; the plan runs with rollback, so a failure takes back the branch and worktree. */
export const restoreRunners: Runners<RestoreOp, Project> = {
  'create-branch': {
    title: (op) => `create branch ${op.branch} at ${op.commit.slice(0, 10)}`,
    run: async (op, project) => createBranch(project.repo.mainPath, op.branch, op.commit),
    undo: async (op, project) => discardNewBranch(project.repo.mainPath, op.branch),
  },
  'add-worktree': {
    title: (op) => `git worktree add ${op.path} ${op.branch}`,
    run: async (op, project) => {
      mkdirSync(project.sessionsDir, { recursive: true });
      const added = await addWorktree(project.repo.mainPath, op.path, { existing: op.branch }, { [CREATING_ENV]: '1' });
      if (added.code !== 0)
        throw preconditionError(
          `git worktree add failed: ${added.stderr.trim().split('\n').pop() ?? `exit ${added.code}`}`,
          'Nothing was left behind; fix what git says and run pwt restore again.',
        );
    },
    undo: async (op, project) => discardNewWorktree(project.repo.mainPath, op.path),
  },
  'restore-uncommitted': {
    title: () => 'put back the uncommitted and untracked files',
    run: async (op) => {
      await layTreeOver(op.path, op.commit);
    },
  },
  'copy-env': {
    title: () => 'copy env files',
    run: async (op) => {
      const { copied, kept } = copyEnvFiles(op.from, op.to, op.files);
      return { copied, kept };
    },
  },
  copy: {
    title: (op) => copyTitle(op.globs),
    run: async (op) => {
      const { copied, kept, report } = await copyIgnored(op.from, op.to, op.globs);
      return { copied, kept, ...(report ? { report } : {}) };
    },
  },
  register: {
    title: (op) => `register ${op.id} in the manifest`,
    run: async (op, project) => {
      await updateManifest(project, (manifest) => {
        // The post-checkout hook may have adopted the worktree before we got here (or this restore registered it before it was cut).
        manifest.sessions = manifest.sessions.filter((each) => each.worktree !== op.session.worktree);
        if (findSession(manifest, op.id)) throw messages.sessionRegisteredMeanwhile(op.id, 'Run pwt status.');
        manifest.sessions.push(op.session);
      });
      // The agents' record files follow the manifest (status stopped, resumable by their vendor ids).
      if (op.session.agents?.length) (await import('../../agents/runtime/records.js')).rewriteRecordFiles(project.sessionsDir, op.session);
    },
  },
};
