import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SqliteDatabase } from '../../../../src/core/infra/sqlite.js';

/**
 * Fixture homes for adapter unit tests: a writable copy of
 * test/fixtures/agents/<vendor>/home in a temp folder, so a test can add
 * files next to the fixture's without touching the repository.
 */
export const FIXTURES = resolve(import.meta.dirname, '../../../fixtures/agents');

/** The working directory every hand-written fixture session was recorded in. */
export const FIXTURE_CWD = '/home/dev/work/acme-app';

export interface TempHome {
  home: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** A temp HOME holding a copy of the vendor's fixture home (or an empty one). */
export function tempHome(vendor?: string): TempHome {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'pwt-agent-unit-')));
  const home = join(root, 'home');
  if (vendor) cpSync(join(FIXTURES, vendor, 'home'), home, { recursive: true });
  else mkdirSync(home);
  const env: NodeJS.ProcessEnv = { HOME: home, PATH: process.env.PATH };
  return { home, env, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** The session id of opencode's hand-written fixture (its database and legacy tree both hold it). */
export const OPENCODE_FIXTURE_ID = 'ses_1f2e3d4c5b6aZyXwVuTsRqPoNm';

/** Adds an assistant reply (one text part, `output` tokens) to an opencode session, as the CLI does while it runs. */
export function addOpencodeReply(db: SqliteDatabase, sessionId: string, id: string, output: number): void {
  const created = 1_900_000_000_000;
  const data = { role: 'assistant', modelID: 'm', time: { created }, cost: 0.5, tokens: { input: 7, output, reasoning: 0, cache: { read: 0, write: 0 } } };
  db.prepare('INSERT INTO message VALUES (?, ?, ?, ?, ?)').run(id, sessionId, created, created, JSON.stringify(data));
  db.prepare('INSERT INTO part VALUES (?, ?, ?, ?, ?, ?)').run(`prt_${id}`, id, sessionId, created, created, JSON.stringify({ type: 'text', text: 'more' }));
}
