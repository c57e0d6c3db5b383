import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { preconditionError, PwtError } from '../infra/errors.js';
import { readAgentSettings, userAgentSettings, type AgentSettings } from './agent-settings.js';
import type { Repo } from '../git/repo.js';
import { PWT_ENV } from '../infra/env.js';

/** `.pwt.json` at the main worktree's root (README "Files"). */
export interface Config {
  sessionsDir: string;
  branchPrefix: string;
  envFiles: string[];
  artifacts: string[];
  defaultAgent: string | null;
  remote: string;
  protectBase: boolean;
  /** Project hooks by event, each a list of command lines or `.mjs` zx scripts (see project/hooks/). */
  hooks: ProjectHooks;
  /** Globs of ignored files copied from the main worktree into a new session. */
  copy: string[];
  /** Many agents on one machine: admission, hibernation, usage limits (project/agent-settings.ts). */
  agents: AgentSettings;
  /** Parts of `.pwt.json` that could not be used (each replaced by its default above). */
  problems: ConfigProblem[];
  /** Lines for people: unknown keys, with the nearest known one. */
  warnings: string[];
}

export const HOOK_EVENTS = ['post-create', 'pre-merge', 'pre-pr', 'pre-remove', 'post-remove'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];
export type ProjectHooks = Partial<Record<HookEvent, string[]>>;

/** A hook entry that is one path ending in .mjs is a zx script; anything else is a command line for sh. */
export const isScriptHook = (entry: string): boolean => /^[^\s'"]+\.mjs$/.test(entry.trim());

export const CONFIG_FILE = '.pwt.json';
export const PROVIDERS = ['claude', 'codex', 'gemini', 'copilot', 'cursor', 'opencode', 'pi'] as const;

const DEFAULTS = {
  branchPrefix: 'session/',
  envFiles: ['.env', '.env.local', '.env.development.local'],
  artifacts: ['docs/dev-sessions/**', '**/*.session.md'],
  remote: 'origin',
  protectBase: true,
};

type Raw = Record<string, unknown>;

/** The top-level keys `.pwt.json` knows; anything else is a warning naming the nearest of these. */
export const CONFIG_KEYS = [
  '$schema',
  'sessionsDir',
  'branchPrefix',
  'envFiles',
  'artifacts',
  'defaultAgent',
  'remote',
  'protectBase',
  'hooks',
  'copy',
  'agents',
  'land',
] as const;

/** One part of `.pwt.json` that could not be used: its field ('' for the whole file) and the error a command that needs it raises. */
export interface ConfigProblem {
  field: string;
  error: PwtError;
}

/** Thrown inside the field readers; collected into `Config.problems` by loadConfig. */
class FieldProblem extends Error {
  constructor(
    readonly field: string,
    readonly error: PwtError,
  ) {
    super(error.message);
  }
}

function bad(field: string, expected: string, file: string): never {
  throw new FieldProblem(field, preconditionError(`${file}: "${field}" must be ${expected}.`, `Fix or remove "${field}" in ${file}.`));
}

function stringField(raw: Raw, field: string, file: string): string | undefined {
  const value = raw[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') bad(field, 'a non-empty string', file);
  return value;
}

function stringList(raw: Raw, field: string, file: string): string[] | undefined {
  const value = raw[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) bad(field, 'an array of non-empty strings', file);
  return value as string[];
}

/** Paths and globs pwt copies to or from must stay inside the repository: no absolute path, no `..`. */
function insideRepo(field: string, values: string[] | undefined, file: string): string[] | undefined {
  for (const value of values ?? []) {
    if (isAbsolute(value) || value.startsWith('~') || value.split(/[\\/]/).includes('..')) {
      throw new FieldProblem(
        field.split('.')[0]!,
        preconditionError(
          `${file}: "${field}" has "${value}", which points outside the repository.`,
          `Use paths relative to the repository root, without ".." (fix "${field}" in ${file}).`,
        ),
      );
    }
  }
  return values;
}

function hooksField(raw: Raw, file: string): ProjectHooks {
  const value = raw.hooks;
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad('hooks', `an object whose keys are ${HOOK_EVENTS.join(', ')}`, file);
  const hooks: ProjectHooks = {};
  try {
    for (const [event, entry] of Object.entries(value as Raw)) {
      if (!(HOOK_EVENTS as readonly string[]).includes(event))
        bad(
          `hooks.${event}`,
          `one of the events ${HOOK_EVENTS.join(', ')}${nearest(event, HOOK_EVENTS) ? ` (did you mean "${nearest(event, HOOK_EVENTS)}"?)` : ''}`,
          file,
        );
      const list = typeof entry === 'string' ? [entry] : entry;
      if (!Array.isArray(list) || list.some((item) => typeof item !== 'string' || item.trim() === ''))
        bad(`hooks.${event}`, 'a command line, a list of them, or a path to a .mjs file', file);
      insideRepo(`hooks.${event}`, (list as string[]).filter(isScriptHook), file);
      if ((list as string[]).length > 0) hooks[event as HookEvent] = list as string[];
    }
  } catch (error) {
    // Any broken event breaks the whole hook set: running part of it would skip a gate.
    if (error instanceof FieldProblem) throw new FieldProblem('hooks', error.error);
    throw error;
  }
  return hooks;
}

/** The user's own `agents` settings (their pwt config), then `.pwt.json`'s over them field by field. */
function agentsField(value: unknown, file: string, env: NodeJS.ProcessEnv): AgentSettings {
  try {
    return readAgentSettings(value, file, userAgentSettings(env));
  } catch (error) {
    if (error instanceof PwtError) throw new FieldProblem('agents', error);
    throw error;
  }
}

/** The known word closest to `word` (edit distance at most a third of its length, at least 2), or null. */
export function nearest(word: string, known: readonly string[]): string | null {
  const lower = word.toLowerCase();
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const swapped = i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1] ? previous[j - 2]! : Infinity;
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1), swapped === Infinity ? Infinity : swapped);
    }
    previous = row;
  }
  return previous[b.length]!;
}

