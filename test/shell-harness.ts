import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { NODE, CLI, type Sandbox } from './helpers/sandbox.js';

/**
 * Runs the real bash, zsh and fish with their rc files off (as worktrunk's
 * tests do), with a `pwt` on PATH that starts the built CLI.
 */
export type ShellName = 'bash' | 'zsh' | 'fish';
export const SHELL_NAMES: ShellName[] = ['bash', 'zsh', 'fish'];

const FLAGS: Record<ShellName, string[]> = {
  bash: ['--norc', '--noprofile', '-c'],
  zsh: ['-f', '-c'],
  fish: ['--no-config', '-c'],
};

/** A bin folder holding a `pwt` wrapper for the built CLI; returns the env to use. */
export function withPwtOnPath(sandbox: Sandbox): NodeJS.ProcessEnv {
  const bin = join(sandbox.root, 'bin');
  mkdirSync(bin, { recursive: true });
  const wrapper = join(bin, 'pwt');
  writeFileSync(wrapper, `#!/bin/sh\nexec '${NODE}' '${CLI}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  return { ...sandbox.env, PATH: `${bin}${delimiter}${sandbox.env.PATH ?? ''}` };
}

export interface ShellRun {
  stdout: string;
  stderr: string;
  code: number;
  /** Lines `rc=<n> pwd=<dir>` printed by `report()` steps, in order. */
  steps: { rc: number; pwd: string }[];
}

export function runShell(shell: ShellName, script: string, cwd: string, env: NodeJS.ProcessEnv): ShellRun {
  const result = spawnSync(shell, [...FLAGS[shell], script], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  const stdout = result.stdout ?? '';
  const steps = [...stdout.matchAll(/^rc=(\d+) pwd=(.*)$/gm)].map((m) => ({ rc: Number(m[1]), pwd: m[2] as string }));
  return { stdout, stderr: result.stderr ?? '', code: result.status ?? 1, steps };
}

/** Shell code that prints the last exit code and the current directory. */
export const report = (shell: ShellName) => (shell === 'fish' ? 'echo "rc=$status pwd=$PWD"' : 'echo "rc=$? pwd=$PWD"');

/** Shell code that loads the integration. */
export const loadInit = (shell: ShellName) => (shell === 'fish' ? 'pwt shell-init fish | source' : `eval "$(pwt shell-init ${shell})"`);

/** Shell code that turns on `set -u` where the shell has it (fish has no unset-variable errors to turn on). */
export const strict = (shell: ShellName) => (shell === 'fish' ? '' : 'set -u');

/** Shell code that breaks `cd` the ways users do: an alias and a function. */
export function breakCd(shell: ShellName): string {
  if (shell === 'fish') return "alias cd 'echo nope'\nfunction cd; return 1; end";
  if (shell === 'bash') return "shopt -s expand_aliases\nalias cd='echo nope'\nfunction cd { return 1; }";
  return "alias cd='echo nope'\nfunction cd { return 1; }";
}
