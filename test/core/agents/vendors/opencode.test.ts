import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import opencode from '../../../../src/core/agents/vendors/opencode/adapter.js';
import { openDatabase } from '../../../../src/core/infra/sqlite.js';
import { addOpencodeReply, FIXTURES, FIXTURE_CWD, tempHome, type TempHome } from './fixture-home.js';

/**
 * opencode's stores from files: the hand-written fixture home (SQLite store
 * and the legacy JSON tree holding the same session), and a database built
 * from a real `opencode export` (1.18.33) with the fixture's schema. The real
 * CLI runs in test/agents/opencode.e2e.test.ts.
 */
const FIXTURE_ID = 'ses_1f2e3d4c5b6aZyXwVuTsRqPoNm';
const REAL_ID = 'ses_e0290b228ffe5hCA4wwlNl7maX';
const REAL_CWD = '/home/dev/work/proj';

let world: TempHome | undefined;
afterEach(() => {
  world?.cleanup();
  world = undefined;
});

/** opencode.db at `file` from the real export, plus a subagent session and another folder's session. */
async function buildRealDb(file: string): Promise<void> {
  const exported = JSON.parse(readFileSync(join(FIXTURES, 'opencode/real/export-interactive-tool-then-resumed.json'), 'utf8'));
  mkdirSync(join(file, '..'), { recursive: true });
  const db = await openDatabase(file, { readonly: false });
  db.exec(readFileSync(join(FIXTURES, 'opencode/schema-subset.sql'), 'utf8'));
  db.prepare("INSERT INTO project VALUES ('global', '/', NULL, NULL, 0, 0, NULL, '[]')").run();
  const session = db.prepare(
    "INSERT INTO session (id, project_id, parent_id, slug, directory, title, version, time_created, time_updated) VALUES (?, 'global', ?, 's', ?, 't', '1.18.33', ?, ?)",
  );
  const { info, messages } = exported;
  session.run(info.id, null, info.directory, info.time.created, info.time.updated);
  session.run('ses_child', info.id, info.directory, info.time.created + 5, info.time.updated);
  session.run('ses_other', null, '/home/dev/work/other', info.time.created + 10, info.time.updated);
  const message = db.prepare('INSERT INTO message VALUES (?, ?, ?, ?, ?)');
  const part = db.prepare('INSERT INTO part VALUES (?, ?, ?, ?, ?, ?)');
  for (const each of messages) {
    const { id, sessionID, ...data } = each.info;
    message.run(id, sessionID, data.time.created, data.time.created, JSON.stringify(data));
    for (const p of each.parts) {
      const { id: partId, sessionID: s, messageID, ...partData } = p;
      part.run(partId, messageID, s, data.time.created, data.time.created, JSON.stringify(partData));
    }
  }
  // Context opencode injects into a user message is marked synthetic: not the user's words.
  part.run('prt_zzzz_synthetic', messages[0].info.id, info.id, 0, 0, JSON.stringify({ type: 'text', text: 'Called the Read tool with ...', synthetic: true }));
  db.close();
}

