import { appendFileSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import pi, { piFolderName } from '../../../../src/core/agents/vendors/pi/adapter.js';
import { FIXTURES, FIXTURE_CWD, tempHome, type TempHome } from './fixture-home.js';

/**
 * pi's session files: the hand-written fixture, two files the real CLI wrote
 * (0.73.1, print mode with the bash tool and interactive, both resumed), and
 * trees built here to pin the active-branch rule. The real CLI runs in
 * test/agents/pi.e2e.test.ts.
 */
const REAL_CWD = '/home/dev/work/proj';

let world: TempHome | undefined;
afterEach(() => {
  world?.cleanup();
  world = undefined;
});

/** A temp agent dir (PI_CODING_AGENT_DIR) holding the two real files in REAL_CWD's folder. */
function realWorld() {
  world = tempHome();
  const agent = join(world.home, 'agent-dir');
  const folder = join(agent, 'sessions', piFolderName(REAL_CWD));
  mkdirSync(folder, { recursive: true });
  copyFileSync(
    join(FIXTURES, 'pi/real/print-mode-resumed-with-bash-tool.jsonl'),
    join(folder, '2026-11-21T09-26-28-416Z_01a1fd6d-b73f-772b-b276-e30139ccc02d.jsonl'),
  );
  copyFileSync(join(FIXTURES, 'pi/real/interactive-then-resumed.jsonl'), join(folder, '2026-11-21T09-26-43-797Z_01a1fd6d-f354-71c7-9ef7-4743f6d319f7.jsonl'));
  return { env: { ...world.env, PI_CODING_AGENT_DIR: agent }, folder };
}

const line = (value: object) => `${JSON.stringify(value)}\n`;
const msg = (id: string, parentId: string | null, role: string, content: unknown[], second: number) =>
  line({ type: 'message', id, parentId, timestamp: `2026-01-01T00:00:${String(second).padStart(2, '0')}.000Z`, message: { role, content } });
const text = (t: string) => ({ type: 'text', text: t });

describe('pi adapter: files', () => {
  it('reads the fixture session under HOME/.pi/agent', async () => {
    world = tempHome('pi');
    const [session] = await pi.listSessions(FIXTURE_CWD, world.env);
    expect(session).toMatchObject({
      provider: 'pi',
      id: '2d9f8e7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f',
      cwd: FIXTURE_CWD,
      startedAt: '2026-05-01T10:15:30.123Z',
      updatedAt: '2026-05-01T10:15:50.000Z',
      messages: 3,
    });
    const transcript = await pi.readTranscript(session!.id, { cwd: FIXTURE_CWD, env: world.env });
    expect(transcript.messages[1]).toEqual({
      role: 'assistant',
      text: "I'll read the CLI entry point first.",
      tools: [{ name: 'read', input: { path: 'src/cli.ts' }, output: expect.stringContaining('export function main') }],
      at: '2026-05-01T10:15:33.900Z',
    });
  });

  it('reads real files: tool call with its output, every turn in order, newest session first', async () => {
    const { env } = realWorld();
    const sessions = await pi.listSessions(REAL_CWD, env);
    expect(sessions.map((s) => [s.id, s.messages])).toEqual([
      ['01a1fd6d-f354-71c7-9ef7-4743f6d319f7', 5],
      ['01a1fd6d-b73f-772b-b276-e30139ccc02d', 7],
    ]);
    const transcript = await pi.readTranscript('01a1fd6d-b73f-772b-b276-e30139ccc02d', { env });
    expect(transcript.messages.map((m) => [m.role, m.text, m.tools])).toEqual([
      ['user', 'say hi', []],
      ['assistant', 'Mock reply: done.', []],
      ['user', 'RUNTOOL run echo hi', []],
      ['assistant', '', [{ name: 'bash', input: { command: 'echo hi' }, output: 'hi\n' }]],
      ['assistant', 'Mock reply: the tool printed "hi\\n"', []],
      ['user', 'continue test', []],
      ['assistant', 'Mock reply: done.', []],
    ]);
  });

  it('keeps only the active branch: the path from the last entry to the root', async () => {
    const { env, folder } = realWorld();
    const file = join(folder, '2026-01-01T00-00-00-000Z_tree.jsonl');
    writeFileSync(
      file,
      line({ type: 'session', version: 3, id: 'tree', timestamp: '2026-01-01T00:00:00.000Z', cwd: REAL_CWD }) +
        msg('a', null, 'user', [text('first question')], 1) +
        msg('b', 'a', 'assistant', [text('first answer')], 2) +
        msg('c', 'b', 'user', [text('abandoned question')], 3) +
        msg('d', 'c', 'assistant', [text('abandoned answer')], 4) +
        line({
          type: 'branch_summary',
          id: 'e',
          parentId: 'b',
          timestamp: '2026-01-01T00:00:05.000Z',
          fromId: 'd',
          summary: 'pi summarised the other branch',
        }) +
        msg('f', 'e', 'user', [text('second question')], 6) +
        msg('g', 'f', 'assistant', [text('second answer')], 7),
    );
    const transcript = await pi.readTranscript('tree', { cwd: REAL_CWD, env });
    expect(transcript.messages.map((m) => m.text)).toEqual(['first question', 'first answer', 'second question', 'second answer']);
  });

  it('reads a version 1 file (no ids) whole, and skips a half-written last line', async () => {
    const { env, folder } = realWorld();
    const file = join(folder, '2026-01-01T00-00-00-000Z_v1.jsonl');
    writeFileSync(
      file,
      line({ type: 'session', id: 'v1', timestamp: '2026-01-01T00:00:00.000Z', cwd: REAL_CWD }) +
        line({ type: 'message', timestamp: '2026-01-01T00:00:01.000Z', message: { role: 'user', content: 'plain string content' } }),
    );
    appendFileSync(file, '{"type":"message","id":"x","parentId":null,"message":{"role":"assis');
    expect((await pi.readTranscript('v1', { cwd: REAL_CWD, env })).messages).toEqual([
      { role: 'user', text: 'plain string content', tools: [], at: '2026-01-01T00:00:01.000Z' },
    ]);
  });

  it('captures the first session of exactly this cwd started at or after the spawn time', async () => {
    const { env, folder } = realWorld();
    // /home/dev/work-proj maps to the same folder name; its header tells it apart.
    writeFileSync(
      join(folder, '2026-11-21T10-00-00-000Z_clash.jsonl'),
      line({ type: 'session', id: 'clash', timestamp: '2026-11-21T10:00:00.000Z', cwd: '/home/dev/work-proj' }),
    );
    expect(piFolderName('/home/dev/work-proj')).toBe(piFolderName(REAL_CWD));
    expect(await pi.captureSessionId(REAL_CWD, new Date('2026-11-21T09:26:30.000Z'), env)).toBe('01a1fd6d-f354-71c7-9ef7-4743f6d319f7');
    expect(await pi.captureSessionId(REAL_CWD, new Date('2026-11-21T09:26:00.000Z'), env)).toBe('01a1fd6d-b73f-772b-b276-e30139ccc02d');
    expect(await pi.captureSessionId(REAL_CWD, new Date('2026-11-21T09:27:00.000Z'), env)).toBeNull();
    expect((await pi.listSessions(REAL_CWD, env)).map((s) => s.id)).not.toContain('clash');
  });

  it('fails with a hint for an unknown id', async () => {
    const { env } = realWorld();
    await expect(pi.readTranscript('nope', { cwd: REAL_CWD, env })).rejects.toMatchObject({ exitCode: 3 });
  });
});

describe('pi adapter: commands', () => {
  const cwd = '/tmp';
  const env = { HOME: '/h' };
  it.each([
    ['interactive start', { cwd }, ['']],
    ['interactive start with a prompt', { cwd, prompt: 'hello' }, ['hello']],
    ['headless start', { cwd, prompt: 'hello', headless: true }, ['-p', 'hello']],
    ['a prompt that looks like a flag is not read as one', { cwd, prompt: '--help me', headless: true }, ['-p', ' --help me']],
  ])('%s', (_name, opts, args) => {
    expect(pi.startCommand(opts, env)).toEqual({ cmd: 'pi', args: args.filter(Boolean), cwd });
  });

  it("a pwt-chosen id fixes the session file in pi's folder for the cwd", () => {
    const spec = pi.startCommand({ cwd, sessionId: '11111111-2222-4333-8444-555555555555', prompt: 'x', headless: true }, { PI_CODING_AGENT_DIR: '/pi' });
    expect(spec.args).toEqual([
      '--session',
      expect.stringMatching(/^\/pi\/sessions\/--tmp--\/\d{4}-\d\d-\d\dT[\d-]+Z_11111111-2222-4333-8444-555555555555\.jsonl$/),
      '-p',
      'x',
    ]);
  });

  it('resumes by the session file when it is known, else by id', () => {
    const { env: piEnv } = realWorld();
    const known = pi.resumeCommand('01a1fd6d-b73f-772b-b276-e30139ccc02d', { cwd: REAL_CWD, prompt: 'again', headless: true }, piEnv);
    expect(known.args).toEqual(['--session', expect.stringMatching(/_01a1fd6d-b73f-772b-b276-e30139ccc02d\.jsonl$/), '-p', 'again']);
    expect(pi.resumeCommand('abc', { cwd: REAL_CWD }, piEnv).args).toEqual(['--session', 'abc']);
  });

  it('home honours PI_CODING_AGENT_DIR, else HOME', () => {
    expect(pi.home({ HOME: '/h' })).toBe('/h/.pi/agent');
    expect(pi.home({ HOME: '/h', PI_CODING_AGENT_DIR: '/p' })).toBe('/p');
  });
});
