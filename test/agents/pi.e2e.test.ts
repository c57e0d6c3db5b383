import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pi, { agentDir, piFolderName } from '../../src/core/agents/vendors/pi/adapter.js';
import { poll } from './harness.js';
import { piRecipe } from './recipes.js';
import {
  converseOnce,
  expectCliFace,
  expectPinnedVersion,
  expectResumeAddsTurn,
  expectToolTurn,
  replyTurn,
  runHeadless,
  turns,
  useFreshWorlds,
  useModelServer,
} from './e2e.js';
import { MARKER, TOOL_COMMAND } from './server/script.js';

/**
 * The real pi (@mariozechner/pi-coding-agent, pinned in
 * scripts/install-agent-clis.mjs) against the test model server's Chat
 * Completions protocol, in a session worktree with a fresh HOME.
 */
const server = useModelServer();

const worlds = useFreshWorlds('pi', (world) => piRecipe(world, server.url));

/** pi's shell tool. */
const TOOL = { name: 'bash', input: { command: TOOL_COMMAND } };

describe('pi CLI (real) against the local model server', () => {
  it('headless: session found for the worktree (file fixed by pwt), transcript holds the tool call, resume by id adds a turn', async () => {
    const { world, env } = worlds.make('pi-headless');
    await expectPinnedVersion(pi, '@mariozechner/pi-coding-agent', 'pi', env);
    const prompt = `Run the check ${MARKER}`;
    const pwtId = randomUUID();
    const since = new Date();
    await runHeadless(pi.startCommand({ cwd: world.cwd, prompt, headless: true, sessionId: pwtId }, env), env);

    // pi keeps the file pwt named (…_<pwt id>.jsonl) but puts an id of its own in the header.
    const folder = join(agentDir(env), 'sessions', piFolderName(world.cwd));
    expect(readdirSync(folder).filter((name) => name.endsWith(`_${pwtId}.jsonl`))).toHaveLength(1);
    const id = await poll('the pi session of the worktree', () => pi.captureSessionId(world.cwd, since, env));
    const [session] = await pi.listSessions(world.cwd, env);
    expect(session).toMatchObject({ provider: 'pi', id, cwd: world.cwd });
    expectToolTurn(await pi.readTranscript(id, { cwd: world.cwd, env }), { prompt, tool: TOOL });

    const transcript = await expectResumeAddsTurn(pi, id, { world, env, prompt, tool: TOOL });
    expectCliFace(world, env, transcript);
  }, 240_000);

  it('interactive in tmux: prompt typed, /quit, id captured for the worktree, resumed by id with a second turn', async () => {
    const { world, env } = worlds.make('pi-tui');
    const since = new Date();

    const converse = (spec: { cmd: string; args: string[] }, text: string) =>
      converseOnce(worlds.tmux(world, spec, env), text, { ready: /mock-model/, quit: '/quit' });

    await converse(pi.startCommand({ cwd: world.cwd }, env), 'first interactive turn');
    const id = await poll('the pi session of the worktree', () => pi.captureSessionId(world.cwd, since, env));

    const resume = pi.resumeCommand(id, { cwd: world.cwd }, env);
    expect(existsSync(resume.args[1]!)).toBe(true);
    await converse(resume, 'second interactive turn');

    const transcript = await pi.readTranscript(id, { cwd: world.cwd, env });
    expect(turns(transcript.messages)).toEqual([...replyTurn('first interactive turn'), ...replyTurn('second interactive turn')]);
  }, 240_000);
});
