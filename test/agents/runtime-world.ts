import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { CLI, NODE } from '../helpers/sandbox.js';
import { makeProject, type Project } from '../helpers/sandbox.js';
import { killPwtServer } from '../helpers/tmux.js';
import { processesIn } from '../../src/core/infra/processes.js';
import { CLI_BIN, poll, requireCli, runCommand, type AgentWorld, type CliName, type RunResult } from './harness.js';
import { claudeRecipe, codexRecipe, copilotRecipe, geminiRecipe, opencodeRecipe } from './recipes.js';
import type { ModelServer, RecordedRequest } from './server/index.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

/**
 * A project where pwt itself runs the real agent CLIs: sessions made with
 * `pwt create`, every vendor's offline recipe in one HOME, pwt's tmux server
 * isolated (its own TMUX_TMPDIR, killed after the test), and pwt run as a
 * child process without blocking the test's event loop (the model server
 * answers from it).
 */
export interface RuntimeWorld {
  project: Project;
  env: NodeJS.ProcessEnv;
  tmuxDir: string;
  /** Runs the built pwt in `cwd` (default: the main worktree). */
  pwt(args: string[], cwd?: string): Promise<RunResult>;
  /** pwt that must succeed; returns stdout. */
  ok(args: string[], cwd?: string): Promise<RunResult>;
  /** Creates a session with pwt and trusts its folder for every CLI; returns its real path. */
  session(name: string): Promise<string>;
  /** Trusts a folder for every CLI (one pwt will create, e.g. a run's sessions). */
  trust(path: string): void;
  tmux(...args: string[]): { stdout: string; stderr: string; code: number };
  agents(session?: string): Promise<any[]>;
}

function pathOf(world: RuntimeWorld, name: string): string {
  return realpathSync(join(world.project.sessionsDir, name));
}

export function useRuntimeWorlds(server: ModelServer, clis: CliName[]): { make(): RuntimeWorld } {
  const made: { world: RuntimeWorld; cleanup(): void }[] = [];
  afterEach(() => {
    for (const each of made.splice(0)) each.cleanup();
  });
  return {
    make() {
      for (const cli of clis) requireCli(cli);
      const project = makeProject('app');
      const { sandbox } = project;
      const tmuxDir = mkdtempSync(join(tmpdir(), 'pwt-rt-tmux-'));
      const agentWorld: AgentWorld = {
        sandbox,
        project,
        home: sandbox.home,
        cwd: project.main,
        env: { ...sandbox.env, PATH: `${CLI_BIN}:${sandbox.env.PATH ?? ''}`, TERM: 'xterm-256color' },
      };
      delete agentWorld.env.CI;
      const trusted: string[] = [];
      const codexConfig = join(sandbox.home, '.codex', 'config.toml');
      let env: NodeJS.ProcessEnv = { ...agentWorld.env };
      env = { ...env, ...claudeRecipe(agentWorld, server.url) };
      env = { ...env, ...codexRecipe(agentWorld, server.url, project.main) };
      env = { ...env, ...geminiRecipe(agentWorld, server.url) };
      env = { ...env, ...copilotRecipe(agentWorld, server.url) };
      env = { ...env, ...opencodeRecipe(agentWorld, server.url) };
      // pi: a custom provider on the local server (shared/agents/recipes/pi).
      mkdirSync(join(sandbox.home, '.pi', 'agent'), { recursive: true });
      writeFileSync(
        join(sandbox.home, '.pi', 'agent', 'models.json'),
        JSON.stringify({
          providers: {
            mock: {
              baseUrl: `${server.url}/v1`,
              api: 'openai-completions',
              apiKey: 'sk-fake',
              compat: { supportsDeveloperRole: false, supportsReasoningEffort: false },
              models: [{ id: 'mock-model', name: 'mock-model' }],
            },
          },
        }),
      );
      writeFileSync(join(sandbox.home, '.pi', 'agent', 'settings.json'), JSON.stringify({ defaultProvider: 'mock', defaultModel: 'mock-model' }));
      env = { ...env, PI_OFFLINE: '1', TMUX_TMPDIR: tmuxDir };
      const codexBase = readFileSync(codexConfig, 'utf8');
      delete env.TMUX;
      const trust = (path: string) => {
        trusted.push(path);
        // claude: onboarding done, key approved, these folders trusted.
        writeFileSync(
          join(sandbox.home, '.claude.json'),
          JSON.stringify({
            hasCompletedOnboarding: true,
            customApiKeyResponses: { approved: ['sk-fake'], rejected: [] },
            projects: Object.fromEntries(trusted.map((each) => [each, { hasTrustDialogAccepted: true }])),
          }),
        );
        // codex: trust the folder for the TUI.
        writeFileSync(codexConfig, `${codexBase}\n${trusted.map((each) => `[projects."${each}"]\ntrust_level = "trusted"\n`).join('')}`);
        // gemini: trusted folders file.
        mkdirSync(join(sandbox.home, '.gemini'), { recursive: true });
        writeFileSync(join(sandbox.home, '.gemini', 'trustedFolders.json'), JSON.stringify(Object.fromEntries(trusted.map((each) => [each, 'TRUST_FOLDER']))));
        // copilot: trusted folders in its config.
        mkdirSync(join(sandbox.home, '.copilot'), { recursive: true });
        writeFileSync(join(sandbox.home, '.copilot', 'config.json'), JSON.stringify({ trusted_folders: trusted }));
      };
      const run = (args: string[], cwd = project.main) => runCommand(NODE, [CLI, ...args], { cwd, env, timeoutMs: 120_000 });
      const world: RuntimeWorld = {
        project,
        env,
        tmuxDir,
        pwt: run,
        async ok(args, cwd) {
          const result = await run(args, cwd);
          expect(result.code, `pwt ${args.join(' ')}\n${result.stderr}`).toBe(0);
          return result;
        },
        async session(name) {
          await world.ok(['create', name]);
          const path = pathOf(world, name);
          trust(path);
          return path;
        },
        trust,
        tmux: (...args) => {
          const result = spawnSync('tmux', ['-L', 'pwt', ...args], { env: { ...process.env, TMUX_TMPDIR: tmuxDir, TMUX: '' }, encoding: 'utf8' });
          return { stdout: result.stdout ?? '', stderr: result.stderr ?? '', code: result.status ?? 1 };
        },
        async agents(session) {
          const result = await world.ok(['agent', 'list', '--json', ...(session ? ['--session', session] : ['--all'])]);
          return JSON.parse(result.stdout).agents;
        },
      };
      made.push({
        world,
        cleanup() {
          killPwtServer(tmuxDir);
          // claude ignores the SIGHUP of a closing pane and may still write under HOME: end what this test started (its processes run inside the sandbox).
          for (const pid of processesIn(sandbox.root)) {
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              // already gone
            }
          }
          rmSync(tmuxDir, { recursive: true, force: true });
          rmSync(sandbox.root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
        },
      });
      return world;
    },
  };
}

