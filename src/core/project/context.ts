import { currentBranch } from '../git/git.js';
import { sessionAtWorktree, type SessionRecord } from '../manifest/manifest.js';
import { readManifest } from '../manifest/store.js';
import { loadConfig } from './config.js';
import { findRepo } from '../git/repo.js';
import { warnAboutConfig } from './project.js';

/** `pwt context --json` (README "Commands"). */
export interface Context {
  kind: 'main' | 'session' | 'none';
  project?: string;
  path?: string;
  branch?: string | null;
  session?: SessionRecord & { path: string };
}

/** Where cwd is: the main worktree, a session's worktree, or neither. */
export async function describeContext(cwd = process.cwd()): Promise<Context> {
  const repo = await findRepo(cwd);
  if (!repo) return { kind: 'none' };
  const branch = await currentBranch(repo.worktreePath);
  const where = { project: repo.project, path: repo.worktreePath, branch };
  if (repo.isMain) return { kind: 'main', ...where };
  const config = loadConfig(repo);
  warnAboutConfig(config);
  const sessionsDir = config.sessionsDir;
  const manifest = await readManifest({ repo, sessionsDir });
  const session = sessionAtWorktree(repo.mainPath, manifest, repo.worktreePath);
  if (!session) return { kind: 'none', ...where };
  return { kind: 'session', ...where, session: { ...session, path: repo.worktreePath } };
}
