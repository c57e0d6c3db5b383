import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Adapter, AgentSessionInfo, CommandSpec, Transcript, TranscriptMessage } from '../../src/core/agents/vendors/types.js';
import { CLI_BIN, CLI_CACHE, makeAgentWorld, poll, requireCli, runCommand, TmuxSession, type AgentWorld, type CliName, type RunResult } from './harness.js';
import { startModelServer, type ModelServer } from './server/index.js';
import { TOOL_OUTPUT } from './server/script.js';

/**
 * What every agent e2e test does the same way around its vendor's CLI: the
 * model server and world lifecycle, the headless run, and the expectations
 * on what the adapter reads back. Vendor parts (recipes, flags, exit keys,
 * tool names) stay in each test file.
 */

/** The model server for this file: started in beforeAll, closed in afterAll. Use its fields inside tests only. */
export function useModelServer(): ModelServer {
  let server: ModelServer | undefined;
  beforeAll(async () => {
    server = await startModelServer();
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  }, 60_000);
  const started = (): ModelServer => {
    if (!server) throw new Error('the model server starts in beforeAll: read it inside a test or hook');
    return server;
  };
  return {
    get url() {
      return started().url;
    },
    get port() {
      return started().port;
    },
    get requests() {
      return started().requests;
    },
    hold: () => started().hold(),
    close: () => started().close(),
  };
}

export interface FreshWorlds {
  /** A new world for this test (see makeAgentWorld), and the env to run the CLI in it with. */
  make(name: string): { world: AgentWorld; env: NodeJS.ProcessEnv };
  /** An interactive CLI in tmux in `world`. */
  tmux(world: AgentWorld, spec: { cmd: string; args: string[] }, env: NodeJS.ProcessEnv): TmuxSession;
}

/**
 * Worlds and tmux servers that last one test: afterEach kills the tmux
 * servers, then removes the worlds. With a `cli`, each world needs that CLI in
 * the cache and gets its offline `recipe` (which returns the env to run it with).
 */
export function useFreshWorlds(cli?: CliName, recipe?: (world: AgentWorld) => NodeJS.ProcessEnv): FreshWorlds {
  const worlds: AgentWorld[] = [];
  const tuis: TmuxSession[] = [];
  afterEach(() => {
    for (const tui of tuis.splice(0)) tui.kill();
    for (const world of worlds.splice(0)) world.sandbox.cleanup();
  }, 60_000);
  return {
    make(name) {
      if (cli) requireCli(cli);
      const world = makeAgentWorld(name);
      worlds.push(world);
      return { world, env: recipe ? recipe(world) : world.env };
    },
    tmux(world, spec, env) {
      const tui = TmuxSession.start(world, spec.cmd, spec.args, { env });
      tuis.push(tui);
      return tui;
    },
  };
}

/** The version pinned in scripts/install-agent-clis.mjs (read as text: importing the script installs). */
function pinnedVersion(pkg: string): string {
  const script = readFileSync(resolve(import.meta.dirname, '../../scripts/install-agent-clis.mjs'), 'utf8');
  const pin = script.match(new RegExp(`'${pkg.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}': '([^']+)'`))?.[1];
  if (!pin) throw new Error(`${pkg} is not pinned in scripts/install-agent-clis.mjs`);
  return pin;
}

