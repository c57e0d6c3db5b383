import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * Requires one of dist/'s CommonJS bundles through V8's code cache: the
 * bytecode V8 compiled for it the last time, so a command that starts often
 * (`pwt agent list`) does not parse and compile the same functions at every
 * start (about a quarter of its loading time, measured: README "Speed").
 *
 * Node 20 has no compile cache of its own (22 has), so this does what it
 * does: the cache is a file of the user's cache folder
 * (`$XDG_CACHE_HOME/pwt` or `~/.cache/pwt`), named after the bundle's size,
 * modification time and V8's version, so a rebuilt bundle or another Node
 * never meets an old cache; V8 checks it too (a cache it rejects is ignored
 * and written again). Written once after a command succeeded (then it holds
 * every function that command compiled), atomically; any failure to read or
 * write it only costs the compile. The bundle must contain no `import()`
 * (scripts/build.mjs turns them into `require`): a vm script cannot load
 * ES modules without an experimental flag.
 */
let pending: (() => void) | null = null;

export function requireCached(file: string, env: NodeJS.ProcessEnv = process.env): unknown {
  const source = readFileSync(file, 'utf8');
  const cache = cacheFile(file, env);
  let cachedData: Buffer | undefined;
  try {
    if (cache) cachedData = readFileSync(cache);
  } catch {
    // No cache yet: compiled from the source, and saved once the command succeeded.
  }
  const script = new Script(Module.wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  if (cache && (!cachedData || script.cachedDataRejected)) pending = () => save(cache, `${basename(file)}-`, script.createCachedData());
  return module.exports;
}

/** Writes the cache of the bundle required last, if it had none (call when the command succeeded). */
export function saveCodeCache(): void {
  const write = pending;
  pending = null;
  try {
    write?.();
  } catch {
    // A read-only or full disk: the next start compiles again.
  }
}

function cacheFile(file: string, env: NodeJS.ProcessEnv): string | null {
  const root = userCacheDir(env);
  if (!root) return null;
  try {
    const stat = statSync(file);
    return join(root, `${basename(file)}-${stat.size}-${Math.floor(stat.mtimeMs)}-v8-${process.versions.v8}.cache`);
  } catch {
    return null;
  }
}

function save(cache: string, prefix: string, data: Buffer): void {
  const dir = dirname(cache);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = `${cache}.${process.pid}.tmp`;
  writeFileSync(temp, data, { mode: 0o600 });
  renameSync(temp, cache);
  // The caches of earlier builds of this bundle are dead weight now.
  for (const name of readdirSync(dir))
    if (name.startsWith(prefix) && name !== basename(cache) && name.endsWith('.cache')) rmSync(join(dir, name), { force: true });
}

/** pwt's folder in the user's cache folder (`$XDG_CACHE_HOME/pwt` or `~/.cache/pwt`), null without either. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const root = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, '.cache') : null);
  return root ? join(root, 'pwt') : null;
}
