import { statSync } from 'node:fs';
import { realPath } from '../git/repo-fast.js';
import { basename, join, relative, resolve } from 'node:path';
import { preconditionError } from '../infra/errors.js';

/**
 * The manifest's shape (version 1; README "Files"). Fields pwt does not know are
 * kept as they are when the file is rewritten, so every type is open.
 */
export const MANIFEST_VERSION = 1;
export const MANIFEST_FILE = '.manifest.json';

/** One agent session of a session (the full shape: AgentEntry in core/agents/runtime/records.ts). */
export interface AgentRecord {
  id: string;
  provider: string;
  status?: string;
  [key: string]: unknown;
}

export interface SessionRecord {
  id: string;
  branch: string;
  /** Relative to the main worktree. */
  worktree: string;
  startedAt: string;
  goals: string[];
  status: string;
  base?: string;
  baseCommit?: string;
  agents?: AgentRecord[];
  lastPushedAt?: string;
  remote?: string;
  pr?: string;
  adoptedAt?: string;
  [key: string]: unknown;
}

export interface Manifest {
  version: number;
  project: string;
  sessions: SessionRecord[];
  [key: string]: unknown;
}

export function manifestPath(sessionsDir: string): string {
  return join(sessionsDir, MANIFEST_FILE);
}

export function emptyManifest(project: string): Manifest {
  return { version: MANIFEST_VERSION, project, sessions: [] };
}

/** Thrown for a file that parsed but is not a v1 manifest; the reader recovers from it. */
export class ManifestShapeError extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Validates parsed JSON. A newer version is a user problem (exit 3, never
 * rewritten); anything else that does not fit is a ManifestShapeError.
 */
export function validateManifest(data: unknown, file: string): Manifest {
  if (!isObject(data)) throw new ManifestShapeError('the top level is not an object');
  const { version } = data;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw new ManifestShapeError('"version" is missing or not a positive integer');
  if (version > MANIFEST_VERSION) {
    throw preconditionError(
      `${file} has version ${version}; this pwt understands version ${MANIFEST_VERSION} and will not touch it.`,
      'Upgrade pwt (npm install -g parallel-worktrees@latest) and run the command again.',
    );
  }
  if (typeof data.project !== 'string') throw new ManifestShapeError('"project" is not a string');
  if (!Array.isArray(data.sessions)) throw new ManifestShapeError('"sessions" is not an array');
  const seen = new Set<string>();
  data.sessions.forEach((session, index) => {
    const problem = sessionProblem(session, seen);
    if (problem) throw new ManifestShapeError(`sessions[${index}]${problem}`);
  });
  return data as Manifest;
}

/** What is wrong with one session entry (".goals is not ..."), or null; `seen` collects ids to find duplicates. */
export function sessionProblem(session: unknown, seen: Set<string>): string | null {
  if (!isObject(session)) return ' is not an object';
  for (const field of ['id', 'branch', 'worktree', 'startedAt', 'status'] as const) {
    if (typeof session[field] !== 'string' || session[field] === '') return `.${field} is not a non-empty string`;
  }
  if (!Array.isArray(session.goals) || session.goals.some((goal) => typeof goal !== 'string')) return '.goals is not an array of strings';
  if (seen.has(session.id as string)) return `.id "${session.id}" appears twice`;
  seen.add(session.id as string);
  return null;
}

/** A session's absolute worktree path. */
export function sessionPath(mainPath: string, session: Pick<SessionRecord, 'worktree'>): string {
  return resolve(mainPath, session.worktree);
}

/** The manifest's `worktree` value for an absolute path (relative to the main worktree). */
export function relativeWorktree(mainPath: string, absolute: string): string {
  return relative(mainPath, absolute) || '.';
}

/** When a folder was made (its mtime where the file system keeps no birth time), or null if it is gone. */
function folderBirthTime(path: string): string | null {
  try {
    const stat = statSync(path);
    return (stat.birthtimeMs > 0 ? stat.birthtime : stat.mtime).toISOString();
  } catch {
    return null;
  }
}

/**
 * The record for a worktree pwt did not create: adopted by `pwt cleanup` or
 * the post-checkout hook, or found again when a corrupt manifest is rebuilt.
 * Its name is the folder's; goals are unknown.
 */
export function adoptedSession(mainPath: string, path: string, branch: string, extra: Partial<SessionRecord> = {}): SessionRecord {
  const now = new Date().toISOString();
  return {
    id: basename(path),
    branch,
    worktree: relativeWorktree(mainPath, path),
    startedAt: folderBirthTime(path) ?? now,
    goals: [],
    status: 'active',
    ...extra,
    adoptedAt: now,
  };
}

/** The session whose worktree is `worktreePath` (a real path, e.g. Repo.worktreePath). */
export function sessionAtWorktree(mainPath: string, manifest: Manifest | null, worktreePath: string): SessionRecord | undefined {
  return manifest?.sessions.find((session) => realPath(sessionPath(mainPath, session)) === worktreePath);
}

/** How many ended sessions the manifest's `history` keeps (newest last). */
const HISTORY_LIMIT = 100;

/**
 * Keeps an ended session's record in the manifest's `history` (an optional
 * top-level field), so `pwt open` of its kept branch brings its goals and base
 * back. Only the newest record per branch stays.
 */
export function rememberEnded(manifest: Manifest, session: SessionRecord): void {
  const past = Array.isArray(manifest.history) ? (manifest.history as SessionRecord[]) : [];
  manifest.history = [...past.filter((each) => each?.branch !== session.branch), { ...session, endedAt: new Date().toISOString() }].slice(-HISTORY_LIMIT);
}

/** The newest ended session's record for a branch. */
export function endedSession(manifest: Manifest | null, branch: string): SessionRecord | undefined {
  const past = Array.isArray(manifest?.history) ? (manifest.history as SessionRecord[]) : [];
  return [...past].reverse().find((each) => each?.branch === branch);
}

export function findSession(manifest: Manifest | null, id: string): SessionRecord | undefined {
  return manifest?.sessions.find((session) => session.id === id);
}

/** The session's base as a commit and a name to show: its recorded base, else the commit it started from. */
export function baseOf(session: SessionRecord): string | undefined {
  return session.base ?? session.baseCommit;
}
