import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import opencode from '../../src/core/agents/opencode.js';
import type { CommandSpec, Transcript } from '../../src/core/agents/types.js';
import { makeAgentWorld, poll, requireCli, runCommand, type AgentWorld } from './harness.js';
import { startModelServer, type ModelServer } from './server/index.js';
import { MARKER, TOOL_COMMAND, TOOL_OUTPUT } from './server/script.js';

/**
 * The real opencode (opencode-ai, pinned in scripts/install-agent-clis.mjs)
 * against the test model server's Chat Completions protocol, in a session
 * worktree with a fresh HOME. Its sessions land in the SQLite store under
 * HOME/.local/share/opencode. Headless only, to keep the suite lean: the
 * TUI takes ~20 s per start on two busy cores (an interactive tmux run with
 * `opencode --session <id>` as the resume passed against 1.18.33 while this
 * adapter was written, ~90 s), and pi's, claude's, codex's and copilot's
 * tests cover the interactive flow.
 */
let server: ModelServer;
let world: AgentWorld | undefined;

beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server?.close();
});
afterEach(() => {
  world?.sandbox.cleanup();
  world = undefined;
});

/** The offline recipe (shared/agents/recipes/opencode): an openai-compatible provider, no downloads, no sharing. */
function opencodeWorld(name: string): { world: AgentWorld; env: NodeJS.ProcessEnv } {
  requireCli('opencode');
  const w = makeAgentWorld(name);
  world = w;
  const config = join(w.env.XDG_CONFIG_HOME!, 'opencode');
  mkdirSync(config, { recursive: true });
  writeFileSync(
    join(config, 'opencode.json'),
    JSON.stringify({
      $schema: 'https://opencode.ai/config.json',
      autoupdate: false,
      share: 'disabled',
      model: 'mock/mock-model',
      small_model: 'mock/mock-model',
      provider: { mock: { npm: '@ai-sdk/openai-compatible', name: 'Mock', options: { baseURL: `${server.url}/v1`, apiKey: 'sk-fake' }, models: { 'mock-model': { name: 'Mock Model' } } } },
    }),
  );
  const env = {
    ...w.env,
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
    OPENCODE_DISABLE_SHARE: '1',
  };
  return { world: w, env };
}

const runSpec = (spec: CommandSpec, env: NodeJS.ProcessEnv) => runCommand(spec.cmd, spec.args, { cwd: spec.cwd, env: { ...env, ...spec.env }, input: spec.stdin, timeoutMs: 120_000 });

function expectToolTurn(transcript: Transcript, prompt: string): void {
  const [user, ...rest] = transcript.messages;
  expect(user).toMatchObject({ role: 'user', text: prompt });
  const call = rest.flatMap((m) => m.tools)[0];
  expect(call).toMatchObject({ name: 'bash', input: { command: TOOL_COMMAND } });
  expect(call!.output).toContain(TOOL_OUTPUT);
  expect(rest.some((m) => m.role === 'assistant' && m.text === `Done: the tool printed ${TOOL_OUTPUT}`)).toBe(true);
}

describe('opencode CLI (real) against the local model server', () => {
  it('headless: id captured for the worktree, transcript holds the tool call, resume by id adds a turn', async () => {
    const { world, env } = opencodeWorld('opencode-headless');
    const prompt = `Run the check ${MARKER}`;
    const since = new Date();
    const first = await runSpec(opencode.startCommand({ cwd: world.cwd, prompt, headless: true, name: 'pwt e2e' }), env);
    expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(0);

    const id = await poll('the opencode session of the worktree', () => opencode.captureSessionId(world.cwd, since, env));
    const [session] = await opencode.listSessions(world.cwd, env);
    expect(session).toMatchObject({ provider: 'opencode', id, cwd: world.cwd });
    // The prompt went in on stdin, so opencode stored it as typed (argv words with spaces get quoted).
    expectToolTurn(await opencode.readTranscript(id, { cwd: world.cwd, env }), prompt);

    const second = await runSpec(opencode.resumeCommand(id, { cwd: world.cwd, prompt: 'And a second turn', headless: true }), env);
    expect(second.code, `${second.stdout}\n${second.stderr}`).toBe(0);

    const transcript = await opencode.readTranscript(id, { cwd: world.cwd, env });
    expectToolTurn(transcript, prompt);
    expect(transcript.messages.slice(-2).map((m) => [m.role, m.text])).toEqual([
      ['user', 'And a second turn'],
      ['assistant', 'Reply to: And a second turn'],
    ]);
    expect((await opencode.listSessions(world.cwd, env)).map((s) => [s.id, s.messages])).toEqual([[id, transcript.messages.length]]);

    const listed = world.sandbox.pwt(world.cwd, ['agent', 'sessions', '--provider', 'opencode', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ cwd: world.cwd, sessions: [{ provider: 'opencode', id, messages: transcript.messages.length }] });
  }, 240_000);
});
