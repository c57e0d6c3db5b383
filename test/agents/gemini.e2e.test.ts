import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import gemini from '../../src/core/agents/vendors/gemini/adapter.js';
import {
  converseOnce,
  expectEveryRequestRouted,
  expectPinnedVersion,
  expectResumeAddsTurn,
  expectToolTurn,
  pollSessions,
  replyTurn,
  runHeadless,
  turns,
  useFreshWorlds,
  useModelServer,
} from './e2e.js';
import { geminiRecipe } from './recipes.js';
import { MARKER, TOOL_COMMAND } from './server/script.js';

/**
 * The real gemini CLI (@google/gemini-cli, pinned in scripts/install-agent-clis.mjs)
 * against the test model server's Gemini protocol, in a session worktree with
 * a fresh HOME: the adapter must find the session gemini wrote, read the tool
 * call, and resume it by id.
 */
const server = useModelServer();
const worlds = useFreshWorlds('gemini', (world) => geminiRecipe(world, server.url));

/** gemini only offers its shell tool in headless mode with yolo approval; --skip-trust answers the folder trust question. */
const HEADLESS_EXTRA = ['--approval-mode', 'yolo', '--skip-trust'];
/** gemini's shell tool. */
const TOOL = { name: 'run_shell_command', input: { command: TOOL_COMMAND } };

describe('gemini CLI (real) against the local model server', () => {
  it('headless: the chosen id is found for the worktree, the transcript holds the tool call, resume by id adds a turn', async () => {
    const { world, env } = worlds.make('gemini-headless');
    await expectPinnedVersion(gemini, '@google/gemini-cli', 'gemini', env);
    const prompt = `Run the check ${MARKER}`;
    const start = gemini.startCommand({ cwd: world.cwd, prompt, headless: true, sessionId: randomUUID() });
    const id = start.sessionId!;
    await runHeadless(start, env, HEADLESS_EXTRA);

    const [session] = await pollSessions(gemini, world.cwd, env);
    expect(session).toMatchObject({ provider: 'gemini', id, cwd: world.cwd });
    expectToolTurn(await gemini.readTranscript(id, { cwd: world.cwd, env }), { prompt, tool: TOOL });

    await expectResumeAddsTurn(gemini, id, { world, env, prompt, tool: TOOL, extra: HEADLESS_EXTRA });
    expectEveryRequestRouted(server);
  }, 240_000);

  it('interactive in tmux: prompt typed, /quit, id captured for the worktree, resumed by id with a second turn', async () => {
    const { world, env } = worlds.make('gemini-tui');
    const since = new Date();
    const converse = (spec: { cmd: string; args: string[] }, text: string) =>
      converseOnce(worlds.tmux(world, { cmd: spec.cmd, args: [...spec.args, '--skip-trust'] }, env), text, { ready: /Type your message/i, quit: '/quit' });

    const start = gemini.startCommand({ cwd: world.cwd });
    await converse(start, 'first interactive turn');
    expect(await gemini.captureSessionId(world.cwd, since, env)).toBe(start.sessionId);

    await converse(gemini.resumeCommand(start.sessionId!, { cwd: world.cwd }), 'second interactive turn');
    const transcript = await gemini.readTranscript(start.sessionId!, { cwd: world.cwd, env });
    expect(turns(transcript.messages)).toEqual([...replyTurn('first interactive turn'), ...replyTurn('second interactive turn')]);
  }, 240_000);
});