/** detect() finds the cached CLI at its pinned version (which is the installed one), and nothing without it on PATH. */
export async function expectPinnedVersion(adapter: Adapter, pkg: string, bin: string, env: NodeJS.ProcessEnv): Promise<void> {
  const pinned = pinnedVersion(pkg);
  const installed = JSON.parse(readFileSync(join(CLI_CACHE, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  expect(installed, `${pkg} in the CLI cache is not the pinned one: run: npm run agents:install`).toBe(pinned);
  expect(await adapter.detect(env)).toEqual({ found: true, version: pinned, path: join(CLI_BIN, bin) });
  expect(await adapter.detect({ ...env, PATH: '/nonexistent' })).toEqual({ found: false, version: null, path: null });
}

/** Runs a headless start or resume (plus the vendor's `extra` flags) to the end, as pwt would, and expects exit 0. */
export async function runHeadless(spec: CommandSpec, env: NodeJS.ProcessEnv, extra: string[] = []): Promise<RunResult> {
  const run = await runCommand(spec.cmd, [...spec.args, ...extra], { cwd: spec.cwd, env: { ...env, ...spec.env }, input: spec.stdin, timeoutMs: 120_000 });
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
  return run;
}

/** The sessions the adapter lists for `cwd`, once there is one (the CLI may still be writing when it exits). */
export function pollSessions(adapter: Adapter, cwd: string, env: NodeJS.ProcessEnv): Promise<AgentSessionInfo[]> {
  return poll(`the ${adapter.provider} session of the worktree`, async () => {
    const found = await adapter.listSessions(cwd, env);
    return found.length > 0 && found;
  });
}

/** What the model server's script answers once the tool ran (server/script.ts). */
export const TOOL_DONE = `Done: the tool printed ${TOOL_OUTPUT}`;
/** The prompt of every headless resume. */
export const SECOND_PROMPT = 'And a second turn';

/** [role, text] of each message: the shape conversations are compared in. */
export const turns = (messages: TranscriptMessage[]): [string, string][] => messages.map((m) => [m.role, m.text]);
/** A prompt that made the model call the tool, and its answer. */
export const toolTurn = (prompt: string): [string, string][] => [
  ['user', prompt],
  ['assistant', TOOL_DONE],
];
/** A prompt the model only echoes. */
export const replyTurn = (text: string): [string, string][] => [
  ['user', text],
  ['assistant', `Reply to: ${text}`],
];

/** The transcript opens with `prompt`, then the vendor's shell `tool` call with the tool's output, then the model's answer. */
export function expectToolTurn(transcript: Transcript, { prompt, tool }: { prompt: string; tool: { name: string; input: Record<string, unknown> } }): void {
  const [user, ...rest] = transcript.messages;
  expect(user).toMatchObject({ role: 'user', text: prompt });
  const call = rest.flatMap((m) => m.tools)[0];
  expect(call).toMatchObject(tool);
  expect(call!.output).toContain(TOOL_OUTPUT);
  expect(rest.some((m) => m.role === 'assistant' && m.text === TOOL_DONE)).toBe(true);
}

/**
 * Resumes session `id` headless with SECOND_PROMPT (plus the vendor's `extra`
 * flags): the transcript still opens with the tool turn, ends with the reply
 * to the second prompt, and is the only session of the worktree. Returns it.
 */
export async function expectResumeAddsTurn(
  adapter: Adapter,
  id: string,
  {
    world,
    env,
    prompt,
    tool,
    extra = [],
  }: { world: AgentWorld; env: NodeJS.ProcessEnv; prompt: string; tool: { name: string; input: Record<string, unknown> }; extra?: string[] },
): Promise<Transcript> {
  await runHeadless(adapter.resumeCommand(id, { cwd: world.cwd, prompt: SECOND_PROMPT, headless: true }, env), env, extra);
  const transcript = await adapter.readTranscript(id, { cwd: world.cwd, env });
  expectToolTurn(transcript, { prompt, tool });
  expect(turns(transcript.messages.slice(-2))).toEqual(replyTurn(SECOND_PROMPT));
  await expectOnlySession(adapter, world.cwd, env, transcript);
  return transcript;
}

/** The adapter lists exactly this one session for `cwd`, with the transcript's message count. */
async function expectOnlySession(adapter: Adapter, cwd: string, env: NodeJS.ProcessEnv, transcript: Transcript): Promise<void> {
  expect((await adapter.listSessions(cwd, env)).map((s) => [s.id, s.messages])).toEqual([[transcript.id, transcript.messages.length]]);
}

/**
 * The CLI face over the same files: `pwt agent sessions` (this provider's, or
 * with `allProviders` every provider's) lists the session, and `pwt agent
 * transcript <provider>` (newest, no id) prints the transcript.
 */
export function expectCliFace(world: AgentWorld, env: NodeJS.ProcessEnv, transcript: Transcript, { allProviders = false } = {}): void {
  const { provider, id, messages } = transcript;
  const listed = world.sandbox.pwt(world.cwd, ['agent', 'sessions', ...(allProviders ? [] : ['--provider', provider]), '--json'], env);
  expect(listed.code, listed.stderr).toBe(0);
  expect(JSON.parse(listed.stdout)).toMatchObject({ cwd: world.cwd, sessions: [{ provider, id, messages: messages.length }] });
  const printed = world.sandbox.pwt(world.cwd, ['agent', 'transcript', provider, '--json'], env);
  expect(printed.code, printed.stderr).toBe(0);
  expect(JSON.parse(printed.stdout)).toEqual({ provider, id, messages });
}

/** Every request the CLI made had a route (a 404 would mean a protocol gap the CLI papered over with retries). */
export function expectEveryRequestRouted(server: ModelServer): void {
  expect(server.requests.filter((r) => r.protocol === 'none').map((r) => `${r.method} ${r.path}`)).toEqual([]);
}

/**
 * One interactive turn in a TUI: wait for its input line (`ready`), type
 * `text`, wait for the model's reply, leave with the vendor's `quit` command
 * and end the tmux server.
 */
export async function converseOnce(tui: TmuxSession, text: string, { ready, quit }: { ready: RegExp | string; quit: string }): Promise<void> {
  await tui.waitForScreen(ready, 60_000);
  await tui.submitUntil(text, (screen) => screen.includes(`Reply to: ${text}`));
  await tui.submitUntil(quit, () => tui.exited());
  tui.kill();
}
