import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import claude, { projectFolderName } from '../../../../src/core/agents/vendors/claude/adapter.js';
import { cleanUserText } from '../../../../src/core/agents/vendors/claude/transcript.js';
import { inChainOrder } from '../../../../src/core/agents/vendors/claude/order.js';
import { PwtError } from '../../../../src/core/infra/errors.js';

/**
 * The claude adapter on session files claude-code 2.1.197 wrote (fixtures),
 * laid out in a temp CLAUDE_CONFIG_DIR the way the CLI lays them out.
 */
const FIXTURES = resolve(import.meta.dirname, '../../../fixtures/agents/claude');
const CWD = '/home/dev/work/proj'; // the cwd recorded in the fixtures (absent here: realCwd keeps it as is)
const PRINT_ID = '11111111-1111-4111-8111-111111111111';
const INTERACTIVE_ID = '33333333-3333-4333-8333-333333333333';

let root = '';
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = '';
});

function world(): { env: NodeJS.ProcessEnv; folder: string } {
  root = mkdtempSync(join(tmpdir(), 'pwt-claude-'));
  const config = join(root, 'config');
  const folder = join(config, 'projects', projectFolderName(CWD));
  mkdirSync(folder, { recursive: true });
  copyFileSync(join(FIXTURES, 'print-mode-with-bash-tool.jsonl'), join(folder, `${PRINT_ID}.jsonl`));
  copyFileSync(join(FIXTURES, 'interactive-resumed.jsonl'), join(folder, `${INTERACTIVE_ID}.jsonl`));
  return { env: { HOME: join(root, 'home'), CLAUDE_CONFIG_DIR: config }, folder };
}

const line = (record: Record<string, unknown>) => `${JSON.stringify({ cwd: CWD, sessionId: PRINT_ID, timestamp: '2026-11-21T09:30:00.000Z', ...record })}\n`;

