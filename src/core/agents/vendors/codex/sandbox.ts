import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { codexHome } from './adapter.js';

/**
 * How codex runs the commands its model asks for, on Linux (read from the
 * pinned codex's source and checked by running it, with and without
 * bubblewrap): always inside a bubblewrap sandbox. With `bwrap` on PATH
 * (Debian's `bubblewrap` package, present wherever Flatpak is) codex uses the
 * system's, and the sandbox then starts codex's own helper by the name
 * `codex-linux-sandbox`, which codex puts on PATH at start-up as a link in
 * `$CODEX_HOME/tmp/`. Without a system bwrap it uses the one it bundles and
 * needs no such link. The rollout file, the tool's name (`exec_command`) and
 * the framing of its output ("Chunk ID: … Output:") are the same either way.
 *
 * One trap: a release codex refuses to create that link when its home is
 * inside the temp directory (`$TMPDIR`, else /tmp), and then, with bwrap
 * installed, every command fails with "bwrap: execvp codex-linux-sandbox: No
 * such file or directory". `pwt doctor` says so.
 */

/** Where `program` is on `path` (a PATH value), or null. */
function onPath(program: string, path: string | undefined): string | null {
  for (const dir of (path ?? '').split(':')) if (dir && existsSync(join(dir, program))) return join(dir, program);
  return null;
}

/** The temp directory as codex (Rust's std::env::temp_dir) finds it. */
function tempDir(env: NodeJS.ProcessEnv): string {
  return resolve(env.TMPDIR || '/tmp');
}

/** Why codex's sandboxed commands will fail in this environment, or null when they will not for this reason. */
export function codexSandboxProblem(env: NodeJS.ProcessEnv = process.env): { home: string; temp: string; bwrap: string } | null {
  const bwrap = onPath('bwrap', env.PATH);
  if (!bwrap) return null;
  const home = resolve(codexHome(env));
  const temp = tempDir(env);
  return home === temp || home.startsWith(temp.endsWith(sep) ? temp : temp + sep) ? { home, temp, bwrap } : null;
}