function readRaw(file: string): Raw {
  if (!existsSync(file)) return {};
  const text = readFileSync(file, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const where = jsonErrorAt(text);
    throw new FieldProblem(
      '',
      preconditionError(
        `${file} is not valid JSON (line ${where.line}, column ${where.column}: ${where.what}).`,
        `Fix the JSON in ${file} or remove the file.`,
      ),
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new FieldProblem('', preconditionError(`${file} must hold a JSON object.`, `Fix ${file} or remove it.`));
  }
  return parsed as Raw;
}

/** Reads one field; a problem with it is recorded and the field falls back to `fallback`. */
function field<T>(problems: ConfigProblem[], read: () => T, fallback: T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof FieldProblem)) throw error;
    problems.push({ field: error.field, error: error.error });
    return fallback;
  }
}

/**
 * `.pwt.json`, read tolerantly: a part that is broken (or the whole file, when
 * it does not parse) is recorded in `problems` and replaced by its default,
 * so commands that only read go on (openProject decides, README "Files").
 * Unknown top-level keys are recorded in `warnings`, with the nearest known key.
 */
export function loadConfig(repo: Repo, env: NodeJS.ProcessEnv = process.env): Config {
  const file = join(repo.mainPath, CONFIG_FILE);
  const problems: ConfigProblem[] = [];
  const raw = field(problems, () => readRaw(file), {} as Raw);
  const warnings = Object.keys(raw)
    .filter((key) => !(CONFIG_KEYS as readonly string[]).includes(key))
    .map((key) => {
      const guess = nearest(key, CONFIG_KEYS);
      const known = CONFIG_KEYS.filter((each) => each !== '$schema').join(', ');
      return `${file}: unknown key "${key}" (ignored)${guess ? `; did you mean "${guess}"?` : `; known keys: ${known}.`}`;
    });

  const envDir = env[PWT_ENV.sessionsDir];
  if (envDir !== undefined && envDir.trim() === '') {
    throw preconditionError('PWT_SESSIONS_DIR is set but empty.', 'Unset it or set it to a folder path.');
  }
  const defaultDir = resolve(repo.mainPath, join('..', `${repo.project}-sessions`));
  const sessionsDir = field(
    problems,
    () => {
      const dirSetting = envDir ?? stringField(raw, 'sessionsDir', file);
      const dir = resolve(repo.mainPath, dirSetting ?? join('..', `${repo.project}-sessions`));
      if (dir === repo.mainPath || `${dir}/`.startsWith(`${repo.mainPath}/`)) {
        const error = preconditionError(
          `${envDir !== undefined ? 'PWT_SESSIONS_DIR' : `${file}: "sessionsDir"`} points inside the main worktree (${dir}).`,
          'Use a folder outside the repository, e.g. ../<project>-sessions.',
        );
        if (envDir !== undefined) throw error;
        throw new FieldProblem('sessionsDir', error);
      }
      return dir;
    },
    defaultDir,
  );

  const branchPrefix = field(
    problems,
    () => {
      let prefix = stringField(raw, 'branchPrefix', file) ?? DEFAULTS.branchPrefix;
      if (!prefix.endsWith('/')) prefix += '/';
      if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*\/$/.test(prefix) || prefix.includes('..') || prefix.includes('//'))
        bad('branchPrefix', 'a branch prefix such as "session/"', file);
      return prefix;
    },
    DEFAULTS.branchPrefix,
  );

  const defaultAgent = field(
    problems,
    () => {
      const agent = stringField(raw, 'defaultAgent', file) ?? null;
      if (agent !== null && !(PROVIDERS as readonly string[]).includes(agent)) bad('defaultAgent', `one of ${PROVIDERS.join(', ')}`, file);
      return agent;
    },
    null,
  );

  const protectBase = field(
    problems,
    () => {
      const value = raw.protectBase;
      if (value !== undefined && typeof value !== 'boolean') bad('protectBase', 'true or false', file);
      return (value as boolean | undefined) ?? DEFAULTS.protectBase;
    },
    DEFAULTS.protectBase,
  );

  return {
    sessionsDir,
    branchPrefix,
    envFiles: field(problems, () => insideRepo('envFiles', stringList(raw, 'envFiles', file), file) ?? DEFAULTS.envFiles, DEFAULTS.envFiles),
    artifacts: field(problems, () => insideRepo('artifacts', stringList(raw, 'artifacts', file), file) ?? DEFAULTS.artifacts, DEFAULTS.artifacts),
    defaultAgent,
    remote: field(problems, () => stringField(raw, 'remote', file) ?? DEFAULTS.remote, DEFAULTS.remote),
    protectBase,
    hooks: field(problems, () => hooksField(raw, file), {}),
    copy: field(problems, () => insideRepo('copy', stringList(raw, 'copy', file), file) ?? [], []),
    agents: field(problems, () => agentsField(raw.agents, file, env), readAgentSettings(undefined, file)),
    problems,
    warnings,
  };
}

