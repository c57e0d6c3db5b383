import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { preconditionError, usageError } from '../../infra/errors.js';
import { acquireLock } from '../../infra/lock.js';
import { writeAtomic } from '../../manifest/store.js';
import { nameProblem } from '../../project/names.js';

/**
 * The run files: `<sessions dir>/.pwt/runs/<run>.json`, one per named run
 * (docs/runs.md shows the shape). Every change is a read-modify-write under
 * a lock (`<run>.json.lock`), written to a temp file and renamed, so the
 * capture of a vendor id and a `run stop` at the same moment both land.
 */
export const RUN_VERSION = 1;

export interface RunAgent {
  session: string;
  provider: string;
  agentId: string | null;
  vendorSessionId: string | null;
  /** The argument vector of the last launch (a prompt shows as "<prompt>"). */
  cliCommand: string[] | null;
  tmuxSession: string | null;
  spawnedAt: string | null;
  /** Why this provider could not start (absent when it started). */
  error?: string;
  [key: string]: unknown;
}

export interface RunFile {
  version: number;
  name: string;
  createdAt: string;
  goals: string[];
  prompt: string | null;
  agents: RunAgent[];
  /** The base the run's sessions started from. */
  base?: string;
  /** Set by `pwt run pick`: which provider's session was kept, and how. */
  picked?: { provider: string; session: string; strategy: string; at: string };
  /** `--budget`: the most the run's agents may cost together, in US dollars. */
  budgetUsd?: number;
  /** Set when the scheduler stopped the run's agents because their cost passed the budget (stopped: their sessions). */
  budgetStop?: { at: string; costUsd: number; stopped: string[] };
  /** Set by `pwt run start` while it starts the run (its pid), cleared when it ends: the same start again finishes a cut one. */
  starting?: { pid: number; start: string | null; at: string };
  /** Set by `pwt run pick` before its first change and cleared when it ends: the same pick again finishes a cut one. */
  picking?: { provider: string; strategy: string; at: string };
  [key: string]: unknown;
}

export const runsDir = (sessionsDir: string) => join(sessionsDir, '.pwt', 'runs');
export const runFilePath = (sessionsDir: string, name: string) => join(runsDir(sessionsDir), `${name}.json`);
/** Where `--check` output and other per-run files go. */
export const runDataDir = (sessionsDir: string, name: string) => join(runsDir(sessionsDir), name);

const ALLOWED =
  'Run names follow session-name rules: 1-64 characters, letters, digits, ".", "_" and "-", starting ' +
  'with a letter or digit, not ending in "." or ".lock", without "..".';

/** Usage error (exit 2) unless the run name fits the session-name pattern. */
export function assertRunName(name: string): void {
  const problem = nameProblem(name);
  if (problem) throw usageError(`Invalid run name: ${problem}.`, ALLOWED);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function validate(data: unknown, file: string): RunFile {
  const broken = (what: string) =>
    preconditionError(`${file} is not a run file pwt can read (${what}).`, `Fix it, or remove it (the sessions stay): rm ${file}`);
  if (!isObject(data)) throw broken('the top level is not an object');
  if (typeof data.version !== 'number' || data.version < 1) throw broken('"version" is missing');
  if (data.version > RUN_VERSION)
    throw preconditionError(`${file} has version ${data.version}; this pwt understands version ${RUN_VERSION}.`, 'Upgrade pwt and run the command again.');
  if (typeof data.name !== 'string' || !Array.isArray(data.agents)) throw broken('"name" or "agents" is missing');
  for (const [index, agent] of data.agents.entries()) {
    if (!isObject(agent) || typeof agent.session !== 'string' || typeof agent.provider !== 'string')
      throw broken(`agents[${index}] lacks "session" or "provider"`);
  }
  if (!Array.isArray(data.goals)) data.goals = [];
  return data as RunFile;
}

function readFile(file: string): RunFile | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw preconditionError(`${file} is not valid JSON (${(error as Error).message}).`, `Fix it, or remove it (the sessions stay): rm ${file}`);
  }
  return validate(data, file);
}

/** The run, or null when there is no such run file. Reads take no lock (writes are renames). */
export function readRun(sessionsDir: string, name: string): RunFile | null {
  return readFile(runFilePath(sessionsDir, name));
}

export function unknownRun(name: string) {
  return preconditionError(`No run named "${name}".`, 'See the runs with: pwt run list');
}

export function requireRun(sessionsDir: string, name: string): RunFile {
  assertRunName(name);
  const run = readRun(sessionsDir, name);
  if (!run) throw unknownRun(name);
  return run;
}

/** Every run file, oldest first. A file that cannot be read is reported, not skipped silently. */
export function listRuns(sessionsDir: string): { runs: RunFile[]; unreadable: { file: string; reason: string }[] } {
  const dir = runsDir(sessionsDir);
  if (!existsSync(dir)) return { runs: [], unreadable: [] };
  const runs: RunFile[] = [];
  const unreadable: { file: string; reason: string }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.json') || entry.name.startsWith('.')) continue;
    const file = join(dir, entry.name);
    try {
      const run = readFile(file);
      if (run) runs.push(run);
    } catch (error) {
      unreadable.push({ file, reason: (error as Error).message });
    }
  }
  runs.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
  return { runs, unreadable };
}

async function locked<T>(sessionsDir: string, name: string, fn: (file: string) => T | Promise<T>): Promise<T> {
  mkdirSync(runsDir(sessionsDir), { recursive: true });
  const file = runFilePath(sessionsDir, name);
  const release = await acquireLock(`${file}.lock`, { what: `the run file of ${name}`, timeoutMs: 10_000 });
  try {
    return await fn(file);
  } finally {
    await release();
  }
}

const write = (file: string, run: RunFile) => writeAtomic(file, `${JSON.stringify(run, null, 2)}\n`);

/** Writes a new run file; exit 3 if a run of that name exists. */
export async function createRun(sessionsDir: string, run: RunFile): Promise<void> {
  await locked(sessionsDir, run.name, (file) => {
    if (existsSync(file)) throw preconditionError(`A run named "${run.name}" already exists.`, `Pick another name, or see it with: pwt run show ${run.name}`);
    write(file, run);
  });
}

/** Lock, read, apply fn, write atomically (only when something changed), unlock. */
export async function updateRun<T>(sessionsDir: string, name: string, fn: (run: RunFile) => T | Promise<T>): Promise<T> {
  return locked(sessionsDir, name, async (file) => {
    const run = readFile(file);
    if (!run) throw unknownRun(name);
    const before = JSON.stringify(run);
    const result = await fn(run);
    if (JSON.stringify(run) !== before) write(file, run);
    return result;
  });
}

/** Changes the entry of one agent of the run (by session name), if the run and the entry still exist. */
export async function updateRunAgent(sessionsDir: string, name: string, session: string, fn: (agent: RunAgent) => void): Promise<void> {
  if (!readRun(sessionsDir, name)) return;
  await updateRun(sessionsDir, name, (run) => {
    const agent = run.agents.find((each) => each.session === session);
    if (agent) fn(agent);
  });
}

/** Deletes the run file (and its folder of check output); the sessions are not touched here. */
export async function deleteRun(sessionsDir: string, name: string): Promise<void> {
  await locked(sessionsDir, name, (file) => {
    rmSync(file, { force: true });
    rmSync(runDataDir(sessionsDir, name), { recursive: true, force: true });
  });
}
