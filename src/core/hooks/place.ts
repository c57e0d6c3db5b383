import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { gitPath } from '../git/git.js';
import { configValue } from '../git/operations.js';
import { dispatcherText, type DispatcherSettings, cliPath } from './files.js';
import type { Project } from '../project/project.js';

/** Where pwt's hooks go for the worktree pwt runs in. */
export interface HookPlace {
  /** The folder git runs hooks from here: core.hooksPath when set, else <common dir>/hooks. */
  hooksDir: string;
  /** core.hooksPath as configured, or null. */
  hooksPath: string | null;
  /**
   * A relative core.hooksPath (husky's `.husky/_`) is resolved in each
   * worktree on its own (git-config(1) core.hooksPath: "relative to the
   * directory where the hooks are run"), so every worktree has its own folder.
   */
  perWorktree: boolean;
  /** <common dir>/pwt/hooks.sh, shared by all worktrees and all hooks. */
  dispatcher: string;
}

export async function locateHooks(project: Project): Promise<HookPlace> {
  const { repo } = project;
  // --git-path applies core.hooksPath for us (git's adjust_git_path).
  const hooksDir = await gitPath(repo.worktreePath, 'hooks');
  const hooksPath = (await configValue(repo.worktreePath, 'core.hooksPath')) || null;
  return {
    hooksDir,
    hooksPath,
    perWorktree: hooksPath !== null && !isAbsolute(hooksPath) && !hooksPath.startsWith('~'),
    dispatcher: join(repo.commonDir, 'pwt', 'hooks.sh'),
  };
}

/** A path with symlinks resolved as far as it exists (the hooks compare it with `pwd -P`). */
export function physicalPath(path: string): string {
  if (existsSync(path)) return realpathSync(path);
  const parent = dirname(path);
  return parent === path ? path : join(physicalPath(parent), basename(path));
}

/** What the dispatcher records: how to start this pwt, and the sessions dir as it stands now. */
export function currentSettings(project: Project): DispatcherSettings {
  return {
    node: process.execPath,
    cli: cliPath(),
    mainPath: project.repo.mainPath,
    sessionsDir: physicalPath(project.sessionsDir),
    refPrefix: `refs/heads/${project.config.branchPrefix}`,
  };
}

export const currentDispatcher = (project: Project): string => dispatcherText(currentSettings(project));
