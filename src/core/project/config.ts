import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { preconditionError } from '../infra/errors.js';
import type { Repo } from '../git/repo.js';

/** `.pwt.json` at the main worktree's root (SPEC "Files"). */
export interface Config {
  sessionsDir: string;
  branchPrefix: string;
  envFiles: string[];
  artifacts: string[];
  defaultAgent: string | null;
  remote: string;
  protectBase: boolean;
}

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

  const envDir = env.PWT_SESSIONS_DIR;
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
    envFiles: stringList(raw, 'envFiles', file) ?? DEFAULTS.envFiles,
    artifacts: stringList(raw, 'artifacts', file) ?? DEFAULTS.artifacts,
    defaultAgent,
    remote: stringField(raw, 'remote', file) ?? DEFAULTS.remote,
    protectBase: (protectBase as boolean | undefined) ?? DEFAULTS.protectBase,
  };
}
