import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { packageRoot } from '../infra/package-root.js';
import { usageError } from '../infra/errors.js';
import { sessionAtWorktree } from '../manifest/manifest.js';
import { readManifest } from '../manifest/store.js';
import { loadConfig } from '../project/config.js';
import { findRepo } from '../git/repo.js';
import { PWT_ENV } from '../infra/env.js';

/**
 * Shell integration (docs/shell.md). The shell functions never eval
 * anything pwt prints (the worktrunk design): they read a raw path, from
 * `pwt path` on stdout or from the file named by PWT_CD_FILE, and cd there
 * with `builtin cd`. One template per shell lives in `shell/` at the package
 * root, shipped in the npm package.
 */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export const isShell = (value: string): value is Shell => (SHELLS as readonly string[]).includes(value);

export function parseShell(value: string | undefined): Shell {
  if (value && isShell(value)) return value;
  throw usageError(value ? `Unknown shell "${value}".` : 'Which shell?', `Use one of: ${SHELLS.join(', ')} (e.g. pwt shell-init bash).`);
}

/** The user's login shell from $SHELL, when it is one pwt supports. */
export function detectShell(env: NodeJS.ProcessEnv = process.env): Shell | null {
  const name = env.SHELL ? basename(env.SHELL) : '';
  return isShell(name) ? name : null;
}

const TEMPLATE_FILES: Record<Shell, string> = { bash: 'bash.sh', zsh: 'zsh.zsh', fish: 'fish.fish' };

/** The shell code `pwt shell-init <shell>` prints, from `shell/` at the package root (src/, bundled dist/ or a global install alike). */
export function shellScript(shell: Shell): string {
  return readFileSync(join(packageRoot(), 'shell', TEMPLATE_FILES[shell]), 'utf8');
}

/** The line a user puts in their rc file to load the integration. */
export function loadLine(shell: Shell): string {
  return shell === 'fish' ? 'pwt shell-init fish | source' : `eval "$(pwt shell-init ${shell})"`;
}

/**
 * Tells `pstart` where to cd: the function names a temp file in PWT_CD_FILE
 * and reads a raw path back from it (never shell code). The variable is
 * dropped afterwards so an agent started by the same process, running its own
 * `pwt create`, cannot overwrite the answer. Only an existing file is written:
 * pstart creates it with mktemp, so a stale variable cannot make pwt write
 * somewhere unexpected. True when the shell function will cd there.
 */
export function writeCdTarget(path: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const file = env[PWT_ENV.cdFile];
  delete env[PWT_ENV.cdFile];
  if (!file || !existsSync(file)) return false;
  writeFileSync(file, `${path}\n`);
  return true;
}

/**
 * The name of the session whose worktree holds `cwd`, or null. Reads only the
 * .git file and the manifest (no git process) because `pend` calls it.
 */
export async function currentSessionName(cwd = process.cwd()): Promise<string | null> {
  const repo = await findRepo(cwd);
  if (!repo || repo.isMain) return null;
  const manifest = await readManifest({ repo, sessionsDir: loadConfig(repo).sessionsDir });
  return sessionAtWorktree(repo.mainPath, manifest, repo.worktreePath)?.id ?? null;
}