/**
 * Where a JSON text first stops being JSON, as line and column (1-based) and
 * what was found there. JSON.parse says only "position 28", and not even that
 * on every runtime, so this walks the text itself.
 */
export function jsonErrorAt(text: string): { line: number; column: number; what: string } {
  let at = 0;
  const fail = (what: string): never => {
    throw Object.assign(new Error(what), { at });
  };
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++;
  };
  const found = () => (at >= text.length ? 'the file ends' : `unexpected ${JSON.stringify(text[at])}`);
  const literal = (word: string) => {
    for (const char of word) {
      if (text[at] !== char) fail(found());
      at++;
    }
  };
  const string = () => {
    at++;
    while (at < text.length && text[at] !== '"') {
      if (text[at] === '\\') at++;
      else if (text.charCodeAt(at) < 0x20) fail('a control character inside a string');
      at++;
    }
    if (at >= text.length) fail('a string that never ends');
    at++;
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at));
    if (!match) fail(found());
    at += match![0].length;
  };
  const value = (): void => {
    space();
    const char = text[at];
    if (char === '{') {
      at++;
      space();
      if (text[at] === '}') return void at++;
      for (;;) {
        space();
        if (text[at] !== '"') fail(`${found()} where a quoted key should be`);
        string();
        space();
        if (text[at] !== ':') fail(`${found()} where ":" should be`);
        at++;
        value();
        space();
        if (text[at] === ',') {
          at++;
          space();
          if (text[at] === '}') fail('a comma before "}"');
          continue;
        }
        if (text[at] === '}') return void at++;
        fail(`${found()} where "," or "}" should be`);
      }
    }
    if (char === '[') {
      at++;
      space();
      if (text[at] === ']') return void at++;
      for (;;) {
        value();
        space();
        if (text[at] === ',') {
          at++;
          space();
          if (text[at] === ']') fail('a comma before "]"');
          continue;
        }
        if (text[at] === ']') return void at++;
        fail(`${found()} where "," or "]" should be`);
      }
    }
    if (char === '"') return string();
    if (char === 't') return literal('true');
    if (char === 'f') return literal('false');
    if (char === 'n') return literal('null');
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return number();
    fail(found());
  };
  let what = 'not JSON';
  try {
    if (text.charCodeAt(0) === 0xfeff) at++;
    value();
    space();
    if (at < text.length) fail(`${found()} after the end of the JSON value`);
  } catch (error) {
    what = (error as Error).message;
  }
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1, what };
}

/** The first problem of `.pwt.json` as the error a command that needs the config raises (exit 3 naming the field). */
export function requireSoundConfig(config: Config): void {
  const [first] = config.problems;
  if (first) throw first.error;
}
