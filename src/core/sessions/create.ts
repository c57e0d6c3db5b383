import { chmodSync, constants, copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { preconditionError } from '../infra/errors.js';
import { changedPaths, currentBranch, GitError, gitProbe, refExists, resolveCommit } from '../git/git.js';
import { findSession, relativeWorktree, type SessionRecord } from '../manifest/manifest.js';
import { readManifest, updateManifest } from '../manifest/store.js';
import { preloadLock, withLock } from '../infra/lock.js';
import { validateName } from '../project/names.js';
import { execute, type Step } from '../workflow/execute.js';
import type { Project } from '../project/project.js';

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
  preloadLock();
  const branch = `${config.branchPrefix}${opts.name}`;
  const path = join(project.sessionsDir, opts.name);
  // Every check is a read; run them together (git status on a big repo dominates), then judge in order.
  const [, manifest, branchTaken, changes, base] = await Promise.all([
    validateName(opts.name, config.branchPrefix, repo.mainPath),
    readManifest(project),
    refExists(repo.mainPath, `refs/heads/${branch}`),
    opts.allowDirty ? Promise.resolve([]) : changedPaths(repo.mainPath, { untracked: 'no' }),
    opts.base ? Promise.resolve(opts.base) : currentBranch(repo.mainPath).then((name) => name ?? 'HEAD'),
  ]);
  if (!repo.isMain) {
    throw preconditionError(
      `You are inside a worktree (${repo.worktreePath}), not the main worktree.`,
      `Create sessions from the main worktree: cd "${repo.mainPath}" (or pcd) and run pwt create again.`,
    );
  }
  if (findSession(manifest, opts.name)) {
    throw preconditionError(`A session named "${opts.name}" already exists.`, `Pick another name, or go there with: pcd ${opts.name}`);
  }
  if (branchTaken) {
    throw preconditionError(`The branch ${branch} already exists.`, `Pick another name, or delete the branch first: git branch -D ${branch}`);
  }
  if (existsSync(path)) {
    throw preconditionError(`The folder ${path} already exists.`, 'Pick another name, or move that folder away (pwt cleanup lists stray folders).');
  }
  if (changes.length > 0) {
    throw preconditionError(
      `The main worktree has ${changes.length} uncommitted change(s) to tracked files.`,
      'Commit or stash them first, or pass --allow-dirty (the session starts from the last commit either way).',
    );
  }
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
  const steps: Step[] = [
    {
      action: { op: 'add-worktree', path, branch, base, baseCommit },
      title: `git worktree add -b ${branch} ${path} ${base}`,
      run: async () => {
        mkdirSync(project.sessionsDir, { recursive: true });
        // Concurrent `git worktree add`s race inside git (one reads another's half-written
        // .git/worktrees/<name>/commondir and dies after creating its branch), so pwt adds one at a time.
        await withLock(join(repo.commonDir, 'worktrees'), join(project.sessionsDir, '.worktree-add.lock'), { what: 'git worktree add', timeoutMs: 120_000 }, async () => {
          if (await refExists(repo.mainPath, `refs/heads/${branch}`)) {
            throw preconditionError(`The branch ${branch} was created meanwhile.`, 'Pick another name.');
          }
          // The commit, not the ref: a remote-tracking base would otherwise become the upstream.
          const added = await gitProbe(repo.mainPath, ['worktree', 'add', '--quiet', '-b', branch, '--', path, baseCommit], { [CREATING_ENV]: '1' });
          if (added.code !== 0) {
            // git creates the branch before the worktree; take back what this failed add left.
            await removeWorktreeAndBranch(repo.mainPath, path, branch);
            throw new GitError(['worktree', 'add', '-b', branch, path, baseCommit], added);
          }
        });
      },
      undo: () => removeWorktreeAndBranch(repo.mainPath, path, branch),
    },
  ];
  const copyEnv = copyEnvStep(repo.mainPath, path, config.envFiles);
  if (opts.copyEnv !== false) steps.push(copyEnv);
  steps.push({
    action: { op: 'register', id: opts.name },
    title: `register ${opts.name} in the manifest`,
    run: async () => {
      await updateManifest(project, (manifest) => {
        // A post-checkout hook that ignored PWT_CREATING (an older pwt's) may have adopted this worktree: ours wins.
        manifest.sessions = manifest.sessions.filter((entry) => entry.worktree !== session.worktree);
        if (findSession(manifest, opts.name)) throw preconditionError(`A session named "${opts.name}" was registered meanwhile.`, 'Pick another name.');
        manifest.sessions.push(session);
      });
    },
  });

  await execute(steps, { rollback: true, onStep: opts.onStep });
  return { session, path, envCopied: copyEnv.action.copied, envKept: copyEnv.action.kept };
}

async function removeWorktreeAndBranch(mainPath: string, path: string, branch: string): Promise<void> {
  await gitProbe(mainPath, ['worktree', 'remove', '--force', '--force', '--', path]);
  await gitProbe(mainPath, ['worktree', 'prune']);
  await gitProbe(mainPath, ['branch', '-D', '--', branch]);
}

/** The env-copy step of create and restore; its action lists what was copied and what was kept once it ran. */
export function copyEnvStep(from: string, to: string, files: string[]): Step<{ op: 'copy-env'; files: string[]; copied: string[]; kept: string[] }> {
  const action = { op: 'copy-env' as const, files, copied: [] as string[], kept: [] as string[] };
  return {
    action,
    title: 'copy env files',
    run: async () => {
      const done = copyEnvFiles(from, to, files);
      action.copied.push(...done.copied);
      action.kept.push(...done.kept);
    },
  };
}

/** Copies env files that exist in the main worktree; an existing target is never overwritten. */
function copyEnvFiles(from: string, to: string, files: string[]): { copied: string[]; kept: string[] } {
  const copied: string[] = [];
  const kept: string[] = [];
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
  return { copied, kept };
}
