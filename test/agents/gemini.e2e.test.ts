import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import gemini from '../../src/core/agents/gemini.js';
import type { Transcript } from '../../src/core/agents/types.js';
import { CLI_CACHE, makeAgentWorld, poll, requireCli, runCommand, TmuxSession, type AgentWorld } from './harness.js';
import { startModelServer, type ModelServer } from './server/index.js';
import { MARKER, TOOL_COMMAND, TOOL_OUTPUT } from './server/script.js';

/**
 * The real gemini CLI (@google/gemini-cli, pinned in scripts/install-agent-clis.mjs)
 * against the test model server's Gemini protocol, in a session worktree with
 * a fresh HOME: the adapter must find the session gemini wrote, read the tool
 * call, and resume it by id.
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

/** The offline recipe (shared/agents/recipes/gemini): API-key auth, the local base URL, session cleanup off. */
function geminiWorld(name: string): { world: AgentWorld; env: NodeJS.ProcessEnv } {
  requireCli('gemini');
  const w = makeAgentWorld(name);
  mkdirSync(join(w.home, '.gemini'), { recursive: true });
  writeFileSync(join(w.home, '.gemini/settings.json'), JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } }, general: { sessionRetention: { enabled: false } } }));
  world = w;
  return { world: w, env: { ...w.env, GEMINI_API_KEY: 'fake', GOOGLE_GEMINI_BASE_URL: server.url } };
}

/** gemini only offers its shell tool in headless mode with yolo approval; --skip-trust answers the folder trust question. */
const HEADLESS_EXTRA = ['--approval-mode', 'yolo', '--skip-trust'];

function expectToolTurn(transcript: Transcript, prompt: string): void {
  const [user, ...rest] = transcript.messages;
  expect(user).toMatchObject({ role: 'user', text: prompt });
  const call = rest.flatMap((m) => m.tools)[0];
  expect(call).toMatchObject({ name: 'run_shell_command', input: { command: TOOL_COMMAND } });
  expect(call!.output).toContain(TOOL_OUTPUT);
  expect(rest.some((m) => m.role === 'assistant' && m.text === `Done: the tool printed ${TOOL_OUTPUT}`)).toBe(true);
}

describe('gemini CLI (real) against the local model server', () => {
  it('headless: the chosen id is found for the worktree, the transcript holds the tool call, resume by id adds a turn', async () => {
    const { world, env } = geminiWorld('gemini-headless');
    const pinned = JSON.parse(readFileSync(join(CLI_CACHE, 'node_modules/@google/gemini-cli/package.json'), 'utf8')).version;
    expect(await gemini.detect(env)).toEqual({ found: true, version: pinned, path: join(CLI_CACHE, 'node_modules/.bin/gemini') });
    expect(await gemini.detect({ ...env, PATH: '/nonexistent' })).toEqual({ found: false, version: null, path: null });
    const prompt = `Run the check ${MARKER}`;
    const start = gemini.startCommand({ cwd: world.cwd, prompt, headless: true, sessionId: randomUUID() });
    const first = await runCommand(start.cmd, [...start.args, ...HEADLESS_EXTRA], { cwd: start.cwd, env, timeoutMs: 120_000 });
    expect(first.code, first.stderr).toBe(0);

    const [session] = await poll('the gemini session of the worktree', async () => {
      const found = await gemini.listSessions(world.cwd, env);
      return found.length > 0 && found;
    });
    expect(session).toMatchObject({ provider: 'gemini', id: start.sessionId, cwd: world.cwd });
    expectToolTurn(await gemini.readTranscript(start.sessionId!, { cwd: world.cwd, env }), prompt);

    const resume = gemini.resumeCommand(start.sessionId!, { cwd: world.cwd, prompt: 'And a second turn', headless: true });
    const second = await runCommand(resume.cmd, [...resume.args, ...HEADLESS_EXTRA], { cwd: resume.cwd, env, timeoutMs: 120_000 });
    expect(second.code, second.stderr).toBe(0);

    const transcript = await gemini.readTranscript(start.sessionId!, { cwd: world.cwd, env });
    expectToolTurn(transcript, prompt);
    expect(transcript.messages.slice(-2).map((m) => [m.role, m.text])).toEqual([
      ['user', 'And a second turn'],
      ['assistant', 'Reply to: And a second turn'],
    ]);
    const sessions = await gemini.listSessions(world.cwd, env);
    expect(sessions.map((s) => s.id)).toEqual([start.sessionId]);
    expect(sessions[0]!.messages).toBe(transcript.messages.length);
    // Every request the CLI made had a route (a 404 would mean a protocol gap the CLI papered over with retries).
    expect(server.requests.filter((r) => r.protocol === 'none').map((r) => `${r.method} ${r.path}`)).toEqual([]);
  }, 240_000);

  it('interactive in tmux: prompt typed, /quit, id captured for the worktree, resumed by id with a second turn', async () => {
    const { world, env } = geminiWorld('gemini-tui');
    const since = new Date();
    const start = gemini.startCommand({ cwd: world.cwd });
    tmux = TmuxSession.start(world, start.cmd, [...start.args, '--skip-trust'], { env });
    await tmux.waitForScreen(/Type your message/i, 60_000);
    await tmux.submit('first interactive turn');
    await tmux.waitForScreen('Reply to: first interactive turn', 60_000);
    await tmux.submit('/quit');
    await tmux.waitForExit(30_000);
    tmux.kill();

    expect(await gemini.captureSessionId(world.cwd, since, env)).toBe(start.sessionId);

    const resume = gemini.resumeCommand(start.sessionId!, { cwd: world.cwd });
    tmux = TmuxSession.start(world, resume.cmd, [...resume.args, '--skip-trust'], { env });
    await tmux.waitForScreen(/Type your message/i, 60_000);
    await tmux.submit('second interactive turn');
    await tmux.waitForScreen('Reply to: second interactive turn', 60_000);
    await tmux.submit('/quit');
    await tmux.waitForExit(30_000);

    const transcript = await gemini.readTranscript(start.sessionId!, { cwd: world.cwd, env });
    expect(transcript.messages.map((m) => [m.role, m.text])).toEqual([
      ['user', 'first interactive turn'],
      ['assistant', 'Reply to: first interactive turn'],
      ['user', 'second interactive turn'],
      ['assistant', 'Reply to: second interactive turn'],
    ]);
  }, 240_000);
});
