import { existsSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { preconditionError } from './errors.js';

export type SqliteDatabase = BetterSqlite3.Database;

/**
 * Opens a vendor's SQLite store (opencode's opencode.db, codex's
 * state_5.sqlite, copilot's session-store.db) read-only. better-sqlite3 is an
 * optional dependency loaded only here, so pwt works without a compiler on
 * machines that never read those stores. The vendor keeps writing while we
 * read (WAL mode): a read-only connection sees the last committed state and
 * waits (busy timeout) instead of failing while the vendor holds a lock.
 */
export async function openReadOnly(file: string): Promise<SqliteDatabase | null> {
  if (!existsSync(file)) return null;
  let Database: typeof BetterSqlite3;
  try {
    Database = (await import('better-sqlite3')).default;
  } catch {
    throw preconditionError(
      `Reading ${file} needs the optional package better-sqlite3, which is not installed (or not built for this Node).`,
      'Install it next to pwt: npm install better-sqlite3 (in the folder pwt is installed in, e.g. npm install -g better-sqlite3 for a global pwt).',
    );
  }
  return new Database(file, { readonly: true, fileMustExist: true, timeout: 5000 });
}

/** Runs `read` on the database and always closes it (null when the file does not exist). */
export async function withDatabase<T>(file: string, read: (db: SqliteDatabase) => T): Promise<T | null> {
  const db = await openReadOnly(file);
  if (!db) return null;
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Names of a table's columns (vendor schemas grow between versions; select only what exists). */
export function columnsOf(db: SqliteDatabase, table: string): Set<string> {
  const rows = db.prepare(`PRAGMA table_info(${JSON.stringify(table)})`).all() as { name: string }[];
  return new Set(rows.map((row) => row.name));
}
