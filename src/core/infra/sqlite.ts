import { existsSync } from 'node:fs';
import { preconditionError } from './errors.js';

/**
 * The one door to SQLite: vendors' stores (opencode's opencode.db, codex's
 * state_5.sqlite, copilot's session-store.db) are read through it, and tests
 * build their databases through it. Three drivers with one small shape:
 * `bun:sqlite` when running under bun, `node:sqlite` where Node ships it
 * (22.5+), and the optional package better-sqlite3 otherwise, loaded only
 * here so pwt works without a compiler on machines that never read a store.
 */
export interface SqliteStatement {
  all(...params: unknown[]): unknown[];
  /** The first row, or undefined when there is none (all drivers). */
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): void;
}

export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  close(): void;
}

interface OpenOptions {
  readonly: boolean;
}

/** How long a reader waits for a writer's lock before failing (the vendor keeps writing while we read). */
const BUSY_TIMEOUT_MS = 5000;

// Module names in variables: the bundler leaves these imports alone, and
// TypeScript does not look for type declarations of runtimes it does not know.
const BUN_SQLITE = 'bun:sqlite';
const NODE_SQLITE = 'node:sqlite';
const BETTER_SQLITE3 = 'better-sqlite3';

type Row = Record<string, unknown>;
interface DriverStatement {
  all(...params: unknown[]): Row[];
  get(...params: unknown[]): Row | null | undefined;
  run(...params: unknown[]): unknown;
  finalize?(): unknown;
}
interface DriverDatabase {
  prepare(sql: string): DriverStatement;
  exec(sql: string): unknown;
  close(): unknown;
}

// bun closes a connection only once its statements are finalized (until then the file stays
// open and a WAL is never folded back), so close finalizes the statements it prepared first.
function wrap(db: DriverDatabase): SqliteDatabase {
  const statements: DriverStatement[] = [];
  return {
    prepare(sql) {
      const statement = db.prepare(sql);
      statements.push(statement);
      return {
        all: (...params) => statement.all(...params),
        get: (...params) => statement.get(...params) ?? undefined, // bun answers null
        run: (...params) => void statement.run(...params),
      };
    },
    exec: (sql) => void db.exec(sql),
    close: () => {
      for (const statement of statements) statement.finalize?.();
      db.close();
    },
  };
}

async function openWithBun(file: string, options: OpenOptions): Promise<SqliteDatabase> {
  const { Database } = (await import(BUN_SQLITE)) as { Database: new (file: string, options: object) => DriverDatabase };
  const db = new Database(file, options.readonly ? { readonly: true } : { create: true, readwrite: true });
  db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return wrap(db);
}

async function nodeSqlite(): Promise<(new (file: string, options: object) => DriverDatabase) | null> {
  try {
    return ((await import(NODE_SQLITE)) as { DatabaseSync: new (file: string, options: object) => DriverDatabase }).DatabaseSync;
  } catch {
    return null; // Node before 22.5
  }
}

async function openWithBetterSqlite3(file: string, options: OpenOptions): Promise<SqliteDatabase> {
  let Database: new (file: string, options: object) => DriverDatabase;
  try {
    Database = ((await import(BETTER_SQLITE3)) as { default: typeof Database }).default;
  } catch {
    throw preconditionError(
      `Reading ${file} needs the optional package better-sqlite3 (or Node 22.5+), which is not installed (or not built for this Node).`,
      'Install it next to pwt: npm install better-sqlite3 (in the folder pwt is installed in, e.g. npm install -g better-sqlite3 for a global pwt).',
    );
  }
  return wrap(new Database(file, { readonly: options.readonly, fileMustExist: options.readonly, timeout: BUSY_TIMEOUT_MS }));
}

/** Opens `file` with the best driver this runtime has; `readonly: false` creates it when missing. */
export async function openDatabase(file: string, options: OpenOptions): Promise<SqliteDatabase> {
  if (process.versions.bun) return openWithBun(file, options);
  const DatabaseSync = await nodeSqlite();
  if (DatabaseSync) {
    const db = new DatabaseSync(file, { readOnly: options.readonly });
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    return wrap(db);
  }
  return openWithBetterSqlite3(file, options);
}

/**
 * Opens a vendor's store read-only, or null when the file does not exist.
 * The vendor may be writing (WAL mode): a read-only connection sees the last
 * committed state and waits (busy timeout) instead of failing on a lock.
 */
export async function openReadOnly(file: string): Promise<SqliteDatabase | null> {
  if (!existsSync(file)) return null;
  return openDatabase(file, { readonly: true });
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
