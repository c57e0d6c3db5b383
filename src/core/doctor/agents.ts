import { loadConfig } from '../project/config.js';
import type { Check } from '../infra/check.js';
import type { Repo } from '../git/repo.js';
import { codexSandboxProblem } from '../agents/vendors/codex/sandbox.js';
import { geminiRetentionWarning } from '../agents/vendors/gemini/settings.js';
import { hasAdapter, loadAdapter } from '../agents/vendors/index.js';
import { INSTALL } from '../agents/vendors/install.js';
import { PROVIDERS, type Provider } from '../agents/vendors/types.js';

/**
 * `pwt doctor`'s agent lines: one per provider (found or not, version, where),
 * plus a warning when gemini's session cleanup can delete resumed
 * conversations (see agents/vendors/gemini/settings.ts), and one when codex
 * cannot run commands in its sandbox (agents/vendors/codex/sandbox.ts). A CLI
 * the user does not use is not a problem: a missing one is only a warning when it is the project's
 * defaultAgent.
 */

export interface AgentCheckOptions {
  /** The repository doctor runs in: its config's defaultAgent makes a missing CLI a warning. */
  repo?: Repo | null;
  /** The folder doctor runs in (gemini's workspace settings live there). */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** The config's defaultAgent; a broken config is doctor's config line's business, not this one's. */
function defaultAgent(repo: Repo | null | undefined): string | null {
  if (!repo) return null;
  try {
    return loadConfig(repo).defaultAgent;
  } catch {
    return null;
  }
}

async function providerCheck(provider: Provider, options: AgentCheckOptions): Promise<{ check: Check; found: boolean }> {
  const adapter = await loadAdapter(provider);
  const found = await adapter.detect(options.env);
  if (found.found) {
    return {
      found: true,
      check: {
        name: provider,
        level: 'ok',
        detail: `${adapter.binary} ${found.version ?? '(version unknown)'} at ${found.path}; sessions in ${adapter.home(options.env)}`,
      },
    };
  }
  const isDefault = defaultAgent(options.repo) === provider;
  const detail = `${adapter.binary} not found on PATH${isDefault ? " (it is this project's defaultAgent)" : ' (optional)'}`;
  return { found: false, check: { name: provider, level: isDefault ? 'warn' : 'ok', detail, fix: `Install it: ${INSTALL[provider]}` } };
}

export async function agentChecks(options: AgentCheckOptions = {}): Promise<Check[]> {
  const results = await Promise.all(PROVIDERS.filter(hasAdapter).map((provider) => providerCheck(provider, options)));
  const checks = results.map((result) => result.check);
  // gemini's cleanup only matters where gemini runs.
  const geminiFound = results.some((result) => result.found && result.check.name === 'gemini');
  const warning = geminiFound ? geminiRetentionWarning(options.cwd, options.env) : null;
  if (warning) {
    const [what = warning, ...rest] = warning.split('. ');
    checks.push({ name: 'gemini-cleanup', level: 'warn', detail: `${what}.`, fix: rest.join('. ') });
  }
  const codexFound = results.some((result) => result.found && result.check.name === 'codex');
  const sandbox = codexFound ? codexSandboxProblem(options.env) : null;
  if (sandbox) {
    checks.push({
      name: 'codex-sandbox',
      level: 'warn',
      detail:
        `codex's home ${sandbox.home} is inside the temp directory ${sandbox.temp}: with bubblewrap installed (${sandbox.bwrap}) ` +
        'every command codex runs fails ("bwrap: execvp codex-linux-sandbox")',
      fix: `Set CODEX_HOME to a folder outside ${sandbox.temp} (or TMPDIR to one that does not hold it)`,
    });
  }
  return checks;
}
