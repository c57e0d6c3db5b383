import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

/**
 * The current folder can be deleted under a shell: the normal state right
 * after `pwt remove` (or `pend`) from inside the session. Node's
 * process.cwd() then throws (uv_cwd ENOENT), and every command would crash.
 * The shell still knows where it was ($PWD); from the nearest folder that
 * still exists pwt finds its way back: a sessions dir leads to its main
 * worktree (the manifest names the project, the folder beside it), anything
 * else is used as it is. Files only: this runs before `pwt path` answers.
 */
export function currentFolder(): { cwd: string; deleted: string | null } {
  try {
    return { cwd: process.cwd(), deleted: null };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const deleted = process.env.PWD && process.env.PWD.startsWith(sep) ? process.env.PWD : null;
  if (!deleted) return { cwd: sep, deleted: '(unknown)' };
  let dir = deleted;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return { cwd: mainBesideSessionsDir(dir) ?? dir, deleted };
}

/** The main worktree of a sessions dir in the default layout (`<parent>/<project>` beside `<parent>/<project>-sessions`). */
function mainBesideSessionsDir(dir: string): string | null {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, '.manifest.json'), 'utf8')) as { project?: unknown };
    if (typeof manifest.project !== 'string' || manifest.project === '' || manifest.project.includes(sep)) return null;
    const main = join(dirname(dir), manifest.project);
    return existsSync(join(main, '.git')) ? main : null;
  } catch {
    return null;
  }
}
