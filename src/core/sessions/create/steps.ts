import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { copyEnvFiles, copyIgnored } from '../copy.js';
import { preconditionError } from '../../infra/errors.js';
import { messages } from '../../infra/messages.js';
import { notes } from '../../infra/notes.js';
import { withLock } from '../../infra/lock.js';
import { refExists } from '../../git/git.js';
import { updateSubmodules } from '../../git/operations.js';
import { addWorktree, discardNewBranch, discardNewWorktree } from '../../git/worktrees.js';
import { findSession } from '../../manifest/manifest.js';
import { updateManifest } from '../../manifest/store.js';
import type { Project } from '../../project/project.js';
import type { Runners } from '../../workflow/execute.js';
import type { CreateOp } from './plan.js';
import { PWT_ENV } from '../../infra/env.js';

/** Set while pwt itself runs `git worktree add` (see infra/env.ts). */
export const CREATING_ENV = PWT_ENV.creating;

/** The runners of create's operations; a failure after add-worktree undoes it (the plan runs with rollback). */
export const createRunners: Runners<CreateOp, Project> = {
  'add-worktree': {
    title: (op) => `git worktree add -b ${op.branch} ${op.path} ${op.base}`,
    run: async (op, project) => {
      const { repo } = project;
      mkdirSync(project.sessionsDir, { recursive: true });
      // Concurrent `git worktree add`s race inside git (one reads another's half-written
      // .git/worktrees/<name>/commondir and dies after creating its branch), so pwt adds one at a time.
      await withLock(join(project.sessionsDir, '.worktree-add.lock'), { what: 'git worktree add', timeoutMs: 120_000, onWait: notes.warn }, async () => {
        if (await refExists(repo.mainPath, `refs/heads/${op.branch}`)) {
          throw preconditionError(`The branch ${op.branch} was created meanwhile.`, 'Pick another name.');
        }
        // The commit, not the ref: a remote-tracking base would otherwise become the upstream.
        const added = await addWorktree(repo.mainPath, op.path, { create: op.branch, at: op.baseCommit }, { [CREATING_ENV]: '1' });
        if (added.code !== 0) {
          // git creates the branch before the worktree; take back what this failed add left.
          await removeWorktreeAndBranch(repo.mainPath, op.path, op.branch);
          const said = added.stderr.trim().split('\n').pop() ?? `exit ${added.code}`;
          throw preconditionError(`git worktree add failed: ${said}`, 'Nothing was left behind; fix what git says and run pwt create again.');
        }
      });
    },
    undo: (op, project) => removeWorktreeAndBranch(project.repo.mainPath, op.path, op.branch),
  },
  // `git worktree add` leaves submodules empty, a broken checkout for an agent. Best effort:
  // one that cannot be fetched (offline, no access) is reported and the session stays.
  'init-submodules': {
    title: () => 'git submodule update --init --recursive',
    slow: true,
    run: async (op) => {
      const result = await updateSubmodules(op.path);
      if (result.code !== 0)
        notes.warn(
          `Could not initialise the submodules of ${op.path}: ${result.stderr.trim().split('\n').pop() ?? ''} ` +
            `Run git submodule update --init --recursive there when you can.`,
        );
      return { initialised: result.code === 0 };
    },
  },
  'copy-env': {
    title: () => 'copy env files',
    run: async (op) => copyEnvFiles(op.from, op.to, op.files),
  },
  copy: {
    title: (op) => `copy ${op.globs.join(', ')} from the main worktree (copy-on-write where possible)`,
    run: async (op) => ({ ...(await copyIgnored(op.from, op.to, op.globs)) }),
  },
  register: {
    title: (op) => `register ${op.id} in the manifest`,
    run: async (op, project) => {
      await updateManifest(project, (manifest) => {
        // A post-checkout hook that ignored PWT_CREATING (an older pwt's) may have adopted this worktree: ours wins.
        manifest.sessions = manifest.sessions.filter((entry) => entry.worktree !== op.session.worktree);
        if (findSession(manifest, op.id)) throw messages.sessionRegisteredMeanwhile(op.id, 'Pick another name.');
        manifest.sessions.push(op.session);
      });
    },
  },
};

async function removeWorktreeAndBranch(mainPath: string, path: string, branch: string): Promise<void> {
  await discardNewWorktree(mainPath, path);
  await discardNewBranch(mainPath, branch);
}
