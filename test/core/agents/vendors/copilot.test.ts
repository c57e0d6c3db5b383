import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import copilot, { parseWorkspaceYaml } from '../../../../src/core/agents/vendors/copilot/adapter.js';
import { FIXTURES, FIXTURE_CWD, tempHome, type TempHome } from './fixture-home.js';

/**
 * GitHub Copilot CLI session folders: the hand-written fixture home, two
 * sessions the real CLI wrote (1.0.102: print mode then resumed with the bash
 * tool; print mode with the tool then resumed interactively), and small event
 * logs built here for sub-agents, the flat legacy layout and half-written
 * lines. The real CLI runs in test/agents/copilot.e2e.test.ts.
 */
const REAL_CWD = '/home/dev/work/proj';
const TOOL_ID = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const PLAIN_ID = '8eda0a9e-e471-451d-af2a-6b7fea82c54d';

let world: TempHome | undefined;
afterEach(() => {
  world?.cleanup();
  world = undefined;
});

/** A COPILOT_HOME holding the real session-state folders. */
function realHome(): { world: TempHome; env: NodeJS.ProcessEnv; state: string } {
  world = tempHome();
  const copilotHome = join(world.home, 'copilot-home');
  cpSync(join(FIXTURES, 'copilot/real/session-state'), join(copilotHome, 'session-state'), { recursive: true });
  return { world, env: { ...world.env, COPILOT_HOME: copilotHome }, state: join(copilotHome, 'session-state') };
}

