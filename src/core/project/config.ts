import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { preconditionError } from '../infra/errors.js';
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

function bad(field: string, expected: string, file: string): never {
  throw preconditionError(`${file}: "${field}" must be ${expected}.`, `Fix or remove "${field}" in ${file}.`);
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
      throw preconditionError(`${file}: "${field}" has "${value}", which points outside the repository.`, `Use paths relative to the repository root, without ".." (fix "${field}" in ${file}).`);
    }
  }
  return values;
}

function hooksField(raw: Raw, file: string): ProjectHooks {
  const value = raw.hooks;
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad('hooks', `an object whose keys are ${HOOK_EVENTS.join(', ')}`, file);
  const hooks: ProjectHooks = {};
  for (const [event, entry] of Object.entries(value as Raw)) {
    if (!(HOOK_EVENTS as readonly string[]).includes(event)) bad(`hooks.${event}`, `one of the events ${HOOK_EVENTS.join(', ')}`, file);
    const list = typeof entry === 'string' ? [entry] : entry;
    if (!Array.isArray(list) || list.some((item) => typeof item !== 'string' || item.trim() === '')) bad(`hooks.${event}`, 'a command line, a list of them, or a path to a .mjs file', file);
    insideRepo(`hooks.${event}`, (list as string[]).filter(isScriptHook), file);
    if ((list as string[]).length > 0) hooks[event as HookEvent] = list as string[];
  }
  return hooks;
}

function readRaw(file: string): Raw {
  if (!existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw preconditionError(`${file} is not valid JSON (${(error as Error).message}).`, `Fix the JSON in ${file} or remove the file.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw preconditionError(`${file} must hold a JSON object.`, `Fix ${file} or remove it.`);
  }
  return parsed as Raw;
}

export function loadConfig(repo: Repo, env: NodeJS.ProcessEnv = process.env): Config {
  const file = join(repo.mainPath, CONFIG_FILE);
  const raw = readRaw(file);

  const envDir = env[PWT_ENV.sessionsDir];
  if (envDir !== undefined && envDir.trim() === '') {
    throw preconditionError('PWT_SESSIONS_DIR is set but empty.', 'Unset it or set it to a folder path.');
  }
  const dirSetting = envDir ?? stringField(raw, 'sessionsDir', file);
  const sessionsDir = resolve(repo.mainPath, dirSetting ?? join('..', `${repo.project}-sessions`));
  if (sessionsDir === repo.mainPath || `${sessionsDir}/`.startsWith(`${repo.mainPath}/`)) {
    const source = envDir !== undefined ? 'PWT_SESSIONS_DIR' : 'sessionsDir';
    throw preconditionError(`${source} points inside the main worktree (${sessionsDir}).`, 'Use a folder outside the repository, e.g. ../<project>-sessions.');
  }

  let branchPrefix = stringField(raw, 'branchPrefix', file) ?? DEFAULTS.branchPrefix;
  if (!branchPrefix.endsWith('/')) branchPrefix += '/';
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*\/$/.test(branchPrefix) || branchPrefix.includes('..') || branchPrefix.includes('//')) {
    bad('branchPrefix', 'a branch prefix such as "session/"', file);
  }

  const defaultAgent = stringField(raw, 'defaultAgent', file) ?? null;
  if (defaultAgent !== null && !(PROVIDERS as readonly string[]).includes(defaultAgent)) bad('defaultAgent', `one of ${PROVIDERS.join(', ')}`, file);

  const protectBase = raw.protectBase;
  if (protectBase !== undefined && typeof protectBase !== 'boolean') bad('protectBase', 'true or false', file);

  return {
    sessionsDir,
    branchPrefix,
    envFiles: insideRepo('envFiles', stringList(raw, 'envFiles', file), file) ?? DEFAULTS.envFiles,
    artifacts: insideRepo('artifacts', stringList(raw, 'artifacts', file), file) ?? DEFAULTS.artifacts,
    defaultAgent,
    remote: stringField(raw, 'remote', file) ?? DEFAULTS.remote,
    protectBase: (protectBase as boolean | undefined) ?? DEFAULTS.protectBase,
    hooks: hooksField(raw, file),
    copy: insideRepo('copy', stringList(raw, 'copy', file), file) ?? [],
  };
}
