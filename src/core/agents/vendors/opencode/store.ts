import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { homeOf, isRecord } from '../common.js';
import { columnsOf, withDatabase, type SqliteDatabase } from '../../../infra/sqlite.js';

/**
 * opencode's two on-disk stores, read into one raw shape.
 *
 * - Since 1.2: SQLite `<data>/opencode.db` with tables `session(id, directory,
 *   parent_id, time_created, time_updated, ...)`, `message(id, session_id,
 *   time_created, data JSON)` and `part(id, message_id, data JSON)`; the JSON
 *   columns hold the same objects `opencode export` prints. `OPENCODE_DB`
 *   overrides the file (absolute, or relative to the data dir).
 * - Before 1.2: a JSON tree `<data>/storage/session/<projectID>/<ses>.json`,
 *   `storage/message/<ses>/<msg>.json`, `storage/part/<msg>/<prt>.json`.
 *   opencode copies it into the database on upgrade, so a session may be in
 *   both; the database wins.
 * `<data>` is `$XDG_DATA_HOME/opencode` (default `~/.local/share/opencode`).
 * Ids are ascending (time-prefixed), so sorting by id keeps creation order.
 */
export interface RawSession {
  id: string;
  directory: string;
  parentId: string | null;
  created: number;
  updated: number;
  title: string;
  source: string;
}

export interface RawMessage {
  id: string;
  info: Record<string, unknown>;
  parts: Record<string, unknown>[];
}

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_DATA_HOME || join(homeOf(env), '.local', 'share'), 'opencode');
}

export function databasePath(env: NodeJS.ProcessEnv = process.env): string | null {
  const override = env.OPENCODE_DB;
  if (override === ':memory:') return null;
  if (override) return isAbsolute(override) ? override : join(dataDir(env), override);
  return join(dataDir(env), 'opencode.db');
}

const SESSION_COLUMNS = 'id, directory, parent_id, title, time_created, time_updated';

function rowToSession(row: Record<string, unknown>, source: string): RawSession {
  return {
    id: String(row.id),
    directory: String(row.directory ?? ''),
    parentId: typeof row.parent_id === 'string' && row.parent_id ? row.parent_id : null,
    created: Number(row.time_created) || 0,
    updated: Number(row.time_updated) || Number(row.time_created) || 0,
    title: typeof row.title === 'string' ? row.title : '',
    source,
  };
}

function parseData(text: unknown): Record<string, unknown> {
  try {
    const value = JSON.parse(String(text));
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
}

/** Top-level sessions (no parent: subagent sessions have one) whose directory is one of `directories`. */
export async function databaseSessions(directories: string[], env?: NodeJS.ProcessEnv): Promise<RawSession[]> {
  const file = databasePath(env);
  if (!file) return [];
  const marks = directories.map(() => '?').join(', ');
  const rows = await withDatabase(file, (db) => {
    // A database opencode created but has not migrated yet has no session table.
    if (!columnsOf(db, 'session').has('directory')) return [];
    return db.prepare(`SELECT ${SESSION_COLUMNS} FROM session WHERE directory IN (${marks}) AND parent_id IS NULL`).all(...directories) as Record<
      string,
      unknown
    >[];
  });
  return (rows ?? []).map((row) => rowToSession(row, file));
}

function readMessagesFromDb(db: SqliteDatabase, sessionId: string): RawMessage[] {
  const messages = db.prepare('SELECT id, data FROM message WHERE session_id = ? ORDER BY time_created, id').all(sessionId) as { id: string; data: string }[];
  const parts = db.prepare('SELECT data FROM part WHERE message_id = ? ORDER BY id');
  return messages.map((row) => ({
    id: row.id,
    info: parseData(row.data),
    parts: (parts.all(row.id) as { data: string }[]).map((part) => parseData(part.data)),
  }));
}

/** One session with its messages from the database, or null when it is not there. */
export async function databaseSession(id: string, env?: NodeJS.ProcessEnv): Promise<{ session: RawSession; messages: RawMessage[] } | null> {
  const file = databasePath(env);
  if (!file) return null;
  const found = await withDatabase(file, (db) => {
    if (!columnsOf(db, 'session').has('directory')) return null;
    const row = db.prepare(`SELECT ${SESSION_COLUMNS} FROM session WHERE id = ?`).get(id) as Record<string, unknown> | undefined;
    return row ? { session: rowToSession(row, file), messages: readMessagesFromDb(db, id) } : null;
  });
  return found ?? null;
}

function readJsonFile(file: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8'));
    return isRecord(value) ? value : null;
  } catch {
    return null; // half-written or not JSON: skip it
  }
}

function jsonFilesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(dir, name));
}

function legacySessionFromFile(file: string): RawSession | null {
  const info = readJsonFile(file);
  if (!info || typeof info.id !== 'string') return null;
  const time = isRecord(info.time) ? info.time : {};
  return rowToSession(
    { id: info.id, directory: info.directory, parent_id: info.parentID, title: info.title, time_created: time.created, time_updated: time.updated },
    file,
  );
}

/** Every session of the legacy JSON tree (project folders hold one file per session). */
export function legacySessions(env?: NodeJS.ProcessEnv): RawSession[] {
  const root = join(dataDir(env), 'storage', 'session');
  if (!existsSync(root)) return [];
  const sessions: RawSession[] = [];
  for (const project of readdirSync(root, { withFileTypes: true })) {
    if (!project.isDirectory()) continue;
    for (const file of jsonFilesIn(join(root, project.name))) {
      const session = legacySessionFromFile(file);
      if (session) sessions.push(session);
    }
  }
  return sessions;
}

export function legacySession(id: string, env?: NodeJS.ProcessEnv): { session: RawSession; messages: RawMessage[] } | null {
  const session = legacySessions(env).find((each) => each.id === id);
  if (!session) return null;
  const storage = join(dataDir(env), 'storage');
  const messages: RawMessage[] = [];
  for (const file of jsonFilesIn(join(storage, 'message', id))) {
    const info = readJsonFile(file);
    if (!info || typeof info.id !== 'string') continue;
    const parts = jsonFilesIn(join(storage, 'part', info.id))
      .map(readJsonFile)
      .filter((part): part is Record<string, unknown> => part !== null);
    messages.push({ id: info.id, info, parts });
  }
  const created = (message: RawMessage) => Number(isRecord(message.info.time) ? message.info.time.created : 0) || 0;
  messages.sort((a, b) => created(a) - created(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { session, messages };
}

/**
 * The files a session is read from, stat only (Adapter.conversationFiles): the database and its
 * write-ahead log while the database exists (opencode keeps it in WAL mode, so every write it makes goes
 * to one of the two; they are shared by all sessions, so any session's write changes them), then the
 * session's file, message files and their part files in the legacy tree. Not `-shm`: readers write it
 * too, pwt's included.
 */
export function sessionFiles(id: string, env?: NodeJS.ProcessEnv): string[] {
  const files: string[] = [];
  const database = databasePath(env);
  if (database && existsSync(database)) files.push(database, `${database}-wal`);
  const storage = join(dataDir(env), 'storage');
  const sessions = join(storage, 'session');
  if (existsSync(sessions)) {
    for (const project of readdirSync(sessions, { withFileTypes: true })) {
      const file = join(sessions, project.name, `${id}.json`);
      if (project.isDirectory() && existsSync(file)) files.push(file);
    }
  }
  for (const message of jsonFilesIn(join(storage, 'message', id))) {
    files.push(message, ...jsonFilesIn(join(storage, 'part', basename(message, '.json'))));
  }
  return files;
}
