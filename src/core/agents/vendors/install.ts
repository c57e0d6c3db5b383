import { preconditionError, type PwtError } from '../../infra/errors.js';
import { findExecutable } from './common.js';
import { loadAdapter } from './index.js';
import { PROVIDERS, type Provider } from './types.js';

/** How to install each provider's CLI (what `pwt doctor` and a refused start say). */
export const INSTALL: Record<Provider, string> = {
  claude: 'npm install -g @anthropic-ai/claude-code',
  codex: 'npm install -g @openai/codex',
  gemini: 'npm install -g @google/gemini-cli',
  copilot: 'npm install -g @github/copilot',
  opencode: 'npm install -g opencode-ai',
  pi: 'npm install -g @mariozechner/pi-coding-agent',
  cursor: 'curl https://cursor.com/install -fsS | bash',
};

/** The provider's CLI is not on PATH: exit 3, how to install it, and that nothing was changed. */
export function cliMissing(provider: Provider, binary: string): PwtError {
  return preconditionError(
    `${provider}'s CLI (${binary}) is not installed or not on PATH; nothing was changed.`,
    `Install it: ${INSTALL[provider]}, then run the command again (pwt doctor shows what is found).`,
  );
}

/** Is the provider's CLI on this environment's PATH? */
export async function cliInstalled(provider: Provider, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  return findExecutable((await loadAdapter(provider)).binary, env) !== null;
}

/** The providers whose CLI is on this environment's PATH, in the usual order. */
export async function installedProviders(env: NodeJS.ProcessEnv = process.env): Promise<Provider[]> {
  const found = await Promise.all(PROVIDERS.map(async (provider) => ((await cliInstalled(provider, env)) ? provider : null)));
  return found.filter((provider): provider is Provider => provider !== null);
}

/**
 * Checked before anything changes (a detach, a record, a session, a
 * conversation): starting, switching to or resuming a provider whose CLI is
 * missing would otherwise detach the working agent, or "start fresh" and
 * replace the recorded conversation id.
 */
export async function requireCli(provider: Provider, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const adapter = await loadAdapter(provider);
  if (!findExecutable(adapter.binary, env)) throw cliMissing(provider, adapter.binary);
}
