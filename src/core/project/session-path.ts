import { existsSync, readFileSync } from 'node:fs';
import { loadConfig } from './config.js';
import { preconditionError } from '../infra/errors.js';
import { findSession, manifestPath, ManifestShapeError, sessionPath, validateManifest, type Manifest } from '../manifest/manifest.js';
import { findRepoFast } from '../git/repo-fast.js';
import { messages } from '../infra/messages.js';
import { hostPath, hostSessions } from '../hosts/host-sessions.js';

/**
 * `pwt path`, the command every `pcd` runs. Answered from files alone where it
 * can: no git process, no lock, no status scan, and none of the heavier
 * modules loaded, so a jump costs little more than starting Node.
 */

/** The worktree of a session in a read manifest, or a precondition error saying why not. */
export function requireSessionPath(mainPath: string, sessionsDir: string, manifest: Manifest | null, name: string): string {
  const session = findSession(manifest, name);
  if (!session) {
    // A session on a host: `<host>:<path>` from the record, without any network (docs/hosts.md).
    const remote = hostSessions(manifest).find((entry) => entry.id === name);
    if (remote) return hostPath(remote);
    throw messages.unknownSession(name, sessionsDir);
  }
  const path = sessionPath(mainPath, session);
  if (!existsSync(path)) throw preconditionError(`The worktree of "${name}" is gone (${path}).`, 'pwt status shows it as missing-worktree; pwt cleanup repairs it.');
  return path;
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
