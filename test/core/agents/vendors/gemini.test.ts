import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import gemini from '../../../../src/core/agents/vendors/gemini/adapter.js';
import { readGeminiChat } from '../../../../src/core/agents/vendors/gemini/records.js';
import { geminiMessages } from '../../../../src/core/agents/vendors/gemini/transcript.js';
import { geminiRetentionWarning, geminiSessionRetention, stripJsonComments } from '../../../../src/core/agents/vendors/gemini/settings.js';
import { FIXTURES, FIXTURE_CWD, tempHome, type TempHome } from './fixture-home.js';

/**
 * gemini-cli's chat files: the hand-written fixture home (a 0.39+ JSONL chat
 * and a legacy single-JSON chat under a sha256(cwd) folder), three files the
 * real CLI wrote (0.61.0: print mode resumed three times with the shell tool,
 * an interactive resume, the stray file an interactive resume leaves, and a
 * print-mode chat resumed interactively a minute later with its stray file), and
 * small logs built here for `$rewindTo`, shared ids and half-written lines.
 * The real CLI runs in test/agents/gemini.e2e.test.ts.
 */
const REAL = join(FIXTURES, 'gemini/real');
const REAL_CWD = '/home/dev/work/proj';
const REAL_ID = '44444444-4444-4444-8444-444444444444';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let world: TempHome | undefined;
afterEach(() => {
  world?.cleanup();
  world = undefined;
});

/** A chats folder for `cwd` registered in projects.json under `slug`. */
function chatsDir(home: string, cwd: string, slug: string): string {
  const dir = join(home, '.gemini/tmp', slug, 'chats');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(home, '.gemini/projects.json'), JSON.stringify({ projects: { [cwd]: slug } }));
  return dir;
}

/** A real chat file moved to `cwd`: its header hash must match the folder it is read for. */
function realChat(name: string, cwd: string): string {
  return readFileSync(join(REAL, name), 'utf8').replaceAll('2363fc63f4805074af111ce6ae5977ff42d4053f7a021d8167723edba60fbd45', sha256(cwd));
}

