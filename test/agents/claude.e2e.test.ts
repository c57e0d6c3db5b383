import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import claude from '../../src/core/agents/vendors/claude/adapter.js';
import type { CommandSpec } from '../../src/core/agents/vendors/types.js';
import { MARKER, TOOL_COMMAND } from './server/script.js';
import { makeAgentWorld, poll, requireCli, TmuxSession, type AgentWorld } from './harness.js';
import {
  expectCliFace,
  expectPinnedVersion,
  expectToolTurn,
  replyTurn,
  runHeadless,
  SECOND_PROMPT,
  TOOL_DONE,
  toolTurn,
  turns,
  useModelServer,
} from './e2e.js';
import { claudeRecipe } from './recipes.js';

/**
 * The real claude-code CLI (pinned in scripts/install-agent-clis.mjs) against
 * the test model server: the adapter's commands start and resume it, and the
 * adapter finds and reads what it wrote.
 */
const server = useModelServer();
let world: AgentWorld;
let bin: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  bin = requireCli('claude');
  world = makeAgentWorld('claude-e2e');
  env = claudeRecipe(world, server.url);
  // What the interactive TUI asks on a first run: onboarding done, this API key approved, this folder trusted.
  writeFileSync(
    join(world.home, '.claude.json'),
    JSON.stringify({
      hasCompletedOnboarding: true,
      customApiKeyResponses: { approved: ['sk-fake'], rejected: [] },
      projects: { [world.cwd]: { hasTrustDialogAccepted: true } },
    }),
  );
}, 60_000);

afterAll(() => {
  world?.sandbox.cleanup();
}, 60_000);

/** claude's shell tool. */
const TOOL = { name: 'Bash', input: { command: TOOL_COMMAND } };

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
    await expectPinnedVersion(claude, '@anthropic-ai/claude-code', 'claude', env);
  }, 60_000);

  it('headless: start with a chosen id, find it, read the tool call, resume by id', async () => {
    const id = randomUUID();
    const prompt = `Run the tool please ${MARKER}`;
    const start = claude.startCommand({ cwd: world.cwd, headless: true, prompt, sessionId: id });
    expect(start.sessionId).toBe(id);
    const first = await runHeadless({ ...start, args: allowBash(start) }, env);
    expect(first.stdout).toContain(TOOL_DONE);

    const sessions = await poll('the session in claude projects', async () => (await claude.listSessions(world.cwd, env)).find((s) => s.id === id));
    expect(sessions).toMatchObject({ provider: 'claude', cwd: world.cwd, messages: 2 });
    const transcript = await transcriptOf(id);
    expect(turns(transcript.messages)).toEqual(toolTurn(prompt));
    expect(transcript.messages[1]!.tools).toHaveLength(1);
    expectToolTurn(transcript, { prompt, tool: TOOL });

    await runHeadless(claude.resumeCommand(id, { cwd: world.cwd, headless: true, prompt: SECOND_PROMPT }), env);
    const after = await transcriptOf(id);
    expect(turns(after.messages)).toEqual([...toolTurn(prompt), ...replyTurn(SECOND_PROMPT)]);
    expectCliFace(world, env, after);
  }, 60_000);

  it('interactive in tmux: type a prompt, /exit, capture the id, resume it', async () => {
    const id = randomUUID();
    const since = new Date();
    const start = claude.startCommand({ cwd: world.cwd, sessionId: id, name: 'e2e' });
    const tui = TmuxSession.start(world, bin, allowBash(start), { env });
    try {
      await tui.waitForScreen(/❯|>/, 45_000);
      await tui.submit(`Interactive tool run ${MARKER}`);
      await tui.waitForScreen(TOOL_DONE, 45_000);
      await tui.submit('/exit', 500);
      await tui.waitForExit();
    } finally {
      tui.kill();
    }
    expect(await poll('capture', () => claude.captureSessionId(world.cwd, since, env))).toBe(id);

    const resume = claude.resumeCommand(id, { cwd: world.cwd });
    const again = TmuxSession.start(world, bin, allowBash(resume), { env });
    try {
      await again.waitForScreen(TOOL_DONE, 45_000); // the old conversation is shown
      await again.submit('Typed after resume');
      await again.waitForScreen('Reply to: Typed after resume', 45_000);
      await again.submit('/exit', 500);
      await again.waitForExit();
    } finally {
      again.kill();
    }
    const { messages } = await transcriptOf(id);
    expect(turns(messages), JSON.stringify(messages, null, 1)).toEqual([...toolTurn(`Interactive tool run ${MARKER}`), ...replyTurn('Typed after resume')]);
    expect(messages[1]!.tools[0]).toMatchObject(TOOL);
  }, 60_000);
});
