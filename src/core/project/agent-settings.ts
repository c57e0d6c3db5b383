import { readFileSync } from 'node:fs';
import { cpus, homedir, totalmem } from 'node:os';
import { join } from 'node:path';
import { preconditionError } from '../infra/errors.js';

/**
 * How many agents may run at once on this machine, and when idle ones
 * hibernate (`agents` in the user's pwt config and in .pwt.json; docs/many-agents.md).
 */
export interface AgentSettings {
  maxRunning: number;
  /** Minutes an agent may sit idle before it is stopped resumably; null: never. */
  hibernateAfterMinutes: number | null;
  /** Resume a turn cut by a vendor's usage limit once the vendor says it resets. */
  resumeAfterLimit: boolean;
}

/**
 * What each agent CLI holds (resident memory of its whole process tree: the
 * CLI and everything it started) at its peak over its first 25 s in pwt's
 * tmux, started with a one-line prompt against the e2e tests' local model
 * server: measured 2026-12-06 on the pinned CLIs (.cache/agent-clis), Linux
 * x64. cursor's CLI is not on npm, so it is not measured (it counts as the
 * heaviest). A hibernation benchmark (bench/hibernation.bench.mjs) measures
 * pi's again on every run.
 */
export const PROVIDER_FOOTPRINT_MB = { pi: 156, codex: 230, claude: 301, copilot: 404, gemini: 413, opencode: 713 } as const;

/**
 * The memory one agent is planned with: the heaviest measured CLI, half again
 * for what an agent runs while it works (tests, builds, language servers),
 * which the first turn above does not show.
 */
export const AGENT_FOOTPRINT_BYTES = Math.round(Math.max(...Object.values(PROVIDER_FOOTPRINT_MB)) * 1.5) * 1024 * 1024;

/**
 * The default: what fits in 60% of the machine's memory at the footprint
 * above, but no more than two per core (an agent's TUI, tools and test runs
 * need CPU too: nine launches at once on 24 cores already thrash), and at
 * least 2.
 */
export function defaultMaxRunning(memory = totalmem(), cores = cpus().length): number {
  const byMemory = Math.floor((memory * 0.6) / AGENT_FOOTPRINT_BYTES);
  return Math.max(2, Math.min(byMemory, 2 * Math.max(1, cores)));
}

export const defaultAgentSettings = (): AgentSettings => ({ maxRunning: defaultMaxRunning(), hibernateAfterMinutes: null, resumeAfterLimit: false });

/** The user's own pwt config: `$XDG_CONFIG_HOME/pwt/config.json` (default `~/.config/pwt/config.json`). */
export function userConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(env.HOME ?? homedir(), '.config');
  return join(base, 'pwt', 'config.json');
}

/**
 * The user's `agents` settings (their own config file), over the defaults:
 * the machine-wide choices a user makes once. A project's `.pwt.json`
 * `agents` then overrides them field by field. No file: the defaults; a file
 * that is not JSON or a wrong field: exit 3 naming the file.
 */
export function userAgentSettings(env: NodeJS.ProcessEnv = process.env): AgentSettings {
  const file = userConfigFile(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return defaultAgentSettings();
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw preconditionError(`${file} is not valid JSON.`, `Fix or remove ${file}.`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw preconditionError(`${file} must hold a JSON object.`, `Fix or remove ${file}.`);
  return readAgentSettings((raw as Record<string, unknown>).agents, file);
}

/** Reads `agents` from a config's raw value over `base` (the defaults, or the user's settings); a wrong type is exit 3 naming the field. */
export function readAgentSettings(raw: unknown, file: string, base: AgentSettings = defaultAgentSettings()): AgentSettings {
  const settings: AgentSettings = { ...base };
  if (raw === undefined) return settings;
  const bad = (field: string, expected: string) =>
    preconditionError(`${file}: "agents.${field}" must be ${expected}.`, `Fix or remove "agents.${field}" in ${file}.`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw preconditionError(
      `${file}: "agents" must be an object ({ "maxRunning", "hibernateAfterMinutes", "resumeAfterLimit" }).`,
      `Fix or remove "agents" in ${file}.`,
    );
  const value = raw as Record<string, unknown>;
  if (value.maxRunning !== undefined) {
    if (!Number.isInteger(value.maxRunning) || (value.maxRunning as number) < 1) throw bad('maxRunning', 'a whole number of at least 1');
    settings.maxRunning = value.maxRunning as number;
  }
  if (value.hibernateAfterMinutes !== undefined && value.hibernateAfterMinutes !== null) {
    if (typeof value.hibernateAfterMinutes !== 'number' || !(value.hibernateAfterMinutes > 0))
      throw bad('hibernateAfterMinutes', 'a number of minutes above 0 (fractions allowed)');
    settings.hibernateAfterMinutes = value.hibernateAfterMinutes;
  }
  if (value.resumeAfterLimit !== undefined) {
    if (typeof value.resumeAfterLimit !== 'boolean') throw bad('resumeAfterLimit', 'true or false');
    settings.resumeAfterLimit = value.resumeAfterLimit;
  }
  return settings;
}
