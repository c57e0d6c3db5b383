import { accessSync, constants, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { runProcess as run } from '../../infra/process.js';
import { preconditionError, PwtError } from '../../infra/errors.js';
import type { AgentSessionInfo, Detection, Provider } from './types.js';
import { realPath } from '../../git/repo-fast.js';

/**
 * Helpers every adapter shares: path matching, PATH lookup, time stamps,
 * ordering. Vendors record the working directory as the process saw it
 * (getcwd, i.e. the real path), so every comparison goes through realCwd.
 */

/** The real path of a directory; the resolved path when it does not exist (any more). */
export const realCwd = realPath;

/** HOME as the vendor CLI would see it in this environment. */
export function homeOf(env: NodeJS.ProcessEnv = process.env): string {
  return env.HOME || homedir();
}

/** The first executable called `binary` on env.PATH, or null. */
export function findExecutable(binary: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return null;
}

/**
 * The version of the npm package that provides an executable (npm links
 * `bin` entries to a file inside the package), or null when it is not one.
 * Reading package.json costs nothing; running `--version` can be slow (copilot
 * unpacks ~235 MB into ~/.cache on its first run).
 */
function npmPackageVersion(executable: string): string | null {
  let dir: string;
  try {
    dir = dirname(realpathSync(executable));
  } catch {
    return null;
  }
  for (let depth = 0; depth < 6; depth++) {
    try {
      const pkg: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (isRecord(pkg) && pkg.bin && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json here: look one folder up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/** Is the CLI on PATH, and which version (its npm package's, else what `--version` prints)? */
export async function detectCli(binary: string, env: NodeJS.ProcessEnv = process.env, args = ['--version']): Promise<Detection> {
  const path = findExecutable(binary, env);
  if (!path) return { found: false, version: null, path: null };
  const packaged = npmPackageVersion(path);
  if (packaged) return { found: true, version: packaged, path };
  try {
    const result = await run(path, args, { cwd: homeOf(env), env: { ...env, NO_COLOR: '1' } });
    const version = `${result.stdout}\n${result.stderr}`.match(/\d+\.\d+(?:\.\d+)?(?:[-+][\w.]+)?/)?.[0] ?? null;
    return { found: true, version, path };
  } catch (error) {
    if (error instanceof PwtError) return { found: false, version: null, path };
    throw error;
  }
}

/** ISO-8601 from epoch milliseconds, an ISO string, or nothing usable (null). */
export function toIso(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return new Date(value).toISOString();
  if (typeof value === 'string' && value) {
    const time = Date.parse(value);
    return Number.isNaN(time) ? null : new Date(time).toISOString();
  }
  return null;
}

/** Sessions ordered newest first (by last update, then start), as `pwt agent sessions` shows them. */
export function newestFirst<T extends Pick<AgentSessionInfo, 'updatedAt' | 'startedAt'>>(sessions: T[]): T[] {
  const key = (session: T) => Date.parse(session.updatedAt ?? session.startedAt ?? '') || 0;
  return [...sessions].sort((a, b) => key(b) - key(a));
}

/** A tool result as text: vendors store strings, content-block arrays or objects. */
export function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    return value
      .map((block) =>
        typeof block === 'string'
          ? block
          : block && typeof block === 'object' && typeof (block as { text?: unknown }).text === 'string'
            ? (block as { text: string }).text
            : '',
      )
      .filter(Boolean)
      .join('\n');
  }
  return JSON.stringify(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The one error for "no such vendor session". */
export function sessionNotFound(provider: Provider, id: string, where: string): PwtError {
  return preconditionError(`No ${provider} session "${id}" in ${where}.`, `Run: pwt agent sessions --provider ${provider}`);
}

/** A vendor's directory variable when set to something non-blank (the vendors ignore blank values). */
export function envDir(env: NodeJS.ProcessEnv, name: string): string | null {
  const value = env[name]?.trim();
  return value ? resolve(value) : null;
}

/** The spellings of a working directory a vendor may have recorded: as given, and its real path. */
export function cwdForms(cwd: string): Set<string> {
  return new Set([resolve(cwd), realCwd(cwd)]);
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Session ids pwt chooses for CLIs that take one (claude, gemini, copilot --session-id) are UUIDs. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Path, size and mtime of each file, in a stable order: while it is the same, none of the files changed
 * (scheduler/hibernate.ts, usage.ts). A missing file and an empty one stamp alike, as neither holds
 * anything: reading opencode's database after its CLI exited leaves an empty `-wal` behind.
 */
export function filesStamp(files: string[]): string {
  return files
    .map((file) => {
      const stat = statSync(file, { throwIfNoEntry: false });
      return stat && stat.size > 0 ? `${file}\0${stat.size}\0${stat.mtimeMs}` : `${file}\0-`;
    })
    .sort()
    .join('\n');
}
