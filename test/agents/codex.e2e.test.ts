import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import codex, { threadIdFromExecJson } from '../../src/core/agents/codex.js';
import { startModelServer, type ModelServer } from './server/index.js';
import { MARKER, TOOL_COMMAND, TOOL_OUTPUT } from './server/script.js';
import { parseJson } from '../helpers/sandbox.js';
import { makeAgentWorld, poll, requireCli, runCommand, TmuxSession, type AgentWorld } from './harness.js';

/**
 * The real codex CLI (pinned in scripts/install-agent-clis.mjs) against the
 * test model server (OpenAI Responses). codex picks its own session id: the
 * adapter captures it from the rollout files.
 */
let server: ModelServer;
let world: AgentWorld;
let bin: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  bin = requireCli('codex');
  server = await startModelServer();
  world = makeAgentWorld('codex-e2e');
  env = { ...world.env, OPENAI_API_KEY: 'sk-fake' };
  mkdirSync(join(world.home, '.codex'));
  // shared/agents/recipes/codex: a custom provider on the local server, no websockets; the folder trusted for the TUI.
  writeFileSync(
    join(world.home, '.codex', 'config.toml'),
    [
      'model = "gpt-5"',
      'model_provider = "mock"',
      '[model_providers.mock]',
      'name = "mock"',
      `base_url = "${server.url}/v1"`,
      'env_key = "OPENAI_API_KEY"',
      'wire_api = "responses"',
      'supports_websockets = false',
      '[tui]',
      'screen_reader_detection_done = true',
      `[projects."${world.cwd}"]`,
      'trust_level = "trusted"',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await server?.close();
  world?.sandbox.cleanup();
});

async function transcriptOf(id: string) {
  return codex.readTranscript(id, { cwd: world.cwd, env });
}

describe('codex e2e', () => {
  it('detects the installed CLI', async () => {
    expect(await codex.detect(env)).toMatchObject({ found: true, version: '0.169.0' });
  });

  it('headless: exec, capture the id it chose, read the exec_command call, resume by id', async () => {
    const since = new Date();
    const start = codex.startCommand({ cwd: world.cwd, headless: true, prompt: `Run the tool please ${MARKER}` });
    // --json as well, to check the captured id against the one codex prints.
    const first = await runCommand(bin, ['exec', '--json', ...start.args.slice(1)], { cwd: start.cwd, env, input: start.stdin });
    expect(first.code, first.stderr).toBe(0);
    const printed = threadIdFromExecJson(first.stdout);
    expect(printed).toMatch(/^[0-9a-f-]{36}$/);

    const id = await poll('the rollout for this cwd', () => codex.captureSessionId(world.cwd, since, env));
    expect(id).toBe(printed);
    const listed = (await codex.listSessions(world.cwd, env)).find((s) => s.id === id);
    expect(listed).toMatchObject({ provider: 'codex', cwd: world.cwd, messages: 2 });
    const { messages } = await transcriptOf(id);
    expect(messages.map((m) => [m.role, m.text])).toEqual([
      ['user', `Run the tool please ${MARKER}`],
      ['assistant', `Done: the tool printed ${TOOL_OUTPUT}`],
    ]);
    expect(messages[1]!.tools).toHaveLength(1);
    expect(messages[1]!.tools[0]).toMatchObject({ name: 'exec_command', input: { cmd: TOOL_COMMAND } });
    expect(messages[1]!.tools[0]!.output.trim()).toBe(TOOL_OUTPUT);

    const resume = codex.resumeCommand(id, { cwd: world.cwd, headless: true, prompt: 'And a second turn' });
    const second = await runCommand(bin, resume.args, { cwd: resume.cwd, env, input: resume.stdin });
    expect(second.code, second.stderr).toBe(0);
    const after = await transcriptOf(id);
    expect(after.messages.map((m) => [m.role, m.text])).toEqual([
      ['user', `Run the tool please ${MARKER}`],
      ['assistant', `Done: the tool printed ${TOOL_OUTPUT}`],
      ['user', 'And a second turn'],
      ['assistant', 'Reply to: And a second turn'],
    ]);

    // The CLI face shows the same: the session for this folder, and its transcript (newest when no id).
    const cli = world.sandbox.pwt(world.cwd, ['agent', 'sessions', '--provider', 'codex', '--json'], env);
    expect(cli.code, cli.stderr).toBe(0);
    expect(parseJson(cli.stdout).sessions[0]).toMatchObject({ provider: 'codex', id, messages: 4 });
    const shown = world.sandbox.pwt(world.cwd, ['agent', 'transcript', 'codex', '--json'], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(parseJson(shown.stdout)).toMatchObject({ provider: 'codex', id, messages: after.messages });
  });

  it('interactive in tmux: type a prompt, quit with C-c, capture the id, resume it', async () => {
    const since = new Date();
    const start = codex.startCommand({ cwd: world.cwd });
    const tui = TmuxSession.start(world, bin, start.args, { env });
    let id: string;
    try {
      await tui.waitForScreen(/context left|Ask Codex|›/, 45_000);
      await tui.submit(`Interactive tool run ${MARKER}`);
      await tui.waitForScreen(`Done: the tool printed ${TOOL_OUTPUT}`, 45_000);
      id = await poll('the rollout for this cwd', () => codex.captureSessionId(world.cwd, since, env));
      tui.keys('C-c');
      await tui.waitForExit().catch(() => tui.keys('C-c'));
      await tui.waitForExit();
    } finally {
      tui.kill();
    }

    const resume = codex.resumeCommand(id, { cwd: world.cwd });
    const again = TmuxSession.start(world, bin, resume.args, { env });
    try {
      await again.waitForScreen(`Done: the tool printed ${TOOL_OUTPUT}`, 45_000); // the old conversation is shown
      await again.submit('Typed after resume');
      await again.waitForScreen('Reply to: Typed after resume', 45_000);
      again.keys('C-c');
      await again.waitForExit().catch(() => again.keys('C-c'));
      await again.waitForExit();
    } finally {
      again.kill();
    }
    const { messages } = await transcriptOf(id);
    expect(messages.map((m) => [m.role, m.text])).toEqual([
      ['user', `Interactive tool run ${MARKER}`],
      ['assistant', `Done: the tool printed ${TOOL_OUTPUT}`],
      ['user', 'Typed after resume'],
      ['assistant', 'Reply to: Typed after resume'],
    ]);
    expect(messages[1]!.tools[0]).toMatchObject({ name: 'exec_command', input: { cmd: TOOL_COMMAND } });
  });
});
