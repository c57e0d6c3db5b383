import { chmodSync, constants, copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { preconditionError } from './errors.js';
import { changedPaths, currentBranch, git, gitProbe, refExists, resolveCommit } from './git.js';
import { findSession, relativeWorktree, type SessionRecord } from './manifest.js';
import { readManifest, updateManifest } from './manifest-store.js';
import { validateName } from './names.js';
import { execute, type Step } from './plan.js';
import type { Project } from './project.js';

export interface CreateOptions {
  name: string;
  goals: string[];
  base?: string;
  allowDirty?: boolean;
  copyEnv?: boolean;
  onStep?: (title: string) => void;
}

export interface CreateResult {
  session: SessionRecord;
  path: string;
  envCopied: string[];
  envKept: string[];
}

/** Env var set while pwt itself runs `git worktree add`, so the post-checkout hook does not adopt the same worktree. */
export const CREATING_ENV = 'PWT_CREATING';

export async function createSession(project: Project, opts: CreateOptions): Promise<CreateResult> {
  const { repo, config } = project;
  await validateName(opts.name, config.branchPrefix, repo.mainPath);
  if (!repo.isMain) {
    throw preconditionError(
      `You are inside a worktree (${repo.worktreePath}), not the main worktree.`,
      `Create sessions from the main worktree: cd "${repo.mainPath}" (or pcd) and run pwt create again.`,
    );
  }
  const branch = `${config.branchPrefix}${opts.name}`;
  const path = join(project.sessionsDir, opts.name);

  if (findSession(await readManifest(project), opts.name)) {
    throw preconditionError(`A session named "${opts.name}" already exists.`, `Pick another name, or go there with: pcd ${opts.name}`);
  }
  if (await refExists(repo.mainPath, `refs/heads/${branch}`)) {
    throw preconditionError(`The branch ${branch} already exists.`, `Pick another name, or delete the branch first: git branch -D ${branch}`);
  }
  if (existsSync(path)) {
    throw preconditionError(`The folder ${path} already exists.`, 'Pick another name, or move that folder away (pwt cleanup lists stray folders).');
  }
  if (!opts.allowDirty) {
    const changes = await changedPaths(repo.mainPath, { untracked: 'no' });
    if (changes.length > 0) {
      throw preconditionError(
        `The main worktree has ${changes.length} uncommitted change(s) to tracked files.`,
        'Commit or stash them first, or pass --allow-dirty (the session starts from the last commit either way).',
      );
    }
  }

  const base = opts.base ?? (await currentBranch(repo.mainPath)) ?? 'HEAD';
  const baseCommit = await resolveCommit(repo.mainPath, base);
  if (!baseCommit) {
    throw preconditionError(`The base "${base}" does not name a commit.`, 'Pass an existing branch, tag or commit with --base (an empty repository needs a first commit).');
  }

  const session: SessionRecord = {
    id: opts.name,
    branch,
    worktree: relativeWorktree(repo.mainPath, path),
    startedAt: new Date().toISOString(),
    goals: opts.goals,
    status: 'active',
    base,
    baseCommit,
  };
  const envCopied: string[] = [];
  const envKept: string[] = [];

  const steps: Step[] = [
    {
      action: { op: 'add-worktree', path, branch, base, baseCommit },
      title: `git worktree add -b ${branch} ${path} ${base}`,
      run: async () => {
        mkdirSync(project.sessionsDir, { recursive: true });
        // The commit, not the ref: a remote-tracking base would otherwise become the upstream.
        await git(repo.mainPath, ['worktree', 'add', '--quiet', '-b', branch, '--', path, baseCommit], { [CREATING_ENV]: '1' });
      },
      undo: async () => {
        await gitProbe(repo.mainPath, ['worktree', 'remove', '--force', '--force', '--', path]);
        await gitProbe(repo.mainPath, ['worktree', 'prune']);
        await gitProbe(repo.mainPath, ['branch', '-D', '--', branch]);
      },
    },
  ];
  if (opts.copyEnv !== false) {
    steps.push({
      action: { op: 'copy-env', files: config.envFiles },
      title: 'copy env files',
      run: async () => copyEnvFiles(repo.mainPath, path, config.envFiles, envCopied, envKept),
    });
  }
  steps.push({
    action: { op: 'register', id: opts.name },
    title: `register ${opts.name} in the manifest`,
    run: async () => {
      await updateManifest(project, (manifest) => {
        if (findSession(manifest, opts.name)) throw preconditionError(`A session named "${opts.name}" was registered meanwhile.`, 'Pick another name.');
        // The post-checkout hook may have adopted the worktree before we got here.
        manifest.sessions = manifest.sessions.filter((entry) => entry.worktree !== session.worktree);
        manifest.sessions.push(session);
      });
    },
  });

  await execute(steps, { rollback: true, onStep: opts.onStep });
  return { session, path, envCopied, envKept };
}

/** Copies env files that exist in the main worktree; an existing target is never overwritten. */
function copyEnvFiles(from: string, to: string, files: string[], copied: string[], kept: string[]): void {
  for (const file of files) {
    const source = join(from, file);
    if (!existsSync(source) || !statSync(source).isFile()) continue;
    const target = join(to, file);
    if (existsSync(target)) {
      kept.push(file);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(source, target, constants.COPYFILE_EXCL);
    chmodSync(target, statSync(source).mode & 0o7777);
    copied.push(file);
  }
}
