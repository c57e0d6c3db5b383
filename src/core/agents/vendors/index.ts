import type { Adapter, Provider } from './types.js';

/** Adapters load lazily: most commands never touch an agent. */
// Each adapter adds its line here: `claude: () => import('./claude/adapter.js').then((m) => m.default),`
const loaders: Partial<Record<Provider, () => Promise<Adapter>>> = {
  claude: () => import('./claude/adapter.js').then((m) => m.default),
  codex: () => import('./codex/adapter.js').then((m) => m.default),
  gemini: () => import('./gemini/adapter.js').then((m) => m.default),
  copilot: () => import('./copilot/adapter.js').then((m) => m.default),
  opencode: () => import('./opencode/adapter.js').then((m) => m.default),
  pi: () => import('./pi/adapter.js').then((m) => m.default),
  cursor: () => import('./cursor/adapter.js').then((m) => m.default),
};

/** False for a provider whose adapter is not built yet (callers skip it instead of failing). */
export function hasAdapter(provider: Provider): boolean {
  return provider in loaders;
}

export function loadAdapter(provider: Provider): Promise<Adapter> {
  const load = loaders[provider];
  if (!load) throw new Error(`no adapter for ${provider}`);
  return load();
}

export { PROVIDERS, type Provider } from './types.js';
