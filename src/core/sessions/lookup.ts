import { existsSync } from 'node:fs';
import { preconditionError, usageError } from '../infra/errors.js';
import { findSession, sessionAtWorktree, sessionPath, type SessionRecord } from '../manifest/manifest.js';
import { readManifest } from '../manifest/store.js';
import type { Project } from '../project/project.js';
import { messages } from '../infra/messages.js';

export interface FoundSession {
  session: SessionRecord;
  /** Absolute worktree path. */
  path: string;
}

/**
 * The session a command acts on: the one named, or (no name) the one whose
 * worktree the command runs in. Its worktree must exist.
 */
export async function sessionToActOn(project: Project, name: string | undefined, command: string): Promise<FoundSession> {
  const manifest = await readManifest(project);
  const { repo } = project;
  const session = name === undefined ? sessionAtWorktree(repo.mainPath, manifest, repo.worktreePath) : findSession(manifest, name);
  if (!session && name === undefined) {
    throw usageError(`pwt ${command} needs a session name here (this folder is not a session's worktree).`, `Run: pwt ${command} <name>  (pwt status lists them)`);
  }
  if (!session) throw messages.unknownSession(name!, project.sessionsDir);
  const path = sessionPath(repo.mainPath, session);
  if (!existsSync(path)) {
    throw preconditionError(`The worktree of ${session.id} is gone (${path}).`, `pwt cleanup drops the entry; pwt open ${session.branch} makes a new worktree on its branch.`);
  }
  return { session, path };
}

/** The session's base as a commit and a name to show: its recorded base, else the commit it started from. */
export function baseOf(session: SessionRecord): string | undefined {
  return session.base ?? session.baseCommit;
}
