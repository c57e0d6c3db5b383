import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pi, { agentDir, piFolderName } from '../../src/core/agents/pi.js';
import type { Transcript } from '../../src/core/agents/types.js';
import { makeAgentWorld, poll, requireCli, runCommand, TmuxSession, type AgentWorld } from './harness.js';
import { startModelServer, type ModelServer } from './server/index.js';
import { MARKER, TOOL_COMMAND, TOOL_OUTPUT } from './server/script.js';

/**
 * The real pi (@mariozechner/pi-coding-agent, pinned in
 * scripts/install-agent-clis.mjs) against the test model server's Chat
 * Completions protocol, in a session worktree with a fresh HOME.
 */
let server: ModelServer;
let world: AgentWorld | undefined;
let tmux: TmuxSession | undefined;

beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server?.close();
});
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
  world?.sandbox.cleanup();
  world = undefined;
});

/** The offline recipe (shared/agents/recipes/pi): a custom provider in models.json, PI_OFFLINE so it downloads no fd/ripgrep. */
function piWorld(name: string): { world: AgentWorld; env: NodeJS.ProcessEnv } {
  requireCli('pi');
  const w = makeAgentWorld(name);
  world = w;
  const env = { ...w.env, PI_OFFLINE: '1' };
  const dir = agentDir(env);
  mkdirSync(dir, { recursive: true });
  const model = { id: 'mock-model', name: 'Mock', reasoning: false, input: ['text'], contextWindow: 128000, maxTokens: 4096 };
  const provider = { baseUrl: `${server.url}/v1`, api: 'openai-completions', apiKey: 'sk-fake', compat: { supportsDeveloperRole: false, supportsReasoningEffort: false }, models: [model] };
  writeFileSync(join(dir, 'models.json'), JSON.stringify({ providers: { mock: provider } }, null, 2));
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ defaultProvider: 'mock', defaultModel: 'mock-model', lastChangelogVersion: '0.73.1' }, null, 2));
  return { world: w, env };
}

function expectToolTurn(transcript: Transcript, prompt: string): void {
  const [user, ...rest] = transcript.messages;
  expect(user).toMatchObject({ role: 'user', text: prompt });
  const call = rest.flatMap((m) => m.tools)[0];
  expect(call).toMatchObject({ name: 'bash', input: { command: TOOL_COMMAND } });
  expect(call!.output).toContain(TOOL_OUTPUT);
  expect(rest.some((m) => m.role === 'assistant' && m.text === `Done: the tool printed ${TOOL_OUTPUT}`)).toBe(true);
}

describe('pi CLI (real) against the local model server', () => {
  it('headless: session found for the worktree (file fixed by pwt), transcript holds the tool call, resume by id adds a turn', async () => {
    const { world, env } = piWorld('pi-headless');
    const prompt = `Run the check ${MARKER}`;
    const pwtId = randomUUID();
    const since = new Date();
    const start = pi.startCommand({ cwd: world.cwd, prompt, headless: true, sessionId: pwtId }, env);
    const first = await runCommand(start.cmd, start.args, { cwd: start.cwd, env, timeoutMs: 120_000 });
    expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(0);

    // pi keeps the file pwt named (…_<pwt id>.jsonl) but puts an id of its own in the header.
    const folder = join(agentDir(env), 'sessions', piFolderName(world.cwd));
    expect(readdirSync(folder).filter((name) => name.endsWith(`_${pwtId}.jsonl`))).toHaveLength(1);
    const id = await poll('the pi session of the worktree', () => pi.captureSessionId(world.cwd, since, env));
    const [session] = await pi.listSessions(world.cwd, env);
    expect(session).toMatchObject({ provider: 'pi', id, cwd: world.cwd });
    expectToolTurn(await pi.readTranscript(id, { cwd: world.cwd, env }), prompt);

    const resume = pi.resumeCommand(id, { cwd: world.cwd, prompt: 'And a second turn', headless: true }, env);
    const second = await runCommand(resume.cmd, resume.args, { cwd: resume.cwd, env, timeoutMs: 120_000 });
    expect(second.code, `${second.stdout}\n${second.stderr}`).toBe(0);

    const transcript = await pi.readTranscript(id, { cwd: world.cwd, env });
    expectToolTurn(transcript, prompt);
    expect(transcript.messages.slice(-2).map((m) => [m.role, m.text])).toEqual([
      ['user', 'And a second turn'],
      ['assistant', 'Reply to: And a second turn'],
    ]);
    expect((await pi.listSessions(world.cwd, env)).map((s) => [s.id, s.messages])).toEqual([[id, transcript.messages.length]]);

    // The CLI face over the same files.
    const printed = world.sandbox.pwt(world.cwd, ['agent', 'transcript', 'pi', '--json'], env);
    expect(printed.code, printed.stderr).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual({ provider: 'pi', id, messages: transcript.messages });
  }, 240_000);

  it('interactive in tmux: prompt typed, /quit, id captured for the worktree, resumed by id with a second turn', async () => {
    const { world, env } = piWorld('pi-tui');
    const since = new Date();

    const converse = async (text: string) => {
      await tmux!.waitForScreen(/mock-model/, 60_000);
      await tmux!.submit(text);
      await tmux!.waitForScreen(`Reply to: ${text}`, 60_000);
      await tmux!.submit('/quit');
      await tmux!.waitForExit(30_000);
      tmux!.kill();
    };

    const start = pi.startCommand({ cwd: world.cwd }, env);
    tmux = TmuxSession.start(world, start.cmd, start.args, { env });
    await converse('first interactive turn');
    const id = await poll('the pi session of the worktree', () => pi.captureSessionId(world.cwd, since, env));

    const resume = pi.resumeCommand(id, { cwd: world.cwd }, env);
    expect(existsSync(resume.args[1]!)).toBe(true);
    tmux = TmuxSession.start(world, resume.cmd, resume.args, { env });
    await converse('second interactive turn');

    const transcript = await pi.readTranscript(id, { cwd: world.cwd, env });
    expect(transcript.messages.map((m) => [m.role, m.text])).toEqual([
      ['user', 'first interactive turn'],
      ['assistant', 'Reply to: first interactive turn'],
      ['user', 'second interactive turn'],
      ['assistant', 'Reply to: second interactive turn'],
    ]);
  }, 240_000);
});
