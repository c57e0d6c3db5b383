import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import copilot from '../../src/core/agents/vendors/copilot/adapter.js';
import {
  converseOnce,
  expectCliFace,
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
import { copilotRecipe } from './recipes.js';
import { MARKER, TOOL_COMMAND } from './server/script.js';

/**
 * The real GitHub Copilot CLI (@github/copilot, pinned in
 * scripts/install-agent-clis.mjs) against the test model server's Chat
 * Completions protocol, in a session worktree with a fresh HOME.
 */
const server = useModelServer();
const worlds = useFreshWorlds('copilot', (world) => copilotRecipe(world, server.url));

/** Prompt mode needs the tools allowed up front (copilot --help: "required for non-interactive mode"). */
const HEADLESS_EXTRA = ['--allow-all-tools'];
/** copilot's shell tool. */
const TOOL = { name: 'bash', input: { command: TOOL_COMMAND } };

describe('copilot CLI (real) against the local model server', () => {
  it('headless: the chosen id is found for the worktree, the transcript holds the tool call, resume by id adds a turn', async () => {
    const { world, env } = worlds.make('copilot-headless');
    await expectPinnedVersion(copilot, '@github/copilot', 'copilot', env);
    const prompt = `Run the check ${MARKER}`;
    const start = copilot.startCommand({ cwd: world.cwd, prompt, headless: true, sessionId: randomUUID() });
    const id = start.sessionId!;
    await runHeadless(start, env, HEADLESS_EXTRA);

    const [session] = await pollSessions(copilot, world.cwd, env);
    expect(session).toMatchObject({ provider: 'copilot', id, cwd: world.cwd });
    expectToolTurn(await copilot.readTranscript(id, { cwd: world.cwd, env }), { prompt, tool: TOOL });

    const transcript = await expectResumeAddsTurn(copilot, id, { world, env, prompt, tool: TOOL, extra: HEADLESS_EXTRA });
    expectEveryRequestRouted(server);
    expectCliFace(world, env, transcript, { allProviders: true });
  }, 240_000);

  it('interactive in tmux: folder trusted, prompt typed, /exit, id captured for the worktree, resumed by id with a second turn', async () => {
    const { world, env } = worlds.make('copilot-tui');
    const since = new Date();

    /** Answers the folder-trust question ("1. Yes": this session only), then one turn. */
    const converse = async (spec: { cmd: string; args: string[] }, text: string) => {
      const tui = worlds.tmux(world, spec, env);
      await tui.waitForScreen('Do you trust the files in this folder?', 60_000);
      tui.keys('Enter');
      await converseOnce(tui, text, { ready: /Interactive .* \/ commands/, quit: '/exit' });
    };

    const start = copilot.startCommand({ cwd: world.cwd });
    await converse(start, 'first interactive turn');
    expect(await copilot.captureSessionId(world.cwd, since, env)).toBe(start.sessionId);

    await converse(copilot.resumeCommand(start.sessionId!, { cwd: world.cwd }), 'second interactive turn');
    const transcript = await copilot.readTranscript(start.sessionId!, { cwd: world.cwd, env });
    expect(turns(transcript.messages)).toEqual([...replyTurn('first interactive turn'), ...replyTurn('second interactive turn')]);
  }, 240_000);
});