const lines = (...events: unknown[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';
const event = (type: string, data: Record<string, unknown>, timestamp: string, extra: Record<string, unknown> = {}) => ({
  type,
  data,
  id: `${type}-${timestamp}`,
  timestamp,
  parentId: null,
  ...extra,
});

describe('copilot adapter', () => {
  it('reads a real resumed session: the typed prompt (not the transformed one), the bash call with its output, both turns in order', async () => {
    const { env } = realHome();
    const transcript = await copilot.readTranscript(TOOL_ID, { env });
    expect(transcript.id).toBe(TOOL_ID);
    expect(transcript.messages).toEqual([
      { role: 'user', text: 'RUNTOOL run echo hi', tools: [], at: '2026-11-21T09:29:27.482Z' },
      {
        role: 'assistant',
        text: '',
        tools: [{ name: 'bash', input: { command: 'echo hi', description: 'Print hi' }, output: 'hi\n<shellId: 0 completed with exit code 0>' }],
        at: '2026-11-21T09:29:27.546Z',
      },
      { role: 'assistant', text: 'Mock reply: the tool printed "hi\\n<shellId: 0 completed with exit code 0>"', tools: [], at: '2026-11-21T09:29:27.657Z' },
      { role: 'user', text: 'resumed interactively', tools: [], at: '2026-11-21T09:29:46.544Z' },
      { role: 'assistant', text: 'Mock reply: done.', tools: [], at: '2026-11-21T09:29:46.638Z' },
    ]);
  });

  it("lists the folder's sessions newest first, last conversation event over workspace.yaml's stale updated_at", async () => {
    const { env } = realHome();
    const sessions = await copilot.listSessions(REAL_CWD, env);
    expect(sessions.map((s) => [s.id, s.startedAt, s.updatedAt, s.messages])).toEqual([
      [TOOL_ID, '2026-11-21T09:29:16.417Z', '2026-11-21T09:29:46.638Z', 5],
      [PLAIN_ID, '2026-11-21T09:28:59.292Z', expect.stringMatching(/^2026-11-21T09:29:0/), 5],
    ]);
    expect(sessions[0]).toMatchObject({ provider: 'copilot', cwd: REAL_CWD, source: expect.stringContaining(`${TOOL_ID}/events.jsonl`) });
    expect(await copilot.listSessions('/home/dev/work/other', env)).toEqual([]);
  });

  it('finds the fixture session under HOME/.copilot, with a tool call that has no shell', async () => {
    world = tempHome('copilot');
    expect(copilot.home(world.env)).toBe(join(world.home, '.copilot'));
    const [session] = await copilot.listSessions(FIXTURE_CWD, world.env);
    expect(session).toMatchObject({ id: 'a995dbc4-4649-4073-82de-afcbbc8aec81', startedAt: '2026-05-01T10:15:30.300Z', messages: 3 });
    const transcript = await copilot.readTranscript('a995dbc4', { cwd: FIXTURE_CWD, env: world.env });
    expect(transcript.messages[1]!.tools).toEqual([
      { name: 'view', input: { path: '/home/dev/work/acme-app/src/cli.ts' }, output: expect.stringContaining('export function main') },
    ]);
  });

  it("leaves out sub-agents' events, tolerates a half-written last line, reads the flat legacy layout", async () => {
    const { env, state } = realHome();
    const id = 'bbbbbbbb-0000-4000-8000-000000000000';
    writeFileSync(
      join(state, `${id}.jsonl`),
      lines(
        event('session.start', { sessionId: id, startTime: '2026-11-21T10:00:00.000Z', context: { cwd: REAL_CWD } }, '2026-11-21T10:00:00.000Z'),
        event('user.message', { content: 'delegate it' }, '2026-11-21T10:00:01.000Z'),
        event(
          'assistant.message',
          { messageId: 'm1', content: '', toolRequests: [{ toolCallId: 't1', name: 'task', arguments: { prompt: 'sub' } }] },
          '2026-11-21T10:00:02.000Z',
        ),
        event('user.message', { content: 'sub-agent prompt', parentToolCallId: 't1' }, '2026-11-21T10:00:03.000Z'),
        event('assistant.message', { messageId: 'm2', content: 'sub-agent answer' }, '2026-11-21T10:00:04.000Z', { agentId: 'agent-1' }),
        event('tool.execution_complete', { toolCallId: 't1', success: false, error: { message: 'sub-agent gave up' } }, '2026-11-21T10:00:05.000Z'),
        event('assistant.message', { messageId: 'm3', content: 'It did not work.' }, '2026-11-21T10:00:06.000Z'),
      ) + '{"type":"assistant.mes',
    );
    const transcript = await copilot.readTranscript(id, { env });
    expect(transcript.messages.map((m) => m.text)).toEqual(['delegate it', '', 'It did not work.']);
    expect(transcript.messages[1]!.tools).toEqual([{ name: 'task', input: { prompt: 'sub' }, output: 'Error: sub-agent gave up' }]);
    expect((await copilot.listSessions(REAL_CWD, env)).map((s) => s.id)[0]).toBe(id);
  });

  it('captures the first session of the folder started after the spawn time; an unknown id fails with a hint', async () => {
    const { env } = realHome();
    expect(await copilot.captureSessionId(REAL_CWD, new Date('2026-11-21T09:29:10Z'), env)).toBe(TOOL_ID);
    expect(await copilot.captureSessionId(REAL_CWD, new Date('2026-11-21T09:00:00Z'), env)).toBe(PLAIN_ID);
    expect(await copilot.captureSessionId(REAL_CWD, new Date('2026-11-21T10:00:00Z'), env)).toBeNull();
    await expect(copilot.readTranscript('cccccccc-0000-4000-8000-000000000000', { env })).rejects.toMatchObject({
      exitCode: 3,
      hint: expect.stringContaining('pwt agent sessions'),
    });
  });

  it('start and resume commands: a chosen id, -p headless, -i interactive, --resume=<id> and never --continue', () => {
    const id = '0f0f0f0f-1111-4222-8333-444444444444';
    expect(copilot.startCommand({ cwd: '/w', sessionId: id, prompt: 'hi', headless: true })).toEqual({
      cmd: 'copilot',
      args: ['--session-id', id, '-p', 'hi'],
      cwd: '/w',
      sessionId: id,
    });
    expect(copilot.startCommand({ cwd: '/w', sessionId: id, prompt: 'hi', name: 'fix-login' }).args).toEqual([
      '--session-id',
      id,
      '--name',
      'fix-login',
      '-i',
      'hi',
    ]);
    expect(copilot.resumeCommand(id, { cwd: '/w', prompt: 'more', headless: true }).args).toEqual([`--resume=${id}`, '-p', 'more']);
    expect(copilot.resumeCommand(id, { cwd: '/w' }).args).toEqual([`--resume=${id}`]);
    expect(JSON.stringify([copilot.startCommand({ cwd: '/w' }), copilot.resumeCommand(id, { cwd: '/w' })])).not.toContain('--continue');
    expect(() => copilot.startCommand({ cwd: '/w', sessionId: 'x y' })).toThrow(/Not a session id/);
  });

  it('parses workspace.yaml values, quoted or not', () => {
    expect(parseWorkspaceYaml("id: abc\ncwd: \"/tmp/with: colon\"\nname: 'it''s'\nempty:\n  nested: no\n")).toEqual({
      id: 'abc',
      cwd: '/tmp/with: colon',
      name: "it's",
      empty: '',
    });
  });

  it('honours a blank COPILOT_HOME as unset, like the CLI', () => {
    world = tempHome();
    mkdirSync(join(world.home, '.copilot'));
    expect(copilot.home({ ...world.env, COPILOT_HOME: '  ' })).toBe(join(world.home, '.copilot'));
  });
});
