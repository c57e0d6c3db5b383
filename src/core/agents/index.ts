import type { Adapter, Provider } from './types.js';

/** Adapters load lazily: most commands never touch an agent. */
// Each adapter adds its line here: `claude: () => import('./claude.js').then((m) => m.default),`
const loaders: Partial<Record<Provider, () => Promise<Adapter>>> = {
};

export function loadAdapter(provider: Provider): Promise<Adapter> {
  const load = loaders[provider];
  if (!load) throw new Error(`no adapter for ${provider}`);
  return load();
}

export { PROVIDERS, type Provider } from './types.js';
