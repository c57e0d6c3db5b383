import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from './config.js';
import {
  findSession,
  manifestPath,
  ManifestShapeError,
  sessionAtWorktree,
  sessionPath,
  validateManifest,
  type Manifest,
  type SessionRecord,
} from '../manifest/manifest.js';
import { findRepoFast } from '../git/repo-fast.js';
import { messages } from '../infra/messages.js';
import { hostPath, hostSessions } from '../manifest/host-sessions.js';

/**
 * `pwt path`, the command every `pcd` runs. Answered from files alone where it
 * can: no git process, no lock, no status scan, and none of the heavier
 * modules loaded, so a jump costs little more than starting Node.
 */

/** Where sessions are: the main worktree, the sessions folder, and the worktree the command runs in (for "no name"). */
export interface SessionPlace {
  mainPath: string;
  sessionsDir: string;
  /** The worktree the current folder is in (Repo.worktreePath); only used when no name is given. */
  worktreePath?: string;
}

export interface SessionQuery {
  /** The name given; undefined: the session whose worktree holds the current folder. */
  name: string | undefined;
  /** The command, for the error when no name is given outside a session ('sync', 'agent start'). */
  command: string;
  /** How the command takes a name when not as its argument ('--session'). */
  flag?: string;
  /** 'usable' (default): the worktree must be there and hold a .git; 'any': the record is enough. */
  worktree?: 'usable' | 'any';
}

export interface FoundSession {
  session: SessionRecord;
  /** Absolute worktree path. */
  path: string;
}

/**
 * Which session? The one resolver every command uses (through whichSession in
 * which-session.ts, or here on `pwt path`'s fast route): the session named,
 * else the one whose worktree holds the current folder; unless asked for
 * 'any', its worktree must exist and be a git worktree (a folder left empty
 * would make every git call in it fail).
 */
export function resolveSession(place: SessionPlace, manifest: Manifest | null, query: SessionQuery): FoundSession {
  const { name, command } = query;
  const session =
    name !== undefined ? findSession(manifest, name) : place.worktreePath ? sessionAtWorktree(place.mainPath, manifest, place.worktreePath) : undefined;
  if (!session && name === undefined) throw messages.notInSession(command, query.flag ? `pwt ${command} ${query.flag} <name>` : `pwt ${command} <name>`);
  if (!session) throw messages.unknownSession(name as string, place.sessionsDir);
  const path = sessionPath(place.mainPath, session);
  if (query.worktree !== 'any') {
    if (!existsSync(path)) throw messages.worktreeGone(session.id, path, session.branch);
    if (!existsSync(join(path, '.git'))) throw messages.worktreeBroken(session.id, path, session.branch);
  }
  return { session, path };
}

/** The worktree of the session named in a read manifest, or a precondition error saying why not (`pwt path`). */
export function requireSessionPath(mainPath: string, sessionsDir: string, manifest: Manifest | null, name: string): string {
  // A session on a host: `<host>:<path>` from the record, without any network (docs/hosts.md).
  const remote = findSession(manifest, name) ? undefined : hostSessions(manifest).find((entry) => entry.id === name);
  if (remote) return hostPath(remote);
  return resolveSession({ mainPath, sessionsDir }, manifest, { name, command: 'path' }).path;
}

/**
 * The answer from files alone, or null when this needs the full route: an
 * unusual repository layout (git must interpret it) or a missing or corrupt
 * manifest (recovered under the lock there).
 */
export function sessionPathFromFiles(cwd: string, name: string | undefined): string | null {
  const repo = findRepoFast(cwd);
  if (repo === null || repo === 'not-a-repo') return null;
  if (name === undefined) return repo.mainPath;
  let manifest: Manifest;
  const config = loadConfig(repo);
  // A .pwt.json with something to say about it: the full route prints it.
  if (config.problems.length > 0 || config.warnings.length > 0) return null;
  const { sessionsDir } = config;
  try {
    const file = manifestPath(sessionsDir);
    manifest = validateManifest(JSON.parse(readFileSync(file, 'utf8')), file);
  } catch (error) {
    if (error instanceof ManifestShapeError || error instanceof SyntaxError || (error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return requireSessionPath(repo.mainPath, sessionsDir, manifest, name);
}
