import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLI_CACHE, makeAgentWorld, requireCli, runCommand, type AgentWorld } from './agents/harness.js';
import { startModelServer, type ModelServer } from './agents/server/index.js';

/**
 * The installed templates, read by the real agent CLIs (pinned in
 * scripts/install-agent-clis.mjs) from where `pwt templates install` put
 * them: each CLI turns the command into a model request that carries the
 * template's text and the user's words. That proves place, format and
 * argument syntax together.
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

const WORDS = 'fix the login timeout';

/** A world whose main worktree has the agent's templates installed; the agent runs there. */
function installedWorld(agent: string): AgentWorld {
  const w = makeAgentWorld(`templates-${agent}`);
  world = w;
  const result = w.sandbox.pwt(w.project.main, ['templates', 'install', '--agent', agent]);
  expect(result.code, result.stderr).toBe(0);
  return w;
}

/** The model requests since `from` that carry the expanded template (and, when given, the user's words). */
function templateRequests(from: number, words: string | null) {
  return server.requests.slice(from).filter((request) => {
    const body = JSON.stringify(request.body ?? '');
    return body.includes('Start a dev session') && body.includes('pwt context --json') && (words === null || body.includes(words));
  });
}

describe('templates read by the real agent CLIs', () => {
  it('claude expands /dev-session.start from .claude/commands with $ARGUMENTS', async () => {
    const bin = requireCli('claude');
    const w = installedWorld('claude');
    const env = { ...w.env, ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'sk-fake', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' };
    const from = server.requests.length;
    const run = await runCommand(bin, ['-p', `/dev-session.start ${WORDS}`], { cwd: w.project.main, env, timeoutMs: 120_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(templateRequests(from, WORDS).length).toBeGreaterThan(0);
  });

  it('gemini expands /dev-session.start from .gemini/commands/*.toml with {{args}}', async () => {
    const bin = requireCli('gemini');
    const w = installedWorld('gemini');
    mkdirSync(join(w.home, '.gemini'), { recursive: true });
    writeFileSync(join(w.home, '.gemini/settings.json'), JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } }, general: { sessionRetention: { enabled: false } } }));
    const env = { ...w.env, GEMINI_API_KEY: 'fake', GOOGLE_GEMINI_BASE_URL: server.url };
    const from = server.requests.length;
    const run = await runCommand(bin, ['-p', `/dev-session.start ${WORDS}`, '--skip-trust'], { cwd: w.project.main, env, timeoutMs: 120_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(templateRequests(from, WORDS).length).toBeGreaterThan(0);
  });

  it('opencode runs the dev-session.start command from .opencode/commands with $ARGUMENTS', async () => {
    const bin = requireCli('opencode');
    const w = installedWorld('opencode');
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
    const env = { ...w.env, OPENCODE_DISABLE_MODELS_FETCH: '1', OPENCODE_DISABLE_AUTOUPDATE: '1', OPENCODE_DISABLE_LSP_DOWNLOAD: '1', OPENCODE_DISABLE_DEFAULT_PLUGINS: '1', OPENCODE_DISABLE_SHARE: '1' };
    const from = server.requests.length;
    const run = await runCommand(bin, ['run', '--command', 'dev-session.start', WORDS], { cwd: w.project.main, env, timeoutMs: 120_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(templateRequests(from, WORDS).length).toBeGreaterThan(0);
  });

  it('codex finds the dev-session-start skill in .agents/skills and sends it when mentioned', async () => {
    const bin = requireCli('codex');
    const w = installedWorld('codex');
    mkdirSync(join(w.home, '.codex'));
    writeFileSync(
      join(w.home, '.codex', 'config.toml'),
      ['model = "gpt-5"', 'model_provider = "mock"', '[model_providers.mock]', 'name = "mock"', `base_url = "${server.url}/v1"`, 'env_key = "OPENAI_API_KEY"', 'wire_api = "responses"', 'supports_websockets = false', `[projects."${w.project.main}"]`, 'trust_level = "trusted"', ''].join('\n'),
    );
    const env = { ...w.env, OPENAI_API_KEY: 'sk-fake' };
    const from = server.requests.length;
    const run = await runCommand(bin, ['exec', '--skip-git-repo-check', `$dev-session-start ${WORDS}`], { cwd: w.project.main, env, timeoutMs: 120_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(templateRequests(from, null).length).toBeGreaterThan(0);
  });

  it('the copilot CLI offers the shared skills from .agents/skills to its model', async () => {
    const bin = requireCli('copilot');
    const w = installedWorld('copilot');
    const env = {
      ...w.env,
      XDG_CACHE_HOME: join(CLI_CACHE, 'xdg-cache'),
      COPILOT_OFFLINE: 'true',
      COPILOT_AUTO_UPDATE: 'false',
      COPILOT_PROVIDER_BASE_URL: `${server.url}/v1`,
      COPILOT_PROVIDER_TYPE: 'openai',
      COPILOT_PROVIDER_API_KEY: 'sk-fake',
      COPILOT_MODEL: 'gpt-4.1',
    };
    const from = server.requests.length;
    const run = await runCommand(bin, ['-p', `/dev-session-start ${WORDS}`, '--allow-all-tools'], { cwd: w.project.main, env, timeoutMs: 180_000 });
    expect(run.code, run.stderr).toBe(0);
    // In prompt mode the CLI offers its skills to the model (name, description, location) and loads a body when the model asks for it.
    const offered = server.requests.slice(from).map((request) => JSON.stringify(request.body ?? '')).filter((body) => body.includes('<available_skills>'));
    expect(offered.length).toBeGreaterThan(0);
    for (const name of ['dev-session-start', 'dev-session-end', 'parallel-status']) expect(offered[0]).toContain(`<name>${name}</name>`);
    expect(offered[0]).toContain('<description>Start a dev session - agree on its goals');
  });
});