describe('opencode adapter: stores', () => {
  it('lists the fixture session once although both the database and the legacy tree hold it', async () => {
    world = tempHome('opencode');
    const sessions = await opencode.listSessions(FIXTURE_CWD, world.env);
    expect(sessions).toEqual([
      expect.objectContaining({
        provider: 'opencode',
        id: FIXTURE_ID,
        cwd: FIXTURE_CWD,
        startedAt: '2026-05-01T10:15:30.500Z',
        updatedAt: '2026-05-01T10:15:41.300Z',
        messages: 3,
      }),
    ]);
    expect(sessions[0]?.source).toMatch(/opencode\.db$/);
  });

  it('reads the legacy JSON tree when no database is there (OPENCODE_DB relative to the data dir)', async () => {
    world = tempHome('opencode');
    const env = { ...world.env, OPENCODE_DB: 'missing.db' };
    const [session] = await opencode.listSessions(FIXTURE_CWD, env);
    expect(session?.source).toMatch(/storage\/session\/.*\.json$/);
    const transcript = await opencode.readTranscript(FIXTURE_ID, { env });
    expect(transcript.messages.map((m) => [m.role, m.text])).toEqual([
      ['user', 'Add a --verbose flag to the CLI in src/cli.ts'],
      ['assistant', "I'll read the CLI entry point first."],
      ['assistant', 'Added a `--verbose` flag: `parse()` now sets `args.verbose`, and `run()` logs each step when it is true.'],
    ]);
    expect(transcript.messages[1]?.tools).toEqual([
      { name: 'read', input: { filePath: '/home/dev/work/acme-app/src/cli.ts' }, output: expect.stringContaining('export function main') },
    ]);
  });

  it('honours XDG_DATA_HOME and an absolute OPENCODE_DB', async () => {
    world = tempHome();
    const db = join(world.home, 'elsewhere', 'oc.db');
    await buildRealDb(db);
    expect(await opencode.listSessions(REAL_CWD, { ...world.env, OPENCODE_DB: db })).toHaveLength(1);
    await buildRealDb(join(world.home, 'xdg', 'opencode', 'opencode.db'));
    const viaXdg = await opencode.listSessions(REAL_CWD, { ...world.env, XDG_DATA_HOME: join(world.home, 'xdg') });
    expect(viaXdg.map((s) => s.id)).toEqual([REAL_ID]);
    expect(await opencode.listSessions(REAL_CWD, world.env)).toEqual([]);
  });
});

describe('opencode adapter: a real session', () => {
  const setup = async () => {
    world = tempHome();
    await buildRealDb(join(world.home, '.local/share/opencode/opencode.db'));
    return world.env;
  };

  it('normalizes text and tool parts, drops synthetic context, keeps turn order', async () => {
    const env = await setup();
    const transcript = await opencode.readTranscript(REAL_ID, { env });
    expect(transcript).toMatchObject({ provider: 'opencode', id: REAL_ID });
    expect(transcript.messages).toEqual([
      { role: 'user', text: 'RUNTOOL run echo hi', tools: [], at: '2026-11-21T09:28:12.526Z' },
      { role: 'assistant', text: '', tools: [{ name: 'bash', input: { command: 'echo hi' }, output: 'hi\n' }], at: '2026-11-21T09:28:12.545Z' },
      { role: 'assistant', text: 'Mock reply: the tool printed "hi\\n"', tools: [], at: '2026-11-21T09:28:14.146Z' },
      { role: 'user', text: 'resumed interactively', tools: [], at: '2026-11-21T09:28:32.572Z' },
      { role: 'assistant', text: 'Mock reply: done.', tools: [], at: '2026-11-21T09:28:32.593Z' },
    ]);
  });

  it('lists only top-level sessions of exactly this directory', async () => {
    const env = await setup();
    const sessions = await opencode.listSessions(REAL_CWD, env);
    expect(sessions.map((s) => [s.id, s.messages])).toEqual([[REAL_ID, 5]]);
  });

  it('captures the first top-level session created at or after the spawn time', async () => {
    const env = await setup();
    expect(await opencode.captureSessionId(REAL_CWD, new Date(1795253292000), env)).toBe(REAL_ID);
    expect(await opencode.captureSessionId(REAL_CWD, new Date(1795253292504), env)).toBeNull();
    expect(await opencode.captureSessionId('/home/dev/work/other', new Date(0), env)).toBe('ses_other');
  });

  it('fails with a hint for an unknown id', async () => {
    const env = await setup();
    await expect(opencode.readTranscript('ses_nope', { env })).rejects.toMatchObject({ exitCode: 3, hint: expect.stringContaining('pwt agent sessions') });
  });

  it('reads a database the CLI holds open in WAL mode (uncheckpointed changes included)', async () => {
    const env = await setup();
    const file = join(world!.home, '.local/share/opencode/opencode.db');
    const writer = await openDatabase(file, { readonly: false });
    writer.exec('PRAGMA journal_mode = WAL');
    writer.prepare('UPDATE session SET time_updated = 1795253399000 WHERE id = ?').run(REAL_ID);
    try {
      expect((await opencode.readTranscript(REAL_ID, { env })).messages).toHaveLength(5);
      expect((await opencode.listSessions(REAL_CWD, env))[0]?.updatedAt).toBe(new Date(1795253399000).toISOString());
    } finally {
      writer.close();
      rmSync(`${file}-wal`, { force: true });
    }
  });
});

