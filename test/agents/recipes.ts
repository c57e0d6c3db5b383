import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentDir } from '../../src/core/agents/vendors/pi/adapter.js';
import { CLI_CACHE, type AgentWorld } from './harness.js';

/**
 * The offline recipes (shared/agents/recipes/<vendor>) that point a real CLI
 * at the test model server, for the vendors that two test files set up: the
 * vendor's own e2e test and test/templates.e2e.test.ts. Each returns the env
 * to run the CLI with; files go under the world's HOME.
 */

/** claude: the Anthropic base URL and a key; no telemetry or update checks. */
export function claudeRecipe(world: AgentWorld, serverUrl: string): NodeJS.ProcessEnv {
  return { ...world.env, ANTHROPIC_BASE_URL: serverUrl, ANTHROPIC_API_KEY: 'sk-fake', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' };
}

/** codex: a custom Responses provider on the local server, no websockets, `trusted` trusted for the TUI. */
export function codexRecipe(world: AgentWorld, serverUrl: string, trusted: string): NodeJS.ProcessEnv {
  mkdirSync(join(world.home, '.codex'), { recursive: true });
  writeFileSync(
    join(world.home, '.codex', 'config.toml'),
    [
      'model = "gpt-5"',
      'model_provider = "mock"',
      '[model_providers.mock]',
      'name = "mock"',
      `base_url = "${serverUrl}/v1"`,
      'env_key = "OPENAI_API_KEY"',
      'wire_api = "responses"',
      'supports_websockets = false',
      '[tui]',
      'screen_reader_detection_done = true',
      `[projects."${trusted}"]`,
      'trust_level = "trusted"',
      '',
    ].join('\n'),
  );
  // A release codex refuses to put its helper aliases (codex-linux-sandbox, apply_patch) on
  // PATH when its home is inside the temp directory, as a test world's is; with bubblewrap
  // installed every sandboxed command then fails ("bwrap: execvp codex-linux-sandbox").
  // A user's ~/.codex is not under the temp directory: give codex a temp directory of its own.
  const tmp = join(world.sandbox.root, 'codex-tmp');
  mkdirSync(tmp, { recursive: true });
  return { ...world.env, OPENAI_API_KEY: 'sk-fake', TMPDIR: tmp };
}

/** gemini: API-key auth, the local base URL, session cleanup off. */
export function geminiRecipe(world: AgentWorld, serverUrl: string): NodeJS.ProcessEnv {
  mkdirSync(join(world.home, '.gemini'), { recursive: true });
  writeFileSync(
    join(world.home, '.gemini/settings.json'),
    JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } }, general: { sessionRetention: { enabled: false } } }),
  );
  return { ...world.env, GEMINI_API_KEY: 'fake', GOOGLE_GEMINI_BASE_URL: serverUrl };
}

/**
 * copilot: a BYOK OpenAI provider, offline, no auto-update. XDG_CACHE_HOME is
 * shared between tests: the first run unpacks ~235 MB of the CLI there, which
 * is not session state.
 */
export function copilotRecipe(world: AgentWorld, serverUrl: string): NodeJS.ProcessEnv {
  return {
    ...world.env,
    XDG_CACHE_HOME: join(CLI_CACHE, 'xdg-cache'),
    COPILOT_OFFLINE: 'true',
    COPILOT_AUTO_UPDATE: 'false',
    COPILOT_PROVIDER_BASE_URL: `${serverUrl}/v1`,
    COPILOT_PROVIDER_TYPE: 'openai',
    COPILOT_PROVIDER_API_KEY: 'sk-fake',
    COPILOT_MODEL: 'gpt-4.1',
  };
}

/** opencode: an openai-compatible provider, no downloads, no sharing. */
export function opencodeRecipe(world: AgentWorld, serverUrl: string): NodeJS.ProcessEnv {
  const config = join(world.env.XDG_CONFIG_HOME!, 'opencode');
  mkdirSync(config, { recursive: true });
  writeFileSync(
    join(config, 'opencode.json'),
    JSON.stringify({
      $schema: 'https://opencode.ai/config.json',
      autoupdate: false,
      share: 'disabled',
      model: 'mock/mock-model',
      small_model: 'mock/mock-model',
      provider: {
        mock: {
          npm: '@ai-sdk/openai-compatible',
          name: 'Mock',
          options: { baseURL: `${serverUrl}/v1`, apiKey: 'sk-fake' },
          models: { 'mock-model': { name: 'Mock Model' } },
        },
      },
    }),
  );
  return {
    ...world.env,
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
    OPENCODE_DISABLE_SHARE: '1',
  };
}

/** pi: a custom provider in models.json, PI_OFFLINE so it downloads no fd/ripgrep. */
export function piRecipe(world: AgentWorld, serverUrl: string): NodeJS.ProcessEnv {
  const env = { ...world.env, PI_OFFLINE: '1' };
  const dir = agentDir(env);
  mkdirSync(dir, { recursive: true });
  const model = { id: 'mock-model', name: 'Mock', reasoning: false, input: ['text'], contextWindow: 128000, maxTokens: 4096 };
  const provider = {
    baseUrl: `${serverUrl}/v1`,
    api: 'openai-completions',
    apiKey: 'sk-fake',
    compat: { supportsDeveloperRole: false, supportsReasoningEffort: false },
    models: [model],
  };
  writeFileSync(join(dir, 'models.json'), JSON.stringify({ providers: { mock: provider } }, null, 2));
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ defaultProvider: 'mock', defaultModel: 'mock-model', lastChangelogVersion: '0.73.1' }, null, 2));
  return env;
}