describe('claude adapter: files', () => {
  it('home honours CLAUDE_CONFIG_DIR, then HOME', () => {
    expect(claude.home({ HOME: '/h', CLAUDE_CONFIG_DIR: '/cfg' })).toBe('/cfg');
    expect(claude.home({ HOME: '/h' })).toBe('/h/.claude');
    expect(projectFolderName('/home/dev/my_app.v2')).toBe('-home-dev-my-app-v2');
  });

  it('reads a print-mode session: prompts, merged assistant turn, Bash call with its output', async () => {
    const { env } = world();
    const transcript = await claude.readTranscript(PRINT_ID, { cwd: CWD, env });
    expect(transcript).toMatchObject({ provider: 'claude', id: PRINT_ID });
    expect(transcript.messages).toEqual([
      { role: 'user', text: 'say hi', tools: [], at: '2026-11-21T09:18:47.368Z' },
      { role: 'assistant', text: 'Mock reply: done.', tools: [], at: '2026-11-21T09:18:47.413Z' },
      { role: 'user', text: 'RUNTOOL please run echo hi', tools: [], at: '2026-11-21T09:18:49.280Z' },
      {
        role: 'assistant',
        text: 'Mock reply: the tool printed "hi"',
        tools: [{ name: 'Bash', input: { command: 'echo hi' }, output: 'hi' }],
        at: '2026-11-21T09:18:49.318Z',
      },
    ]);
  });

  it('streams the same messages one at a time', async () => {
    const { env } = world();
    const streamed = [];
    for await (const message of claude.streamTranscript!(PRINT_ID, { cwd: CWD, env })) streamed.push(message);
    expect(streamed).toEqual((await claude.readTranscript(PRINT_ID, { cwd: CWD, env })).messages);
    const iterate = async () => {
      for await (const _ of claude.streamTranscript!('66666666-6666-4666-8666-666666666666', { env })) void _;
    };
    await expect(iterate()).rejects.toBeInstanceOf(PwtError);
  });

  it('reads a resumed interactive session in order, skipping attachments and system lines', async () => {
    const { env } = world();
    const { messages } = await claude.readTranscript(INTERACTIVE_ID, { env });
    expect(messages.map((m) => [m.role, m.text])).toEqual([
      ['user', 'RUNTOOL run echo hi please'],
      ['assistant', 'Mock reply: done.'],
      ['user', 'RUNTOOL run echo hi please again'],
      ['assistant', 'Mock reply: the tool printed "hi"'],
      ['user', 'resumed interactively'],
      ['assistant', 'Mock reply: done.'],
    ]);
    expect(messages[3]!.tools).toEqual([{ name: 'Bash', input: { command: 'echo hi' }, output: 'hi' }]);
  });

  it('lists the sessions of the cwd newest first with message counts', async () => {
    const { env } = world();
    const sessions = await claude.listSessions(CWD, env);
    expect(sessions.map((s) => [s.id, s.messages, s.startedAt, s.updatedAt])).toEqual([
      [INTERACTIVE_ID, 6, '2026-11-21T09:19:14.130Z', '2026-11-21T09:19:44.474Z'],
      [PRINT_ID, 4, '2026-11-21T09:18:47.368Z', '2026-11-21T09:18:49.378Z'],
    ]);
    expect(sessions[0]).toMatchObject({ provider: 'claude', cwd: CWD });
    expect(await claude.listSessions('/home/dev/work/other', env)).toEqual([]);
  });

  it('matches by the recorded cwd: the folder name is lossy (/a/b-c and /a/b/c share it)', async () => {
    const { env, folder } = world();
    const text = readFileSync(join(folder, `${PRINT_ID}.jsonl`), 'utf8').replaceAll(`"cwd":"${CWD}"`, '"cwd":"/home/dev/work-proj"');
    writeFileSync(join(folder, '44444444-4444-4444-8444-444444444444.jsonl'), text);
    expect(projectFolderName('/home/dev/work-proj')).toBe(projectFolderName(CWD));
    expect((await claude.listSessions(CWD, env)).map((s) => s.id)).toEqual([INTERACTIVE_ID, PRINT_ID]);
  });

  it('finds a cwd whose folder name was cut at 200 chars and given a hash suffix', async () => {
    root = mkdtempSync(join(tmpdir(), 'pwt-claude-'));
    const longCwd = `/home/dev/${'very-long-folder-name/'.repeat(12)}app`;
    const folderName = `${projectFolderName(longCwd).slice(0, 200)}-1k2j3h`;
    const folder = join(root, 'projects', folderName);
    mkdirSync(folder, { recursive: true });
    const text = readFileSync(join(FIXTURES, 'print-mode-with-bash-tool.jsonl'), 'utf8').replaceAll(`"cwd":"${CWD}"`, `"cwd":"${longCwd}"`);
    writeFileSync(join(folder, `${PRINT_ID}.jsonl`), text);
    const sessions = await claude.listSessions(longCwd, { HOME: '/nowhere', CLAUDE_CONFIG_DIR: root });
    expect(sessions.map((s) => s.id)).toEqual([PRINT_ID]);
  });

  it('drops sidechains, meta lines, synthetic replies, reminders and slash-command records; survives a half-written last line', async () => {
    const { env, folder } = world();
    const file = join(folder, `${PRINT_ID}.jsonl`);
    appendFileSync(file, line({ type: 'user', isSidechain: true, message: { role: 'user', content: 'subagent prompt' } }));
    appendFileSync(
      file,
      line({ type: 'assistant', isSidechain: true, message: { id: 'm_side', role: 'assistant', content: [{ type: 'text', text: 'subagent reply' }] } }),
    );
    appendFileSync(file, line({ type: 'user', isMeta: true, message: { role: 'user', content: 'Caveat: the messages below were generated by the user' } }));
    appendFileSync(
      file,
      line({ type: 'user', message: { role: 'user', content: '<command-name>/model</command-name>\n<command-message>model</command-message>' } }),
    );
    appendFileSync(
      file,
      line({
        type: 'user',
        message: {
          role: 'user',
          content: [
            { type: 'text', text: '<system-reminder>be nice</system-reminder>' },
            { type: 'text', text: 'last question' },
          ],
        },
      }),
    );
    appendFileSync(
      file,
      line({ type: 'assistant', message: { id: 'm9', model: '<synthetic>', role: 'assistant', content: [{ type: 'text', text: 'API Error' }] } }),
    );
    appendFileSync(file, line({ type: 'assistant', message: { id: 'm10', role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm' }] } }));
    appendFileSync(file, line({ type: 'assistant', message: { id: 'm10', role: 'assistant', content: [{ type: 'text', text: 'last answer' }] } }));
    appendFileSync(file, '{"type":"user","message":{"role":"user","content":"half wri');
    const { messages } = await claude.readTranscript(PRINT_ID, { cwd: CWD, env });
    expect(messages.slice(4).map((m) => [m.role, m.text])).toEqual([
      ['user', 'last question'],
      ['assistant', 'last answer'],
    ]);
  });

  it('reads a file that grows while it is read', async () => {
    const { env, folder } = world();
    const file = join(folder, `${PRINT_ID}.jsonl`);
    const seen = [];
    for await (const message of claude.streamTranscript!(PRINT_ID, { cwd: CWD, env })) {
      if (seen.length === 0) {
        appendFileSync(file, line({ type: 'user', message: { role: 'user', content: 'written meanwhile' } }));
        appendFileSync(file, '{"type":"assistant","message":{"id":"m_half","role":"assist');
      }
      seen.push(message.text);
    }
    expect(seen.slice(0, 4)).toEqual(['say hi', 'Mock reply: done.', 'RUNTOOL please run echo hi', 'Mock reply: the tool printed "hi"']);
    // Read again once the writer is done: the complete line is there, the half line is not.
    const again = await claude.readTranscript(PRINT_ID, { cwd: CWD, env });
    expect(again.messages.map((m) => m.text).slice(4)).toEqual(['written meanwhile']);
  });

  it('reads records in uuid chain order: the TUI can write a reply before its prompt', async () => {
    const { env, folder } = world();
    const file = join(folder, `${INTERACTIVE_ID}.jsonl`);
    const lines = readFileSync(file, 'utf8').split('\n');
    // As claude 2.1.197 wrote it under load: the first tool_use reply and the prompt's attachments before the prompt.
    const prompt = lines.findIndex((l) => l.includes('"RUNTOOL run echo hi please again"') && l.includes('"type":"user"'));
    const reply = lines.findIndex((l) => l.includes('"toolu_mock4"') && l.includes('"type":"assistant"'));
    const [moved] = lines.splice(reply, 1);
    lines.splice(prompt, 0, moved!);
    writeFileSync(file, lines.join('\n'));
    const { messages } = await claude.readTranscript(INTERACTIVE_ID, { cwd: CWD, env });
    expect(messages.map((m) => [m.role, m.text, m.tools.length])).toEqual([
      ['user', 'RUNTOOL run echo hi please', 0],
      ['assistant', 'Mock reply: done.', 0],
      ['user', 'RUNTOOL run echo hi please again', 0],
      ['assistant', 'Mock reply: the tool printed "hi"', 1],
      ['user', 'resumed interactively', 0],
      ['assistant', 'Mock reply: done.', 0],
    ]);
  });

  it('cleans user text', () => {
    expect(cleanUserText('<system-reminder>x</system-reminder>fix it')).toBe('fix it');
    expect(cleanUserText('<local-command-stdout>ok</local-command-stdout>')).toBe('');
    expect(cleanUserText('[Request interrupted by user]')).toBe('');
  });

  it('captures the first session of the cwd started after the spawn time', async () => {
    const { env, folder } = world();
    // Both fixtures started before this spawn time: nothing to capture yet.
    const since = new Date('2026-11-21T09:19:00.000Z');
    expect(await claude.captureSessionId(CWD, new Date('2026-11-21T10:00:00.000Z'), env)).toBeNull();
    expect(await claude.captureSessionId(CWD, since, env)).toBe(INTERACTIVE_ID);
    // mtime older than `since` is skipped without reading the file.
    utimesSync(join(folder, `${INTERACTIVE_ID}.jsonl`), new Date('2026-11-21T09:00:00Z'), new Date('2026-11-21T09:00:00Z'));
    expect(await claude.captureSessionId(CWD, since, env)).toBeNull();
  });

  it('an unknown or malformed id is a precondition error with a hint', async () => {
    const { env } = world();
    for (const id of ['55555555-5555-4555-8555-555555555555', '../../etc/passwd']) {
      const error = await claude.readTranscript(id, { cwd: CWD, env }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PwtError);
      expect((error as PwtError).exitCode).toBe(3);
      expect((error as PwtError).hint).toContain('pwt agent sessions --provider claude');
    }
  });
});

describe('claude adapter: commands', () => {
  it.each([
    [{ cwd: '/w', headless: true, prompt: 'hi', sessionId: 'u1' }, ['-p', '--session-id', 'u1', '--', 'hi']],
    [
      { cwd: '/w', prompt: '-starts with a dash', sessionId: 'u1', name: 'fix-login' },
      ['--session-id', 'u1', '--name', 'fix-login', '--', '-starts with a dash'],
    ],
    [{ cwd: '/w' }, []],
  ])('start %o', (opts, args) => {
    expect(claude.startCommand(opts)).toMatchObject({ cmd: 'claude', args, cwd: '/w' });
  });

  it('resumes by id only, from the given cwd', () => {
    expect(claude.resumeCommand('u1', { cwd: '/w' })).toEqual({ cmd: 'claude', args: ['--resume', 'u1'], cwd: '/w', sessionId: 'u1' });
    expect(claude.resumeCommand('u1', { cwd: '/w', headless: true, prompt: 'more' }).args).toEqual(['-p', '--resume', 'u1', '--', 'more']);
    expect(claude.choosesId).toBe(true);
  });
});

describe('claude chain order', () => {
  async function order(records: Record<string, unknown>[]): Promise<unknown[]> {
    async function* source() {
      yield* records;
    }
    const out: unknown[] = [];
    for await (const record of inChainOrder(source())) out.push(record.uuid ?? record.type);
    return out;
  }

  it.each([
    [
      'in order',
      [
        { uuid: 'a', parentUuid: null },
        { uuid: 'b', parentUuid: 'a' },
        { uuid: 'c', parentUuid: 'b' },
      ],
      ['a', 'b', 'c'],
    ],
    [
      'child first',
      [
        { uuid: 'c', parentUuid: 'b' },
        { uuid: 'b', parentUuid: 'a' },
        { uuid: 'a', parentUuid: null },
      ],
      ['a', 'b', 'c'],
    ],
    ['records without uuid pass through', [{ type: 'mode' }, { uuid: 'b', parentUuid: 'a' }, { uuid: 'a', parentUuid: null }], ['mode', 'a', 'b']],
    [
      'a duplicate uuid is dropped',
      [
        { uuid: 'a', parentUuid: null },
        { uuid: 'a', parentUuid: null },
      ],
      ['a'],
    ],
    [
      'siblings keep file order',
      [
        { uuid: 'b1', parentUuid: 'a' },
        { uuid: 'b2', parentUuid: 'a' },
        { uuid: 'a', parentUuid: null },
      ],
      ['a', 'b1', 'b2'],
    ],
    [
      'a missing parent releases at the end',
      [
        { uuid: 'x', parentUuid: 'gone' },
        { uuid: 'a', parentUuid: null },
      ],
      ['a', 'x'],
    ],
  ])('%s', async (_name, records, expected) => {
    expect(await order(records)).toEqual(expected);
  });
});
