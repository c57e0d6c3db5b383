import { cpSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cursorSlug } from '../src/core/agents/vendors/cursor/adapter.js';
import { piFolderName } from '../src/core/agents/vendors/pi/adapter.js';
import { openDatabase } from '../src/core/infra/sqlite.js';
import { makeSandbox, parseJson, type Sandbox } from './helpers/sandbox.js';

/**
 * `pwt agent sessions` and `pwt agent transcript` through the built CLI, on
 * vendor files placed under the sandbox HOME for a real folder: the fixture
 * conversations of pi, opencode (SQLite) and cursor, moved to that folder.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures/agents');
const FIXTURE_CWD = '/home/dev/work/acme-app';
const PI_ID = '2d9f8e7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f';
const OPENCODE_ID = 'ses_1f2e3d4c5b6aZyXwVuTsRqPoNm';
const CURSOR_ID = '5c4b3a29-1807-4f6e-9d5c-4b3a29180706';

let sandbox: Sandbox;
let work: string;
let empty: string;

async function placeVendorFiles(home: string, cwd: string): Promise<void> {
  const piDir = join(home, '.pi/agent/sessions', piFolderName(cwd));
  mkdirSync(piDir, { recursive: true });
  const piFixture = join(FIXTURES, 'pi/home/.pi/agent/sessions', piFolderName(FIXTURE_CWD), `2026-05-01T10-15-30-123Z_${PI_ID}.jsonl`);
  writeFileSync(join(piDir, `2026-05-01T10-15-30-123Z_${PI_ID}.jsonl`), readFileSync(piFixture, 'utf8').replaceAll(FIXTURE_CWD, cwd));

  const dataDir = join(home, '.local/share/opencode');
  mkdirSync(dataDir, { recursive: true });
  const db = await openDatabase(join(dataDir, 'opencode.db'), { readonly: false });
  db.exec(readFileSync(join(FIXTURES, 'opencode/opencode.db.dump.sql'), 'utf8').replaceAll(FIXTURE_CWD, cwd));
  db.close();

  const cursorDir = join(home, '.cursor/projects', cursorSlug(cwd), 'agent-transcripts');
  cpSync(join(FIXTURES, 'cursor/home/.cursor/projects', cursorSlug(FIXTURE_CWD), 'agent-transcripts'), cursorDir, { recursive: true });
  const cursorFile = join(cursorDir, CURSOR_ID, `${CURSOR_ID}.jsonl`);
  utimesSync(cursorFile, new Date('2026-05-01T09:00:00Z'), new Date('2026-05-01T09:00:00Z'));
}

beforeAll(async () => {
  sandbox = makeSandbox();
  work = join(sandbox.root, 'acme app');
  empty = join(sandbox.root, 'empty');
  mkdirSync(work);
  mkdirSync(empty);
  await placeVendorFiles(sandbox.home, work);
}, 60_000);
afterAll(() => sandbox.cleanup(), 60_000);

describe('pwt agent sessions', () => {
  it("lists every provider's sessions for the current folder, newest first", () => {
    const result = sandbox.pwt(work, ['agent', 'sessions', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = parseJson(result.stdout);
    expect(report.cwd).toBe(work);
    expect(report.sessions.map((s: { provider: string; id: string; messages: number }) => [s.provider, s.id, s.messages])).toEqual([
      ['pi', PI_ID, 3],
      ['opencode', OPENCODE_ID, 3],
      ['cursor', CURSOR_ID, 3],
    ]);
    expect(report.sessions[0]).toMatchObject({ startedAt: '2026-05-01T10:15:30.123Z', updatedAt: '2026-05-01T10:15:50.000Z' });
  }, 60_000);

  it('filters by --provider and prints a table for people', () => {
    expect(parseJson(sandbox.pwt(work, ['agent', 'sessions', '--provider', 'opencode', '--json']).stdout).sessions).toHaveLength(1);
    const human = sandbox.pwt(work, ['agent', 'sessions']);
    expect(human.stdout).toMatch(/^PROVIDER\s+ID\s+STARTED\s+UPDATED\s+MESSAGES\npi\s+2d9f8e7c/);
  }, 60_000);

  it('says so on stderr when a folder has none (exit 0, stdout empty)', () => {
    const result = sandbox.pwt(empty, ['agent', 'sessions']);
    expect(result).toMatchObject({ code: 0, stdout: '' });
    expect(result.stderr).toContain(`No agent sessions recorded for ${empty}`);
    expect(parseJson(sandbox.pwt(empty, ['agent', 'sessions', '--json']).stdout)).toEqual({ cwd: empty, sessions: [] });
  }, 60_000);

  it('rejects an unknown provider or flag (exit 2)', () => {
    const unknown = sandbox.pwt(work, ['agent', 'sessions', '--provider', 'vim']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown provider "vim". Use one of: claude, codex');
    expect(sandbox.pwt(work, ['agent', 'sessions', '--all']).code).toBe(2);
  }, 60_000);
});

describe('pwt agent transcript', () => {
  it('prints the newest session of a provider as normalized JSON', () => {
    const result = sandbox.pwt(work, ['agent', 'transcript', 'opencode', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const transcript = parseJson(result.stdout);
    expect(transcript).toMatchObject({ provider: 'opencode', id: OPENCODE_ID });
    expect(transcript.messages[0]).toEqual({ role: 'user', text: 'Add a --verbose flag to the CLI in src/cli.ts', tools: [], at: '2026-05-01T10:15:31.000Z' });
    expect(transcript.messages[1].tools[0]).toMatchObject({ name: 'read', input: { filePath: `${work}/src/cli.ts` } });
  }, 60_000);

  it('takes an id, and prints markdown with tools on one line', () => {
    const result = sandbox.pwt(work, ['agent', 'transcript', 'pi', PI_ID, '--markdown']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`# pi session ${PI_ID}\n\n### User (2026-05-01 10:15 UTC)\nAdd a --verbose flag`);
    expect(result.stdout).toContain('- tool read: src/cli.ts → export function main(argv: string[]) { (4 lines)');
  }, 60_000);

  it('--max-chars keeps the most recent whole messages', () => {
    const markdown = sandbox.pwt(work, ['agent', 'transcript', 'cursor', '--max-chars', '300']);
    expect(markdown.stdout.length).toBeLessThanOrEqual(300);
    expect(markdown.stdout).toContain('[... 2 earlier messages left out ...]');
    expect(markdown.stdout).toContain('Added a `--verbose` flag');
    const json = parseJson(sandbox.pwt(work, ['agent', 'transcript', 'cursor', '--json', '--max-chars', '200']).stdout);
    expect(json).toMatchObject({ omitted: 2, messages: [{ role: 'assistant' }] });
  }, 60_000);

  it('fails clearly: no session here (3), unknown id (3), bad options (2)', () => {
    const none = sandbox.pwt(empty, ['agent', 'transcript', 'pi']);
    expect(none.code).toBe(3);
    expect(none.stderr).toContain(`No pi sessions for ${empty}.`);
    expect(sandbox.pwt(work, ['agent', 'transcript', 'pi', 'no-such-id']).code).toBe(3);
    expect(sandbox.pwt(work, ['agent', 'transcript', 'pi', '--json', '--markdown']).code).toBe(2);
    expect(sandbox.pwt(work, ['agent', 'transcript', 'pi', '--max-chars', 'lots']).code).toBe(2);
    expect(sandbox.pwt(work, ['agent', 'transcript']).code).toBe(2);
    expect(sandbox.pwt(work, ['agent', 'transcript', 'emacs']).code).toBe(2);
  }, 60_000);
});
