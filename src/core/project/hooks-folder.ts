import { cpSync, existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { configValue } from '../git/operations.js';
import { notes } from '../infra/notes.js';

/**
 * A relative core.hooksPath (husky's `.husky/_`; lefthook or
 * simple-git-hooks pointed at a folder in the tree) is resolved in each
 * worktree on its own, and that folder is made by the manager's install
 * (`npm install` runs husky's `prepare`), is ignored, and so is not in a new
 * worktree. A session whose node_modules came from `copy` (or that was
 * adopted, or made with --no-hooks) would then run no hook at all: neither
 * the project's pre-commit nor pwt's pre-push. The folder only points back
 * at the worktree's own hook files, so pwt copies it from the main worktree.
 */
export interface SessionHooksFolder {
  /** core.hooksPath as configured (relative), or null when git's hooks are shared by all worktrees. */
  hooksPath: string | null;
  state: 'shared' | 'present' | 'copied' | 'missing';
}

async function relativeHooksPath(worktree: string): Promise<string | null> {
  const value = (await configValue(worktree, 'core.hooksPath')) ?? '';
  return value === '' || isAbsolute(value) || value.startsWith('~') ? null : value;
}

/** Whether the session has the hooks folder git looks for there (doctor's question; changes nothing). */
export async function inspectSessionHooks(sessionPath: string): Promise<SessionHooksFolder> {
  const hooksPath = await relativeHooksPath(sessionPath);
  if (hooksPath === null) return { hooksPath, state: 'shared' };
  return { hooksPath, state: existsSync(join(sessionPath, hooksPath)) ? 'present' : 'missing' };
}

/** The fix for a session without its hooks folder, in words. */
export const sessionHooksFix = (hooksPath: string, sessionPath: string, mainPath: string): string =>
  `Run pwt open in it (pwt copies ${hooksPath} from the main worktree), or install the hook manager ` +
  `there (npm install in ${sessionPath}); if the main worktree lacks it too, run npm install in ` +
  `${mainPath} first.`;

/** Gives a new or adopted session its hooks folder (copied from the main worktree), and says so; warns when neither has it. */
export async function ensureSessionHooks(mainPath: string, sessionPath: string): Promise<SessionHooksFolder> {
  const found = await inspectSessionHooks(sessionPath);
  if (found.state !== 'missing' || found.hooksPath === null) return found;
  const from = join(mainPath, found.hooksPath);
  if (!existsSync(from)) {
    notes.warn(
      `git runs hooks from ${found.hooksPath} in each worktree (core.hooksPath), and neither ` +
        `${sessionPath} nor the main worktree has it: no git hook runs in this session. Install the hook ` +
        `manager (npm install) in the main worktree, then run pwt open in the session.`,
    );
    return found;
  }
  cpSync(from, join(sessionPath, found.hooksPath), { recursive: true, force: false, errorOnExist: false, verbatimSymlinks: true, preserveTimestamps: true });
  notes.info(
    `Copied ${found.hooksPath} (the hooks folder git uses in each worktree, core.hooksPath) from the ` +
      `main worktree: the project's git hooks run in this session too.`,
  );
  return { ...found, state: 'copied' };
}
