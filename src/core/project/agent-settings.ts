import { cpus, totalmem } from 'node:os';
import { preconditionError } from '../infra/errors.js';

/**
 * How many agents may run at once on this machine, and when idle ones
 * hibernate (`agents` in .pwt.json; docs/many-agents.md).
 */
export interface AgentSettings {
  maxRunning: number;
  /** Minutes an agent may sit idle before it is stopped resumably; null: never. */
  hibernateAfterMinutes: number | null;
  /** Resume a turn cut by a vendor's usage limit once the vendor says it resets. */
  resumeAfterLimit: boolean;
}

/**
 * What one agent CLI holds while it works, measured as the resident memory of
 * the real CLIs in the end-to-end tests (Node start plus the TUI, tools and
 * conversation): a few hundred MB each; 500 MB keeps headroom for the
 * vendor's child processes (shells, language servers).
 */
export const AGENT_FOOTPRINT_BYTES = 500 * 1024 * 1024;

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

/** Reads `agents` from .pwt.json's raw value; a wrong type is exit 3 naming the field. */
export function readAgentSettings(raw: unknown, file: string): AgentSettings {
  const settings: AgentSettings = { maxRunning: defaultMaxRunning(), hibernateAfterMinutes: null, resumeAfterLimit: false };
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