const lines = (...records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';
const header = (id: string, cwd: string, at: string) => ({ sessionId: id, projectHash: sha256(cwd), startTime: at, lastUpdated: at, kind: 'main' });
const msg = (id: string, type: string, text: string, at: string) => ({ id, timestamp: at, type, content: type === 'user' ? [{ text }] : text });

describe('gemini chat files', () => {
  it('replays a real resumed chat: re-appended ids, $set.messages, tool calls in both shapes, injected context dropped', async () => {
    const chat = (await readGeminiChat(join(REAL, 'print-mode-resumed-3x-with-shell-tool.jsonl')))!;
    expect(chat).toMatchObject({ sessionId: REAL_ID, startTime: '2026-11-21T09:23:22.495Z', lastUpdated: '2026-11-21T09:23:47.166Z' });
    const messages = geminiMessages(chat);
    expect(messages.map((m) => [m.role, m.text.slice(0, 22)])).toEqual([
      ['user', 'say hi'],
      ['assistant', 'Mock gemini reply.'],
      ['user', 'RUNTOOL run echo hi'],
      ['assistant', 'Mock gemini reply.'],
      ['user', 'RUNTOOL run echo hi'],
      ['assistant', ''],
      ['assistant', 'Mock reply: the tool p'],
      ['user', 'index resume'],
      ['assistant', 'Mock gemini reply.'],
    ]);
    // The call is on the message once; its result is not a user message; the <untrusted_context> wrapper is gone.
    expect(messages[5]!.tools).toEqual([{ name: 'run_shell_command', input: { command: 'echo hi' }, output: 'Output: hi\nProcess Group PGID: 14628' }]);
    // Times are when a message was first written, not when a resume re-synced it.
    expect(messages[0]!.at).toBe('2026-11-21T09:23:22.530Z');
    expect(messages.some((m) => m.text.includes('session_context'))).toBe(false);
  });

  it('keeps both turns of a chat resumed interactively in the same file', async () => {
    const chat = (await readGeminiChat(join(REAL, 'print-then-interactive-resume-same-file.jsonl')))!;
    expect(geminiMessages(chat).map((m) => m.text)).toEqual(['first', 'Mock gemini reply.', 'second', 'Mock gemini reply.']);
  });

  it('$rewindTo drops that message and everything after it; an unknown id clears the list', async () => {
    world = tempHome();
    const file = join(world.home, 'rewind.jsonl');
    const cwd = '/w';
    writeFileSync(
      file,
      lines(
        header('r', cwd, 't0'),
        msg('a', 'user', 'one', 't1'),
        msg('b', 'gemini', 'two', 't2'),
        msg('c', 'user', 'three', 't3'),
        { $rewindTo: 'b' },
        msg('d', 'gemini', 'four', 't4'),
      ),
    );
    expect(geminiMessages((await readGeminiChat(file))!).map((m) => m.text)).toEqual(['one', 'four']);
    appendFileSync(file, lines({ $rewindTo: 'zzz' }, msg('e', 'user', 'five', 't5')));
    expect(geminiMessages((await readGeminiChat(file))!).map((m) => m.text)).toEqual(['five']);
  });

  it('skips a half-written last line and info/error messages; a user message that is only a tool result is not a user turn', async () => {
    world = tempHome();
    const file = join(world.home, 'partial.jsonl');
    const toolResult = { id: 'r', timestamp: 't3', type: 'user', content: [{ functionResponse: { id: 'x', name: 'ls', response: { output: 'a.txt' } } }] };
    writeFileSync(
      file,
      lines(header('p', '/w', 't0'), msg('a', 'user', 'hi', 't1'), { id: 'i', type: 'info', content: 'note' }, toolResult) + '{"id":"b","type":"gem',
    );
    expect(geminiMessages((await readGeminiChat(file))!).map((m) => m.text)).toEqual(['hi']);
  });

  it('prefers displayContent (what was typed) and drops files an @mention appended', async () => {
    world = tempHome();
    const file = join(world.home, 'mention.jsonl');
    const expanded = 'explain @src/a.ts\n--- Content from referenced files ---\nContent from @src/a.ts:\nexport {}\n--- End of content ---';
    writeFileSync(
      file,
      lines(
        header('m', '/w', 't0'),
        { id: 'a', timestamp: 't1', type: 'user', content: [{ text: expanded }] },
        { id: 'b', timestamp: 't2', type: 'user', content: [{ text: expanded }], displayContent: [{ text: 'typed @src/a.ts' }] },
      ),
    );
    expect(geminiMessages((await readGeminiChat(file))!).map((m) => m.text)).toEqual(['explain @src/a.ts', 'typed @src/a.ts']);
  });

  it('returns null for a file that is not a gemini chat', async () => {
    world = tempHome();
    const file = join(world.home, 'x.jsonl');
    writeFileSync(file, lines({ hello: 'world' }));
    expect(await readGeminiChat(file)).toBeNull();
    expect(await readGeminiChat(join(world.home, 'missing.jsonl'))).toBeNull();
  });
});

describe('gemini adapter', () => {
  it('lists the fixture sessions of the folder, the JSONL one and the legacy single-JSON one, newest first', async () => {
    world = tempHome('gemini');
    const sessions = await gemini.listSessions(FIXTURE_CWD, world.env);
    expect(sessions.map((s) => [s.id, s.startedAt, s.updatedAt, s.messages])).toEqual([
      ['7b2e4c1d-5a6f-4b3c-9d8e-1f2a3b4c5d6e', '2026-05-01T10:15:30.500Z', '2026-05-01T10:15:41.501Z', 3],
      ['1a2b3c4d-9e8f-4a7b-8c6d-5e4f3a2b1c0d', '2026-01-10T09:00:02.000Z', '2026-01-10T09:00:12.000Z', 3],
    ]);
    expect(await gemini.listSessions('/home/dev/work/other', world.env)).toEqual([]);
  });

  it('reads the legacy transcript with its tool call and output', async () => {
    world = tempHome('gemini');
    const transcript = await gemini.readTranscript('1a2b3c4d-9e8f-4a7b-8c6d-5e4f3a2b1c0d', { cwd: FIXTURE_CWD, env: world.env });
    expect(transcript.messages).toEqual([
      { role: 'user', text: 'Add a --verbose flag to the CLI in src/cli.ts', tools: [], at: '2026-01-10T09:00:03.000Z' },
      {
        role: 'assistant',
        text: '',
        tools: [
          {
            name: 'read_file',
            input: { absolute_path: '/home/dev/work/acme-app/src/cli.ts' },
            output: 'export function main(argv: string[]) {\n  const args = parse(argv);\n  run(args);\n}\n',
          },
        ],
        at: '2026-01-10T09:00:06.000Z',
      },
      { role: 'assistant', text: expect.stringContaining('Added a `--verbose` flag'), tools: [], at: '2026-01-10T09:00:12.000Z' },
    ]);
    // Without a folder, an 8-char prefix finds it among every project's chats.
    expect((await gemini.readTranscript('7b2e4c1d', { env: world.env })).id).toBe('7b2e4c1d-5a6f-4b3c-9d8e-1f2a3b4c5d6e');
  });

  it('of several files sharing an id, takes the one with messages, even when an empty one is newer', async () => {
    world = tempHome();
    const dir = chatsDir(world.home, REAL_CWD, 'proj');
    writeFileSync(join(dir, 'session-2026-11-21T09-23-44444444.jsonl'), realChat('print-mode-resumed-3x-with-shell-tool.jsonl', REAL_CWD));
    const stray = realChat('stray-file-created-by-interactive-resume.jsonl', REAL_CWD)
      .replaceAll('55555555-5555-4555-8555-555555555555', REAL_ID)
      .replaceAll('2026-11-21T09:24', '2026-11-21T09:59');
    writeFileSync(join(dir, 'session-2026-11-21T09-59-44444444.jsonl'), stray);
    const sessions = await gemini.listSessions(REAL_CWD, world.env);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ provider: 'gemini', id: REAL_ID, messages: 9, source: expect.stringContaining('09-23-44444444') });
    expect((await gemini.readTranscript(REAL_ID, { cwd: REAL_CWD, env: world.env })).messages).toHaveLength(9);
  });

  it('reads the real pair an interactive resume in a later minute leaves: the conversation stays in the first file', async () => {
    // gemini-cli 0.61.0: `-p first`, then `--resume <id>` in the TUI a minute later; the second file holds only a header.
    world = tempHome();
    const cwd = '/home/dev/work/later';
    const dir = chatsDir(world.home, cwd, 'later');
    cpSync(join(REAL, 'later-minute-resume'), dir, { recursive: true });
    const [session, ...others] = await gemini.listSessions(cwd, world.env);
    expect(others).toEqual([]);
    expect(session).toMatchObject({ messages: 4, source: expect.stringContaining('T09-59-') });
    const transcript = await gemini.readTranscript(session!.id, { cwd, env: world.env });
    expect(transcript.messages.map((m) => m.text)).toEqual(['first', 'Reply to: first', 'second', 'Reply to: second']);
  });

  it("leaves out other folders' chats (by header hash), subagent chats, and the unknown id with a hint", async () => {
    world = tempHome();
    const dir = chatsDir(world.home, REAL_CWD, 'proj');
    writeFileSync(
      join(dir, 'session-2026-11-21T09-00-aaaaaaaa.jsonl'),
      lines(header('aaaaaaaa-0000-4000-8000-000000000000', '/elsewhere', '2026-11-21T09:00:00.000Z'), msg('a', 'user', 'x', '2026-11-21T09:00:01.000Z')),
    );
    writeFileSync(
      join(dir, 'session-2026-11-21T09-00-bbbbbbbb.jsonl'),
      lines(
        { ...header('bbbbbbbb-0000-4000-8000-000000000000', REAL_CWD, '2026-11-21T09:00:00.000Z'), kind: 'subagent' },
        msg('a', 'user', 'x', '2026-11-21T09:00:01.000Z'),
      ),
    );
    expect(await gemini.listSessions(REAL_CWD, world.env)).toEqual([]);
    await expect(gemini.readTranscript('cccccccc-0000-4000-8000-000000000000', { cwd: REAL_CWD, env: world.env })).rejects.toMatchObject({
      exitCode: 3,
      hint: expect.stringContaining('pwt agent sessions'),
    });
    // Asked for by id from another folder, the other folder's chat is still found.
    expect((await gemini.readTranscript('aaaaaaaa-0000-4000-8000-000000000000', { cwd: REAL_CWD, env: world.env })).messages.map((m) => m.text)).toEqual(['x']);
  });

  it('finds a session by a unique id prefix and refuses an ambiguous one', async () => {
    world = tempHome();
    const dir = chatsDir(world.home, REAL_CWD, 'proj');
    for (const id of ['abcdef12-0000-4000-8000-000000000001', 'abcdef12-0000-4000-8000-000000000002']) {
      writeFileSync(
        join(dir, `session-2026-11-21T09-00-${id.slice(-1)}-abcdef12.jsonl`),
        lines(header(id, REAL_CWD, '2026-11-21T09:00:00.000Z'), msg('a', 'user', id, '2026-11-21T09:00:01.000Z')),
      );
    }
    const one = await gemini.readTranscript('abcdef12-0000-4000-8000-000000000002', { cwd: REAL_CWD, env: world.env });
    expect(one.messages.map((m) => m.text)).toEqual(['abcdef12-0000-4000-8000-000000000002']);
    await expect(gemini.readTranscript('abcdef12-0000', { cwd: REAL_CWD, env: world.env })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('Several gemini sessions'),
    });
  });

  it('captures the first session created after the spawn time, GEMINI_CLI_HOME over HOME', async () => {
    world = tempHome();
    const env = { ...world.env, GEMINI_CLI_HOME: join(world.home, 'alt') };
    const dir = chatsDir(join(world.home, 'alt'), REAL_CWD, 'proj');
    writeFileSync(
      join(dir, 'session-2026-11-21T09-00-11111111.jsonl'),
      lines(header('11111111-0000-4000-8000-000000000000', REAL_CWD, '2026-11-21T09:00:00.000Z')),
    );
    writeFileSync(
      join(dir, 'session-2026-11-21T10-00-22222222.jsonl'),
      lines(header('22222222-0000-4000-8000-000000000000', REAL_CWD, '2026-11-21T10:00:00.000Z')),
    );
    expect(gemini.home(env)).toBe(join(world.home, 'alt/.gemini'));
    expect(await gemini.captureSessionId(REAL_CWD, new Date('2026-11-21T09:30:00Z'), env)).toBe('22222222-0000-4000-8000-000000000000');
    expect(await gemini.captureSessionId(REAL_CWD, new Date('2026-11-21T11:00:00Z'), env)).toBeNull();
    expect(await gemini.captureSessionId(REAL_CWD, new Date('2026-11-21T09:30:00Z'), world.env)).toBeNull();
  });

  it('start and resume commands: a chosen id, -p headless, -i interactive, resume by id only', () => {
    const id = '0f0f0f0f-1111-4222-8333-444444444444';
    expect(gemini.startCommand({ cwd: '/w', sessionId: id, prompt: 'hi', headless: true })).toEqual({
      cmd: 'gemini',
      args: ['--session-id', id, '-p', 'hi'],
      cwd: '/w',
      sessionId: id,
    });
    expect(gemini.startCommand({ cwd: '/w', sessionId: id, prompt: 'hi' }).args).toEqual(['--session-id', id, '-i', 'hi']);
    expect(gemini.startCommand({ cwd: '/w' }).sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(gemini.resumeCommand(id, { cwd: '/w', prompt: 'more', headless: true }).args).toEqual(['--resume', id, '-p', 'more']);
    expect(gemini.resumeCommand(id, { cwd: '/w' }).args).toEqual(['--resume', id]);
    expect(() => gemini.startCommand({ cwd: '/w', sessionId: 'latest' })).toThrow(/Not a session id/);
    expect(() => gemini.startCommand({ cwd: '/w', headless: true })).toThrow(/needs a prompt/);
  });
});

