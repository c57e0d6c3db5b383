import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import codex, { threadIdFromExecJson } from '../../src/core/agents/vendors/codex/adapter.js';
import { MARKER, TOOL_COMMAND, TOOL_OUTPUT } from './server/script.js';
import { makeAgentWorld, onPath, pathWithBwrap, pathWithout, poll, requireCli, TmuxSession, type AgentWorld } from './harness.js';
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
import { codexRecipe } from './recipes.js';

/**
 * The real codex CLI (pinned in scripts/install-agent-clis.mjs) against the
 * test model server (OpenAI Responses). codex picks its own session id: the
 * adapter captures it from the rollout files.
 *
 * Twice: with bubblewrap on PATH (as on most Linux desktops: codex runs each
 * command through the system's bwrap) and without it (codex falls back to
 * the bwrap it bundles). What pwt reads must not depend on which.
 */
const server = useModelServer();

/** codex's shell tool. */
const TOOL = { name: 'exec_command', input: { cmd: TOOL_COMMAND } };

describe('codex e2e, with bubblewrap installed', () => codexSuite(true));
describe('codex e2e, without bubblewrap', () => codexSuite(false));

function codexSuite(bwrap: boolean): void {
  let world: AgentWorld;
  let bin: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    bin = requireCli('codex');
    world = makeAgentWorld('codex-e2e');
    env = codexRecipe(world, server.url, world.cwd);
    const path = env.PATH ?? '';
    env = { ...env, PATH: bwrap ? pathWithBwrap(path, world.sandbox.root) : pathWithout('bwrap', path, world.sandbox.root) };
  }, 60_000);

  afterAll(() => {
    world?.sandbox.cleanup();
  }, 60_000);

  async function transcriptOf(id: string) {
    return codex.readTranscript(id, { cwd: world.cwd, env });
  }

  it('runs with bwrap on its PATH only in this mode', () => {
    expect(onPath('bwrap', env.PATH) !== null).toBe(bwrap);
  });

  it('detects the installed CLI', async () => {
    await expectPinnedVersion(codex, '@openai/codex', 'codex', env);
  }, 60_000);

  it('headless: exec, capture the id it chose, read the exec_command call, resume by id', async () => {
    const since = new Date();
    const prompt = `Run the tool please ${MARKER}`;
    const start = codex.startCommand({ cwd: world.cwd, headless: true, prompt });
    // --json as well, to check the captured id against the one codex prints.
    const first = await runHeadless({ ...start, args: ['exec', '--json', ...start.args.slice(1)] }, env);
    const printed = threadIdFromExecJson(first.stdout);
    expect(printed).toMatch(/^[0-9a-f-]{36}$/);

    const id = await poll('the rollout for this cwd', () => codex.captureSessionId(world.cwd, since, env));
    expect(id).toBe(printed);
    const listed = (await codex.listSessions(world.cwd, env)).find((s) => s.id === id);
    expect(listed).toMatchObject({ provider: 'codex', cwd: world.cwd, messages: 2 });
    const transcript = await transcriptOf(id);
    expect(turns(transcript.messages)).toEqual(toolTurn(prompt));
    expect(transcript.messages[1]!.tools).toHaveLength(1);
    expectToolTurn(transcript, { prompt, tool: TOOL });
    expect(transcript.messages[1]!.tools[0]!.output.trim()).toBe(TOOL_OUTPUT);

    await runHeadless(codex.resumeCommand(id, { cwd: world.cwd, headless: true, prompt: SECOND_PROMPT }), env);
    const after = await transcriptOf(id);
    expect(turns(after.messages)).toEqual([...toolTurn(prompt), ...replyTurn(SECOND_PROMPT)]);
    expectCliFace(world, env, after);
  }, 60_000);

  it('interactive in tmux: type a prompt, quit with C-c, capture the id, resume it', async () => {
    const since = new Date();
    const start = codex.startCommand({ cwd: world.cwd });
    const tui = TmuxSession.start(world, bin, start.args, { env });
    let id: string;
    try {
      await tui.waitForScreen(/context left|Ask Codex|›/, 45_000);
      await tui.submit(`Interactive tool run ${MARKER}`);
      await tui.waitForScreen(TOOL_DONE, 45_000);
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
      await again.waitForScreen(TOOL_DONE, 45_000); // the old conversation is shown
      await again.submit('Typed after resume');
      await again.waitForScreen('Reply to: Typed after resume', 45_000);
      again.keys('C-c');
      await again.waitForExit().catch(() => again.keys('C-c'));
      await again.waitForExit();
    } finally {
      again.kill();
    }
    const { messages } = await transcriptOf(id);
    expect(turns(messages)).toEqual([...toolTurn(`Interactive tool run ${MARKER}`), ...replyTurn('Typed after resume')]);
    expect(messages[1]!.tools[0]).toMatchObject(TOOL);
  }, 60_000);
}