describe('opencode adapter: usage, kept until the store changes', () => {
  it('an unchanged store is not read again; a write to its database is', async () => {
    world = tempHome('opencode');
    const env = world.env;
    const first = await opencode.readUsage!(FIXTURE_ID, { env });
    expect(first.output).toBeGreaterThan(0);
    // Another figure in the cache: an unchanged store answers it, unread.
    const dir = join(world.home, '.cache/pwt/usage');
    const [name] = readdirSync(dir);
    const kept = JSON.parse(readFileSync(join(dir, name!), 'utf8'));
    writeFileSync(join(dir, name!), JSON.stringify({ ...kept, usage: { ...kept.usage, output: 424242 } }));
    expect((await opencode.readUsage!(FIXTURE_ID, { env })).output).toBe(424242);

    const writer = await openDatabase(join(world.home, '.local/share/opencode/opencode.db'), { readonly: false });
    try {
      writer.exec('PRAGMA journal_mode = WAL');
      addOpencodeReply(writer, FIXTURE_ID, 'msg_zzzz_more', 5);
      expect(await opencode.readUsage!(FIXTURE_ID, { env })).toMatchObject({ output: first.output + 5, input: first.input + 7 });
    } finally {
      writer.close();
    }
    await expect(opencode.readUsage!('ses_nope', { env })).rejects.toMatchObject({ exitCode: 3 });
  });
});

describe('opencode adapter: commands', () => {
  const cwd = '/tmp';
  const cases: [string, () => unknown, unknown][] = [
    ['interactive start', () => opencode.startCommand({ cwd }), { cmd: 'opencode', args: [], cwd, env: { PWD: cwd } }],
    [
      'interactive start with a prompt',
      () => opencode.startCommand({ cwd, prompt: 'hi there' }),
      { cmd: 'opencode', args: ['--prompt', 'hi there'], cwd, env: { PWD: cwd } },
    ],
    [
      'headless start: prompt on stdin, name as title',
      () => opencode.startCommand({ cwd, prompt: 'hi there', headless: true, name: 'fix-1' }),
      { cmd: 'opencode', args: ['run', '--title', 'fix-1'], cwd, env: { PWD: cwd }, stdin: 'hi there' },
    ],
    ['interactive resume', () => opencode.resumeCommand('ses_1', { cwd }), { cmd: 'opencode', args: ['--session', 'ses_1'], cwd, env: { PWD: cwd } }],
    [
      'headless resume',
      () => opencode.resumeCommand('ses_1', { cwd, prompt: 'more', headless: true }),
      { cmd: 'opencode', args: ['run', '--session', 'ses_1', '--dir', cwd], cwd, env: { PWD: cwd }, stdin: 'more' },
    ],
  ];
  for (const [name, build, expected] of cases) it(name, () => expect(build()).toEqual(expected));

  it('refuses a headless run without a prompt (usage error)', () => {
    expect(() => opencode.startCommand({ cwd, headless: true })).toThrow(expect.objectContaining({ exitCode: 2 }));
  });

  it('home follows XDG_DATA_HOME, else HOME', () => {
    expect(opencode.home({ HOME: '/h' })).toBe('/h/.local/share/opencode');
    expect(opencode.home({ HOME: '/h', XDG_DATA_HOME: '/x' })).toBe('/x/opencode');
  });
});
