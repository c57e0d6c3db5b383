import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { detectShell, isShell, loadLine, type Shell } from './integration.js';
import { PWT_ENV } from '../infra/env.js';

/**
 * `pwt shell-init --install|--uninstall <shell>`: one guarded line in the
 * user's rc file, written once. The line checks that pwt exists, so a shell
 * still starts cleanly after pwt is uninstalled.
 */
export const MARKER = '# pwt shell integration (pcd, pstart, pend)';

/** The rc file each shell reads for interactive sessions. */
export function rcFile(shell: Shell, env: NodeJS.ProcessEnv = process.env): string {
  const home = env.HOME ?? '';
  if (shell === 'bash') return join(home, '.bashrc');
  // zsh reads $ZDOTDIR/.zshrc when ZDOTDIR is set (zsh(1), STARTUP/SHUTDOWN FILES).
  if (shell === 'zsh') return join(env.ZDOTDIR || home, '.zshrc');
  // fish: $__fish_config_dir = $XDG_CONFIG_HOME/fish, default ~/.config/fish.
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'fish', 'config.fish');
}

export function rcLine(shell: Shell): string {
  if (shell === 'fish') return 'if command -q pwt; pwt shell-init fish | source; end';
  return `if command -v pwt >/dev/null 2>&1; then eval "$(pwt shell-init ${shell})"; fi`;
}

/** A non-comment line that loads pwt's integration for this shell, however the user wrote it. */
const loadsPwt = (shell: Shell) => (line: string) => !line.trimStart().startsWith('#') && line.includes(`pwt shell-init ${shell}`);

export interface RcChange {
  file: string;
  changed: boolean;
  line: string;
}

export function installRc(shell: Shell, env: NodeJS.ProcessEnv = process.env): RcChange {
  const file = rcFile(shell, env);
  const line = rcLine(shell);
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (text.split('\n').some(loadsPwt(shell))) return { file, changed: false, line };
  mkdirSync(dirname(file), { recursive: true });
  const separator = text === '' || text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  writeFileSync(file, `${text}${separator}${MARKER}\n${line}\n`);
  return { file, changed: true, line };
}

/** Removes exactly what installRc wrote (the marker and the line after it); other lines stay. */
export function uninstallRc(shell: Shell, env: NodeJS.ProcessEnv = process.env): RcChange {
  const file = rcFile(shell, env);
  const line = rcLine(shell);
  if (!existsSync(file)) return { file, changed: false, line };
  const text = readFileSync(file, 'utf8');
  const block = `${MARKER}\n${line}\n`;
  if (!text.includes(block)) return { file, changed: false, line };
  writeFileSync(file, text.replace(new RegExp(`\\n?${escapeRegExp(block)}`), ''));
  return { file, changed: true, line };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** For `pwt doctor`: loaded in this shell, written in the rc file, or neither. */
export function shellIntegrationState(env: NodeJS.ProcessEnv = process.env): { shell: Shell | null; loaded: boolean; rc: string | null; installed: boolean } {
  const loaded = env[PWT_ENV.shell];
  const shell = loaded && isShell(loaded) ? loaded : detectShell(env);
  if (!shell) return { shell: null, loaded: false, rc: null, installed: false };
  const rc = rcFile(shell, env);
  const installed = existsSync(rc) && readFileSync(rc, 'utf8').split('\n').some(loadsPwt(shell));
  return { shell, loaded: Boolean(loaded), rc, installed };
}

/**
 * What `pwt create`, `open` and `remove` print when the shell functions are
 * not loaded: the functions export PWT_SHELL, so its absence means a plain
 * `pwt` that cannot change the caller's directory. Null when they are loaded,
 * and when the rc file already loads them (a script, an agent, or a shell
 * started before the line was added: telling them to add it again is wrong).
 */
export function shellIntegrationHint(env: NodeJS.ProcessEnv = process.env): string | null {
  const state = shellIntegrationState(env);
  if (state.loaded || state.installed) return null;
  const shell = state.shell ?? 'bash';
  return `Tip: \`${loadLine(shell)}\` in your shell's rc file gives you pcd/pstart/pend (or run: pwt shell-init --install ${shell}).`;
}
