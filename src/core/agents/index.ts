import type { Adapter, Provider } from './types.js';

/** Adapters load lazily: most commands never touch an agent. */
// Each adapter adds its line here: `claude: () => import('./claude.js').then((m) => m.default),`
const loaders: Partial<Record<Provider, () => Promise<Adapter>>> = {
  claude: () => import('./claude.js').then((m) => m.default),
  codex: () => import('./codex.js').then((m) => m.default),
  gemini: () => import('./gemini.js').then((m) => m.default),
  copilot: () => import('./copilot.js').then((m) => m.default),
  opencode: () => import('./opencode.js').then((m) => m.default),
  pi: () => import('./pi.js').then((m) => m.default),
  cursor: () => import('./cursor.js').then((m) => m.default),
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
