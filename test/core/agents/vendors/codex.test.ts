import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import codex, { threadIdFromExecJson } from '../../../../src/core/agents/vendors/codex/adapter.js';
import { PwtError } from '../../../../src/core/infra/errors.js';

/**
 * The codex adapter on rollouts codex-cli 0.169.0 wrote (fixtures) and on
 * hand-written rollouts in the older layouts, laid out in a temp CODEX_HOME.
 */
const FIXTURES = resolve(import.meta.dirname, '../../../fixtures/agents/codex');
const CWD = '/home/dev/work/proj';
const EXEC_ID = '01a1fd67-edbf-76a2-8522-77a5d409763e';
const TUI_ID = '01a1fd68-4d10-77a1-a7c1-d452fcb8b86e';
const LEGACY_ID = '0198a1b2-0000-7000-8000-00000000aaaa';
const OLDEST_ID = '0196a0c0-0000-7000-8000-00000000bbbb';

let root = '';
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = '';
});

function world(): { env: NodeJS.ProcessEnv; day: string } {
  root = mkdtempSync(join(tmpdir(), 'pwt-codex-'));
  const home = join(root, 'codex-home');
  const day = join(home, 'sessions', '2026', '11', '21');
  mkdirSync(day, { recursive: true });
  copyFileSync(join(FIXTURES, 'exec-resumed-with-tool-then-from-other-cwd.jsonl'), join(day, `rollout-2026-11-21T09-20-09-${EXEC_ID}.jsonl`));
  copyFileSync(join(FIXTURES, 'interactive-with-exec_command-then-resumed.jsonl'), join(day, `rollout-2026-11-21T09-20-33-${TUI_ID}.jsonl`));
  const old = join(home, 'sessions', '2025', '08', '01');
  mkdirSync(old, { recursive: true });
  copyFileSync(join(FIXTURES, 'legacy-event-msg.jsonl'), join(old, `rollout-2025-08-01T10-00-00-${LEGACY_ID}.jsonl`));
  const oldest = join(home, 'sessions', '2025', '04', '20');
  mkdirSync(oldest, { recursive: true });
  copyFileSync(join(FIXTURES, 'legacy-no-envelope.jsonl'), join(oldest, `rollout-2025-04-20T08-00-00-${OLDEST_ID}.jsonl`));
  return { env: { HOME: join(root, 'home'), CODEX_HOME: home }, day };
}

