import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import cursor, { cursorSlug } from '../../../../src/core/agents/vendors/cursor/adapter.js';
import { FIXTURE_CWD, tempHome, type TempHome } from './fixture-home.js';

/**
 * Why no real CLI here: cursor-agent is not on npm (Cursor ships it through a
 * curl installer that downloads a binary and needs a Cursor login), so no
 * test can install or run it offline. These tests read the hand-written
 * transcripts in test/fixtures/agents/cursor (layout from third-party
 * reports, see src/core/agents/vendors/cursor/adapter.ts) and pin the command lines pwt
 * builds for it.
 */
const FIXTURE_ID = '5c4b3a29-1807-4f6e-9d5c-4b3a29180706';

let world: TempHome | undefined;
afterEach(() => {
  world?.cleanup();
  world = undefined;
});

describe('cursor adapter: transcripts', () => {
  it('finds the fixture transcript for its folder and reads the user query out of the injected context', async () => {
    world = tempHome('cursor');
    const sessions = await cursor.listSessions(FIXTURE_CWD, world.env);
    expect(sessions).toEqual([expect.objectContaining({ provider: 'cursor', id: FIXTURE_ID, cwd: FIXTURE_CWD, messages: 3 })]);
    const transcript = await cursor.readTranscript(FIXTURE_ID, { cwd: FIXTURE_CWD, env: world.env });
    expect(transcript.messages).toEqual([
      { role: 'user', text: 'Add a --verbose flag to the CLI in src/cli.ts', tools: [], at: null },
      {
        role: 'assistant',
        text: "I'll read the CLI entry point first.",
        tools: [{ name: 'Read', input: { path: '/home/dev/work/acme-app/src/cli.ts' }, output: '' }],
        at: null,
      },
      {
        role: 'assistant',
        text: 'Added a `--verbose` flag: `parse()` now sets `args.verbose`, and `run()` logs each step when it is true.',
        tools: [],
        at: null,
      },
    ]);
  });

  it('reads the flat layout, attaches tool results, drops context-only user lines', async () => {
    world = tempHome('cursor');
    const dir = join(world.home, '.cursor/projects', cursorSlug('/srv/my app'), 'agent-transcripts');
    mkdirSync(dir, { recursive: true });
    const lines = [
      { role: 'user', message: { content: [{ type: 'text', text: '<user_info>OS linux</user_info>' }] } },
      { role: 'user', message: { content: [{ type: 'text', text: '<user_info>x</user_info>\n<user_query>run the tests</user_query>' }] } },
      { role: 'assistant', message: { content: [{ type: 'tool_use', id: 't1', name: 'Shell', input: { command: 'npm test' } }] } },
      { role: 'user', message: { content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: '3 passed' }] }] } },
    ];
    writeFileSync(join(dir, 'flat-id.jsonl'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n{"role":"assistant","mess`);
    const transcript = await cursor.readTranscript('flat-id', { cwd: '/srv/my app', env: world.env });
    expect(transcript.messages).toEqual([
      { role: 'user', text: 'run the tests', tools: [], at: null },
      { role: 'assistant', text: '', tools: [{ name: 'Shell', input: { command: 'npm test' }, output: '3 passed' }], at: null },
    ]);
    // Without a cwd the id is looked up in every project folder; an id with a path in it is refused.
    expect((await cursor.readTranscript('flat-id', { env: world.env })).messages).toHaveLength(2);
    await expect(cursor.readTranscript('../x', { env: world.env })).rejects.toMatchObject({ exitCode: 3 });
  });

  it('lists nothing for another folder', async () => {
    world = tempHome('cursor');
    expect(await cursor.listSessions('/home/dev/work/other', world.env)).toEqual([]);
  });

  it('captures a transcript created after the spawn time', async () => {
    world = tempHome('cursor');
    const since = new Date(Date.now() - 1000);
    expect(await cursor.captureSessionId(FIXTURE_CWD, new Date(Date.now() + 60_000), world.env)).toBeNull();
    expect(await cursor.captureSessionId(FIXTURE_CWD, since, world.env)).toBe(FIXTURE_ID);
  });
});

describe('cursor adapter: commands', () => {
  const cwd = '/tmp';
  it.each([
    ['interactive start', { cwd }, []],
    ['interactive start with a prompt', { cwd, prompt: 'hi' }, ['hi']],
    ['headless start', { cwd, prompt: 'hi', headless: true }, ['-p', 'hi']],
    ['start of a chat made by create-chat', { cwd, prompt: 'hi', sessionId: 'abc' }, ['--resume', 'abc', 'hi']],
  ])('%s', (_name, opts, args) => {
    expect(cursor.startCommand(opts).args).toEqual(args);
  });

  it('resumes by id, never "latest"', () => {
    expect(cursor.resumeCommand('abc', { cwd, prompt: 'more', headless: true })).toEqual({ cmd: 'cursor-agent', args: ['--resume', 'abc', '-p', 'more'], cwd });
  });

  it('slugs the real path: separators and other punctuation become -', () => {
    expect(cursorSlug('/home/dev/work/acme-app')).toBe('home-dev-work-acme-app');
    expect(cursorSlug('/srv/my app.v2')).toBe('srv-my-app-v2');
  });

  it('reports a missing cursor-agent as not found', async () => {
    expect(await cursor.detect({ PATH: '/nonexistent' })).toEqual({ found: false, version: null, path: null });
    await expect(cursor.createSession!('/tmp', { PATH: '/nonexistent' })).rejects.toMatchObject({ exitCode: 3 });
  });
});