/** The text of a request as sent (JSON), for "did the model see X" checks. */
export const requestText = (request: RecordedRequest) => JSON.stringify(request.body ?? '');

/** Waits for a model request (after index `from`) whose body contains `needle`. */
export function waitForRequest(server: ModelServer, needle: string, from = 0, timeoutMs = 90_000): Promise<RecordedRequest> {
  return poll(
    `a model request containing ${JSON.stringify(needle.slice(0, 60))}`,
    () => server.requests.slice(from).find((request) => requestText(request).includes(needle)),
    timeoutMs,
    200,
  );
}

/** Waits for the model server's limit answer to `prompt` (after index `from`); returns the reset it named (epoch ms). */
export async function waitForLimitAnswer(server: ModelServer, prompt: string, from: number, timeoutMs = 90_000): Promise<number> {
  const answer = await poll(
    'the limit answer',
    () => server.requests.slice(from).find((request) => request.reply?.kind === 'limit' && requestText(request).includes(prompt)),
    timeoutMs,
  );
  return (answer.reply as { resetsAt: number }).resetsAt;
}

/** The pane's screen of a running agent. */
export function screenOf(world: RuntimeWorld, pane: string): string {
  return world.tmux('capture-pane', '-p', '-J', '-t', pane, '-S', '-200').stdout;
}

/** Every pane's screen (its last 40 lines), for a failure's message. */
function allScreens(world: RuntimeWorld): string {
  const panes = world.tmux('list-panes', '-a', '-F', '#{pane_id}').stdout.split('\n').filter(Boolean);
  // Blank lines dropped: a failure's head (all CI shows) then holds more of every screen.
  const screen = (pane: string) =>
    world
      .tmux('capture-pane', '-p', '-J', '-t', pane, '-S', '-40')
      .stdout.split('\n')
      .filter((line) => line.trim())
      .join('\n');
  return panes.map((pane) => `--- ${pane}\n${screen(pane)}`).join('\n');
}

/** A step that shows the agents and every screen when it fails. */
export async function showing<T>(world: RuntimeWorld, step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (error) {
    const agents = JSON.stringify(await world.agents().catch(() => null));
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${agents}\n${allScreens(world)}`);
  }
}
