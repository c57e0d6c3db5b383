import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import copilot from '../../src/core/agents/copilot.js';
import type { Transcript } from '../../src/core/agents/types.js';
import { CLI_CACHE, makeAgentWorld, poll, requireCli, runCommand, TmuxSession, type AgentWorld } from './harness.js';
import { startModelServer, type ModelServer } from './server/index.js';
import { MARKER, TOOL_COMMAND, TOOL_OUTPUT } from './server/script.js';

/**
 * The real GitHub Copilot CLI (@github/copilot, pinned in
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

/**
 * The offline recipe (shared/agents/recipes/copilot). XDG_CACHE_HOME is shared
 * between tests: the first run unpacks ~235 MB of the CLI there, which is not
 * session state.
 */
function copilotWorld(name: string): { world: AgentWorld; env: NodeJS.ProcessEnv } {
  requireCli('copilot');
  const w = makeAgentWorld(name);
  world = w;
  return {
    world: w,
    env: {
      ...w.env,
      XDG_CACHE_HOME: join(CLI_CACHE, 'xdg-cache'),
      COPILOT_OFFLINE: 'true',
      COPILOT_AUTO_UPDATE: 'false',
      COPILOT_PROVIDER_BASE_URL: `${server.url}/v1`,
      COPILOT_PROVIDER_TYPE: 'openai',
      COPILOT_PROVIDER_API_KEY: 'sk-fake',
      COPILOT_MODEL: 'gpt-4.1',
    },
  };
}

/** Prompt mode needs the tools allowed up front (copilot --help: "required for non-interactive mode"). */
const HEADLESS_EXTRA = ['--allow-all-tools'];

function expectToolTurn(transcript: Transcript, prompt: string): void {
  const [user, ...rest] = transcript.messages;
  expect(user).toMatchObject({ role: 'user', text: prompt });
  const call = rest.flatMap((m) => m.tools)[0];
  expect(call).toMatchObject({ name: 'bash', input: { command: TOOL_COMMAND } });
  expect(call!.output).toContain(TOOL_OUTPUT);
  expect(rest.some((m) => m.role === 'assistant' && m.text === `Done: the tool printed ${TOOL_OUTPUT}`)).toBe(true);
}

describe('copilot CLI (real) against the local model server', () => {
  it('headless: the chosen id is found for the worktree, the transcript holds the tool call, resume by id adds a turn', async () => {
    const { world, env } = copilotWorld('copilot-headless');
    const pinned = JSON.parse(readFileSync(join(CLI_CACHE, 'node_modules/@github/copilot/package.json'), 'utf8')).version;
    expect(await copilot.detect(env)).toEqual({ found: true, version: pinned, path: join(CLI_CACHE, 'node_modules/.bin/copilot') });
    expect(await copilot.detect({ ...env, PATH: '/nonexistent' })).toEqual({ found: false, version: null, path: null });
    const prompt = `Run the check ${MARKER}`;
    const start = copilot.startCommand({ cwd: world.cwd, prompt, headless: true, sessionId: randomUUID() });
    const first = await runCommand(start.cmd, [...start.args, ...HEADLESS_EXTRA], { cwd: start.cwd, env, timeoutMs: 120_000 });
    expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(0);

    const [session] = await poll('the copilot session of the worktree', async () => {
      const found = await copilot.listSessions(world.cwd, env);
      return found.length > 0 && found;
    });
    expect(session).toMatchObject({ provider: 'copilot', id: start.sessionId, cwd: world.cwd });
    expectToolTurn(await copilot.readTranscript(start.sessionId!, { cwd: world.cwd, env }), prompt);

    const resume = copilot.resumeCommand(start.sessionId!, { cwd: world.cwd, prompt: 'And a second turn', headless: true });
    const second = await runCommand(resume.cmd, [...resume.args, ...HEADLESS_EXTRA], { cwd: resume.cwd, env, timeoutMs: 120_000 });
    expect(second.code, `${second.stdout}\n${second.stderr}`).toBe(0);

    const transcript = await copilot.readTranscript(start.sessionId!, { cwd: world.cwd, env });
    expectToolTurn(transcript, prompt);
    expect(transcript.messages.slice(-2).map((m) => [m.role, m.text])).toEqual([
      ['user', 'And a second turn'],
      ['assistant', 'Reply to: And a second turn'],
    ]);
    const sessions = await copilot.listSessions(world.cwd, env);
    expect(sessions.map((s) => s.id)).toEqual([start.sessionId]);
    // Every request the CLI made had a route (a 404 would mean a protocol gap the CLI papered over with retries).
    expect(server.requests.filter((r) => r.protocol === 'none').map((r) => `${r.method} ${r.path}`)).toEqual([]);

    // The CLI face over the same files: every provider's sessions here, then the newest copilot transcript.
    const listed = world.sandbox.pwt(world.cwd, ['agent', 'sessions', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ cwd: world.cwd, sessions: [{ provider: 'copilot', id: start.sessionId, messages: transcript.messages.length }] });
    const printed = world.sandbox.pwt(world.cwd, ['agent', 'transcript', 'copilot', '--json'], env);
    expect(printed.code, printed.stderr).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual({ provider: 'copilot', id: start.sessionId, messages: transcript.messages });
  }, 240_000);

  it('interactive in tmux: folder trusted, prompt typed, /exit, id captured for the worktree, resumed by id with a second turn', async () => {
    const { world, env } = copilotWorld('copilot-tui');
    const since = new Date();

    /** Answers the folder-trust question ("1. Yes": this session only) and waits for the input line. */
    const converse = async (text: string) => {
      await tmux!.waitForScreen('Do you trust the files in this folder?', 60_000);
      tmux!.keys('Enter');
      await tmux!.waitForScreen(/Interactive .* \/ commands/, 30_000);
      await tmux!.submit(text);
      await tmux!.waitForScreen(`Reply to: ${text}`, 60_000);
      await tmux!.submit('/exit');
      await tmux!.waitForExit(30_000);
      tmux!.kill();
    };

    const start = copilot.startCommand({ cwd: world.cwd });
    tmux = TmuxSession.start(world, start.cmd, start.args, { env });
    await converse('first interactive turn');
    expect(await copilot.captureSessionId(world.cwd, since, env)).toBe(start.sessionId);

    const resume = copilot.resumeCommand(start.sessionId!, { cwd: world.cwd });
    tmux = TmuxSession.start(world, resume.cmd, resume.args, { env });
    await converse('second interactive turn');

    const transcript = await copilot.readTranscript(start.sessionId!, { cwd: world.cwd, env });
    expect(transcript.messages.map((m) => [m.role, m.text])).toEqual([
      ['user', 'first interactive turn'],
      ['assistant', 'Reply to: first interactive turn'],
      ['user', 'second interactive turn'],
      ['assistant', 'Reply to: second interactive turn'],
    ]);
  }, 240_000);
});