describe('gemini sessionRetention (doctor warning)', () => {
  it('is on by default, off when the user settings say so, and a workspace file overrides the user file', () => {
    world = tempHome();
    const env = { ...world.env, GEMINI_CLI_SYSTEM_DEFAULTS_PATH: '/nonexistent', GEMINI_CLI_SYSTEM_SETTINGS_PATH: '/nonexistent' };
    expect(geminiSessionRetention(undefined, env)).toEqual({ enabled: true, source: null });
    expect(geminiRetentionWarning(undefined, env)).toMatch(/sessionRetention.*its default.*"enabled": false/);

    mkdirSync(join(world.home, '.gemini'), { recursive: true });
    const user = join(world.home, '.gemini/settings.json');
    writeFileSync(user, '{\n  // keep my chats\n  "general": { "sessionRetention": { "enabled": false, "maxAge": "30d" } }\n}\n');
    expect(geminiRetentionWarning(undefined, env)).toBeNull();

    const project = join(world.home, 'proj');
    mkdirSync(join(project, '.gemini'), { recursive: true });
    writeFileSync(join(project, '.gemini/settings.json'), '{"general":{"sessionRetention":{"enabled":true}}}');
    expect(geminiSessionRetention(project, env)).toEqual({ enabled: true, source: join(project, '.gemini/settings.json') });
  });

  it('strips comments but not comment-like text inside strings', () => {
    expect(JSON.parse(stripJsonComments('{"url": "http://x//y", /* c */ "a": 1 // end\n}'))).toEqual({ url: 'http://x//y', a: 1 });
  });
});
