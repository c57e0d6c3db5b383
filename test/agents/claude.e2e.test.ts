import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import claude from '../../src/core/agents/claude.js';
import type { CommandSpec } from '../../src/core/agents/types.js';
import { startModelServer, type ModelServer } from './server/index.js';
import { MARKER, TOOL_COMMAND, TOOL_OUTPUT } from './server/script.js';
import { parseJson } from '../helpers/sandbox.js';
import { makeAgentWorld, poll, requireCli, runCommand, TmuxSession, type AgentWorld } from './harness.js';

/**
 * The real claude-code CLI (pinned in scripts/install-agent-clis.mjs) against
 * the test model server: the adapter's commands start and resume it, and the
 * adapter finds and reads what it wrote.
 */
let server: ModelServer;
let world: AgentWorld;
let bin: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  bin = requireCli('claude');
  server = await startModelServer();
  world = makeAgentWorld('claude-e2e');
  env = { ...world.env, ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'sk-fake', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' };
  // What the interactive TUI asks on a first run: onboarding done, this API key approved, this folder trusted.
  writeFileSync(
    join(world.home, '.claude.json'),
    JSON.stringify({ hasCompletedOnboarding: true, customApiKeyResponses: { approved: ['sk-fake'], rejected: [] }, projects: { [world.cwd]: { hasTrustDialogAccepted: true } } }),
  );
});

afterAll(async () => {
  await server?.close();
  world?.sandbox.cleanup();
});

/**
 * Lets the shell tool run without a prompt. CI runs as root, where claude
 * refuses --dangerously-skip-permissions; an allow-list works for everyone.
 */
function allowBash(spec: CommandSpec): string[] {
  const cut = spec.args.indexOf('--');
  return cut < 0 ? [...spec.args, '--allowedTools=Bash'] : [...spec.args.slice(0, cut), '--allowedTools=Bash', ...spec.args.slice(cut)];
}

async function transcriptOf(id: string) {
  return claude.readTranscript(id, { cwd: world.cwd, env });
}

describe('claude e2e', () => {
  it('detects the installed CLI', async () => {
    const detection = await claude.detect(env);
    expect(detection).toMatchObject({ found: true, version: '2.1.197' });
  });

  it('headless: start with a chosen id, find it, read the tool call, resume by id', async () => {
    const id = randomUUID();
    const start = claude.startCommand({ cwd: world.cwd, headless: true, prompt: `Run the tool please ${MARKER}`, sessionId: id });
    expect(start.sessionId).toBe(id);
    const first = await runCommand(bin, allowBash(start), { cwd: start.cwd, env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`Done: the tool printed ${TOOL_OUTPUT}`);

    const sessions = await poll('the session in claude projects', async () => (await claude.listSessions(world.cwd, env)).find((s) => s.id === id));
    expect(sessions).toMatchObject({ provider: 'claude', cwd: world.cwd, messages: 2 });
    const { messages } = await transcriptOf(id);
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(messages[0]!.text).toBe(`Run the tool please ${MARKER}`);
    expect(messages[1]!.text).toBe(`Done: the tool printed ${TOOL_OUTPUT}`);
    expect(messages[1]!.tools).toHaveLength(1);
    expect(messages[1]!.tools[0]).toMatchObject({ name: 'Bash', input: { command: TOOL_COMMAND } });
    expect(messages[1]!.tools[0]!.output).toContain(TOOL_OUTPUT);

    const resume = claude.resumeCommand(id, { cwd: world.cwd, headless: true, prompt: 'And a second turn' });
    const second = await runCommand(bin, resume.args, { cwd: resume.cwd, env });
    expect(second.code, second.stderr).toBe(0);
    const after = await transcriptOf(id);
    expect(after.messages.map((m) => [m.role, m.text])).toEqual([
      ['user', `Run the tool please ${MARKER}`],
      ['assistant', `Done: the tool printed ${TOOL_OUTPUT}`],
      ['user', 'And a second turn'],
      ['assistant', 'Reply to: And a second turn'],
    ]);

    // The CLI face shows the same: the session for this folder, and its transcript (newest when no id).
    const listed = world.sandbox.pwt(world.cwd, ['agent', 'sessions', '--provider', 'claude', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(parseJson(listed.stdout).sessions[0]).toMatchObject({ provider: 'claude', id, messages: 4 });
    const shown = world.sandbox.pwt(world.cwd, ['agent', 'transcript', 'claude', '--json'], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(parseJson(shown.stdout)).toMatchObject({ provider: 'claude', id, messages: after.messages });
  });

  it('interactive in tmux: type a prompt, /exit, capture the id, resume it', async () => {
    const id = randomUUID();
    const since = new Date();
    const start = claude.startCommand({ cwd: world.cwd, sessionId: id, name: 'e2e' });
    const tui = TmuxSession.start(world, bin, allowBash(start), { env });
    try {
      await tui.waitForScreen(/❯|>/, 45_000);
      await tui.submit(`Interactive tool run ${MARKER}`);
      await tui.waitForScreen(`Done: the tool printed ${TOOL_OUTPUT}`, 45_000);
      await tui.submit('/exit', 500);
      await tui.waitForExit();
    } finally {
      tui.kill();
    }
    expect(await poll('capture', () => claude.captureSessionId(world.cwd, since, env))).toBe(id);

    const resume = claude.resumeCommand(id, { cwd: world.cwd });
    const again = TmuxSession.start(world, bin, allowBash(resume), { env });
    try {
      await again.waitForScreen(`Done: the tool printed ${TOOL_OUTPUT}`, 45_000); // the old conversation is shown
      await again.submit('Typed after resume');
      await again.waitForScreen('Reply to: Typed after resume', 45_000);
      await again.submit('/exit', 500);
      await again.waitForExit();
    } finally {
      again.kill();
    }
    const { messages } = await transcriptOf(id);
    expect(messages.map((m) => [m.role, m.text]), JSON.stringify(messages, null, 1)).toEqual([
      ['user', `Interactive tool run ${MARKER}`],
      ['assistant', `Done: the tool printed ${TOOL_OUTPUT}`],
      ['user', 'Typed after resume'],
      ['assistant', 'Reply to: Typed after resume'],
    ]);
    expect(messages[1]!.tools[0]).toMatchObject({ name: 'Bash', input: { command: TOOL_COMMAND } });
  });
});
