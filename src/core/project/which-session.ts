import type { Manifest } from '../manifest/manifest.js';
import { readManifest } from '../manifest/store.js';
import type { Project } from './project.js';
import { resolveSession, type FoundSession, type SessionQuery } from './session-path.js';

export type { FoundSession, SessionQuery } from './session-path.js';

/**
 * "Which session?" for a command: reads the manifest (or takes the one the
 * caller already read) and resolves the name, or the current folder, with
 * resolveSession (session-path.ts), the one place that decides it and words
 * its errors.
 */
export async function whichSession(project: Project, query: SessionQuery, manifest?: Manifest | null): Promise<FoundSession> {
  const read = manifest === undefined ? await readManifest(project) : manifest;
  return resolveSession({ mainPath: project.repo.mainPath, sessionsDir: project.sessionsDir, worktreePath: project.repo.worktreePath }, read, query);
}
