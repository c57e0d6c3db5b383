import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { changedPaths, refExists } from '../../git/git.js';
import { commitHasPath } from '../../git/operations.js';
import { ownCommits, resolveBase } from './base.js';
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
  /** The branch and worktree exist but the manifest lacks them: an earlier create was killed midway. */
  interrupted?: boolean;
  /** Commits only the existing branch holds (no other branch or remote): deleting it would lose them. */
  branchOwnCommits?: number;
  /** The base commit has a .gitmodules: the new worktree's submodules need initialising. */
  submodules?: boolean;
  now: Date;
}

export async function gatherCreateFacts(project: Project, opts: { name: string; base?: string; allowDirty?: boolean }): Promise<CreateFacts> {
  const { repo, config } = project;
  const branch = `${config.branchPrefix}${opts.name}`;
  const path = join(project.sessionsDir, opts.name);
  const base = resolveBase(repo.mainPath, opts.base);
  // git status on a big repository dominates; everything else runs beside it.
  const [, manifest, branchTaken, changes, baseName, baseCommit] = await Promise.all([
    validateName(opts.name, config.branchPrefix, repo.mainPath),
    readManifest(project),
    refExists(repo.mainPath, `refs/heads/${branch}`),
    opts.allowDirty ? Promise.resolve([]) : changedPaths(repo.mainPath, { untracked: 'no' }),
    base.then((resolved) => resolved.base),
    base.then((resolved) => resolved.baseCommit),
  ]);
  const pathTaken = existsSync(path);
  // A worktree and branch of that name that the manifest lacks: a create killed before it registered.
  const interrupted = branchTaken && pathTaken && existsSync(join(path, '.git')) && !findSession(manifest, opts.name);
  const branchOwnCommits = branchTaken && !interrupted ? await ownCommits(repo.mainPath, branch) : 0;
  const submodules = baseCommit !== null && (await commitHasPath(repo.mainPath, baseCommit, '.gitmodules'));
  return {
    name: opts.name,
    mainPath: repo.mainPath,
    insideWorktree: repo.isMain ? null : repo.worktreePath,
    sessionsDir: project.sessionsDir,
    branch,
    path,
    sessionTaken: Boolean(findSession(manifest, opts.name)),
    branchTaken,
    ...(interrupted ? { interrupted } : {}),
    ...(branchOwnCommits ? { branchOwnCommits } : {}),
    pathTaken,
    changes: changes.length,
    base: baseName,
    baseCommit,
    envFiles: config.envFiles,
    copy: config.copy,
    ...(submodules ? { submodules } : {}),
    now: new Date(),
  };
}