describe('codex adapter: files', () => {
  it('home honours CODEX_HOME, then HOME', () => {
    expect(codex.home({ HOME: '/h', CODEX_HOME: '/c' })).toBe('/c');
    expect(codex.home({ HOME: '/h' })).toBe('/h/.codex');
  });

  it('reads a resumed exec rollout: typed text only, exec_command with its output, three turns in order', async () => {
    const { env } = world();
    const transcript = await codex.readTranscript(EXEC_ID, { env });
    expect(transcript).toMatchObject({ provider: 'codex', id: EXEC_ID });
    const { messages } = transcript;
    expect(messages.map((m) => [m.role, m.text.slice(0, 30)])).toEqual([
      ['user', 'say hi'],
      ['assistant', 'Mock reply: done.'],
      ['user', 'RUNTOOL run echo hi'],
      ['assistant', 'Mock reply: the tool printed "'],
      ['user', 'from other cwd'],
      ['assistant', 'Mock reply: done.'],
    ]);
    // The unified-exec header (Chunk ID, Wall time, exit code, token count) is not the command's output.
    expect(messages[3]!.tools).toEqual([{ name: 'exec_command', input: { cmd: 'echo hi' }, output: 'hi\n' }]);
    expect(messages[0]!.at).toBe('2026-11-21T09:20:09.202Z');
  });

  it('streams the same messages one at a time', async () => {
    const { env } = world();
    const streamed = [];
    for await (const message of codex.streamTranscript!(EXEC_ID, { env })) streamed.push(message);
    expect(streamed).toEqual((await codex.readTranscript(EXEC_ID, { env })).messages);
  });

  it('reads the older event_msg layout without the injected <user_instructions> and <environment_context>', async () => {
    const { env } = world();
    const { messages } = await codex.readTranscript(LEGACY_ID, { env });
    expect(messages).toEqual([
      { role: 'user', text: 'list the files', tools: [], at: '2025-08-01T10:00:01.000Z' },
      {
        role: 'assistant',
        text: 'There are two entries: README.md and src.',
        tools: [{ name: 'shell', input: { command: ['bash', '-lc', 'ls'], workdir: '/home/dev/work/legacy' }, output: 'README.md\nsrc\n' }],
        at: '2025-08-01T10:00:02.500Z',
      },
      { role: 'user', text: 'thanks', tools: [], at: '2025-08-01T10:00:09.000Z' },
      { role: 'assistant', text: 'You are welcome.', tools: [], at: '2025-08-01T10:00:10.000Z' },
    ]);
  });

  it('reads the envelope-less early layout', async () => {
    const { env } = world();
    const { messages } = await codex.readTranscript(OLDEST_ID, { env });
    expect(messages.map((m) => [m.role, m.text, m.tools.map((t) => t.output)])).toEqual([
      ['user', 'what is in here?', []],
      ['assistant', 'One file: a.txt.', ['a.txt\n']],
    ]);
  });

  it('lists sessions by the cwd they started in, newest first', async () => {
    const { env } = world();
    const sessions = await codex.listSessions(CWD, env);
    expect(sessions.map((s) => [s.id, s.messages, s.startedAt, s.updatedAt])).toEqual([
      [TUI_ID, 4, '2026-11-21T09:20:33.553Z', '2026-11-21T09:21:09.385Z'],
      [EXEC_ID, 6, '2026-11-21T09:20:09.155Z', '2026-11-21T09:20:24.488Z'],
    ]);
    expect(sessions.every((s) => s.provider === 'codex' && s.cwd === CWD)).toBe(true);
    expect((await codex.listSessions('/home/dev/work/legacy', env)).map((s) => s.id)).toEqual([LEGACY_ID]);
    expect(await codex.listSessions('/home/dev/work/elsewhere', env)).toEqual([]);
  });

  it('reads .jsonl.zst rollouts (streamed through zstd)', async () => {
    const { env, day } = world();
    const plain = join(day, `rollout-2026-11-21T09-20-09-${EXEC_ID}.jsonl`);
    const compressed = spawnSync('zstd', ['-q', '--rm', plain]);
    expect(compressed.status).toBe(0);
    const { messages } = await codex.readTranscript(EXEC_ID, { env });
    expect(messages).toHaveLength(6);
    expect(messages[3]!.tools[0]!.output).toBe('hi\n');
    expect((await codex.listSessions(CWD, env)).map((s) => s.id)).toContain(EXEC_ID);
  });

  it('reads an archived rollout by id (archived_sessions/ is flat)', async () => {
    const { env, day } = world();
    const archived = join(env.CODEX_HOME!, 'archived_sessions');
    mkdirSync(archived);
    renameSync(join(day, `rollout-2026-11-21T09-20-33-${TUI_ID}.jsonl`), join(archived, `rollout-2026-11-21T09-20-33-${TUI_ID}.jsonl`));
    expect((await codex.readTranscript(TUI_ID, { env })).messages).toHaveLength(4);
    // Archived sessions are not listed for the folder any more.
    expect((await codex.listSessions(CWD, env)).map((s) => s.id)).toEqual([EXEC_ID]);
  });

  it('survives a half-written last line', async () => {
    const { env, day } = world();
    const file = join(day, `rollout-2026-11-21T09-20-33-${TUI_ID}.jsonl`);
    writeFileSync(file, `${readFileSync(file, 'utf8')}{"timestamp":"2026-11-21T09:30:00Z","type":"response_item","payload":{"type":"mess`);
    expect((await codex.readTranscript(TUI_ID, { env })).messages).toHaveLength(4);
  });

  it('captures the first rollout of the cwd started after the spawn time', async () => {
    const { env } = world();
    expect(await codex.captureSessionId(CWD, new Date('2026-11-21T09:20:00Z'), env)).toBe(EXEC_ID);
    expect(await codex.captureSessionId(CWD, new Date('2026-11-21T09:20:20Z'), env)).toBe(TUI_ID);
    expect(await codex.captureSessionId(CWD, new Date('2026-11-21T09:25:00Z'), env)).toBeNull();
    expect(await codex.captureSessionId('/home/dev/work/other', new Date('2026-11-21T09:00:00Z'), env)).toBeNull();
  });

  it('reads the thread id a `codex exec --json` run prints', () => {
    const stdout = '{"type":"thread.started","thread_id":"01a1fd84-0490-7e12-bf0d-e17446619cab"}\n{"type":"turn.started"}\n';
    expect(threadIdFromExecJson(stdout)).toBe('01a1fd84-0490-7e12-bf0d-e17446619cab');
    expect(threadIdFromExecJson('not json\n')).toBeNull();
  });

  it('an unknown id is a precondition error with a hint', async () => {
    const { env } = world();
    const error = await codex.readTranscript('01a1fd67-0000-0000-0000-000000000000', { env }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PwtError);
    expect((error as PwtError).exitCode).toBe(3);
  });
});

describe('codex adapter: commands', () => {
  it.each([
    [{ cwd: '/w', headless: true, prompt: 'hi' }, ['exec', '--', 'hi'], ''],
    [{ cwd: '/w', prompt: 'hi' }, ['--disable', 'daemon_auto_start', '--', 'hi'], undefined],
    [{ cwd: '/w' }, ['--disable', 'daemon_auto_start'], undefined],
  ])('start %o', (opts, args, stdin) => {
    const spec = codex.startCommand(opts);
    expect(spec).toMatchObject({ cmd: 'codex', args, cwd: '/w' });
    expect(spec.stdin).toBe(stdin);
    expect(spec.sessionId).toBeUndefined();
  });

  it('resumes by id (exec resume when headless)', () => {
    expect(codex.resumeCommand('t1', { cwd: '/w' }).args).toEqual(['--disable', 'daemon_auto_start', 'resume', 't1']);
    expect(codex.resumeCommand('t1', { cwd: '/w', headless: true, prompt: 'again' }).args).toEqual(['exec', 'resume', 't1', '--', 'again']);
    expect(codex.choosesId).toBe(false);
  });
});
