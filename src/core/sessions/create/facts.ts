import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { changedPaths, currentBranch, gitProbe, refExists, resolveCommit } from '../../git/git.js';
import { findSession } from '../../manifest/manifest.js';
import { readManifest } from '../../manifest/store.js';
import { validateName } from '../../project/names.js';
import type { Project } from '../../project/project.js';

/** What `pwt create` reads before deciding anything: every check is a read, so they run together. */
export interface CreateFacts {
  name: string;
  mainPath: string;
  /** Where the command runs when that is not the main worktree. */
  insideWorktree: string | null;
  sessionsDir: string;
  branch: string;
  path: string;
  sessionTaken: boolean;
  branchTaken: boolean;
  pathTaken: boolean;
  /** Uncommitted changes to tracked files in the main worktree (0 with --allow-dirty: not looked at). */
  changes: number;
  base: string;
  /** The commit `base` names, or null when it names none. */
  baseCommit: string | null;
  envFiles: string[];
  /** `.pwt.json` "copy" globs. */
  copy: string[];
  /** The base commit has a .gitmodules: the new worktree's submodules need initialising. */
  submodules?: boolean;
  now: Date;
}

export async function gatherCreateFacts(project: Project, opts: { name: string; base?: string; allowDirty?: boolean }): Promise<CreateFacts> {
  const { repo, config } = project;
  const branch = `${config.branchPrefix}${opts.name}`;
  const path = join(project.sessionsDir, opts.name);
  const base = opts.base ? Promise.resolve(opts.base) : currentBranch(repo.mainPath).then((name) => name ?? 'HEAD');
  // git status on a big repository dominates; everything else runs beside it.
  const [, manifest, branchTaken, changes, baseName, baseCommit] = await Promise.all([
    validateName(opts.name, config.branchPrefix, repo.mainPath),
    readManifest(project),
    refExists(repo.mainPath, `refs/heads/${branch}`),
    opts.allowDirty ? Promise.resolve([]) : changedPaths(repo.mainPath, { untracked: 'no' }),
    base,
    base.then((ref) => resolveCommit(repo.mainPath, ref)),
  ]);
  const submodules = baseCommit !== null && (await gitProbe(repo.mainPath, ['cat-file', '-e', `${baseCommit}:.gitmodules`])).code === 0;
  return {
    name: opts.name,
    mainPath: repo.mainPath,
    insideWorktree: repo.isMain ? null : repo.worktreePath,
    sessionsDir: project.sessionsDir,
    branch,
    path,
    sessionTaken: Boolean(findSession(manifest, opts.name)),
    branchTaken,
    pathTaken: existsSync(path),
    changes: changes.length,
    base: baseName,
    baseCommit,
    envFiles: config.envFiles,
    copy: config.copy,
    ...(submodules ? { submodules } : {}),
    now: new Date(),
  };
}
