import { join } from 'node:path';
import { notWritable } from '../infra/writable.js';
import { existsSync, statSync } from 'node:fs';
import { gitVersion } from '../git/git.js';
import { runProcess as run } from '../infra/process.js';
import { manifestPath } from '../manifest/manifest.js';
import { lockPath, readManifest } from '../manifest/store.js';
import type { Project } from '../project/project.js';
import { loadConfig } from '../project/config.js';
import { findRepo, type Repo } from '../git/repo.js';
import { PwtError } from '../infra/errors.js';
import { lockHolder, lockIsLive } from '../infra/lock.js';

import type { Check } from '../infra/check.js';
export type { Check, CheckLevel } from '../infra/check.js';

const MIN_GIT: [number, number] = [2, 38];

function versionAtLeast(version: string, [major, minor]: [number, number]): boolean {
  const [a = 0, b = 0] = version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

/** First version-looking token of `<cmd> --version`, or null when the command is missing. */
export async function toolVersion(cmd: string, args = ['--version']): Promise<string | null> {
  try {
    const result = await run(cmd, args, { cwd: process.cwd() });
    if (result.code !== 0) return null;
    return (result.stdout + result.stderr).match(/\d+\.\d+(?:\.\d+)?[\w.-]*/)?.[0] ?? 'unknown version';
  } catch {
    return null;
  }
}

export async function checkGit(): Promise<Check> {
  const version = await gitVersion();
  if (!version) return { name: 'git', level: 'fail', detail: 'git not found', fix: 'Install git 2.38 or newer.' };
  if (!versionAtLeast(version, MIN_GIT)) {
    return {
      name: 'git',
      level: 'warn',
      detail: `git ${version}`,
      fix: 'Upgrade git to 2.38+; `pwt remove --strategy merge` needs it for conflict pre-checks.',
    };
  }
  return { name: 'git', level: 'ok', detail: `git ${version}` };
}

async function checkTool(name: string, why: string, install: string, versionArgs?: string[]): Promise<Check> {
  const version = await toolVersion(name, versionArgs);
  return version ? { name, level: 'ok', detail: `${name} ${version}` } : { name, level: 'warn', detail: `${name} not found (${why})`, fix: install };
}

export const toolChecks = (): Promise<Check>[] => [
  checkTool('gh', 'needed for `pwt remove --strategy pr`', 'Install the GitHub CLI and run `gh auth login`.'),
  import('./tmux.js').then((m) => m.checkTmux()),
  checkTool('zsh', 'only if you use zsh', 'Install zsh if you want pcd in zsh.'),
  checkTool('fish', 'only if you use fish', 'Install fish if you want pcd in fish.'),
];

export async function checkManifest(project: Project): Promise<Check> {
  const file = manifestPath(project.sessionsDir);
  if (!existsSync(file)) return { name: 'manifest', level: 'ok', detail: `no sessions yet (${file} will be created by pwt create)` };
  try {
    // readManifest moves a corrupt file aside and rebuilds it; report that as a warning.
    const before = statSync(file).mtimeMs;
    const manifest = await readManifest(project);
    const rebuilt = statSync(file).mtimeMs !== before;
    const detail = `${manifest?.sessions.length ?? 0} session(s) in ${file}`;
    return rebuilt
      ? { name: 'manifest', level: 'warn', detail: `was corrupt; rebuilt: ${detail}`, fix: 'Goals are in the .corrupt-* backup beside it.' }
      : { name: 'manifest', level: 'ok', detail };
  } catch (error) {
    if (error instanceof PwtError) return { name: 'manifest', level: 'fail', detail: error.message, fix: error.hint };
    throw error;
  }
}

/** The sessions folder must be writable: create, remove, restore and cleanup all write there (and refuse up front when they cannot). */
export function checkSessionsDirWritable(project: Project): Check {
  const at = notWritable([project.sessionsDir, join(project.sessionsDir, '.pwt')]);
  if (at)
    return {
      name: 'sessions dir',
      level: 'fail',
      detail: `${at} is not writable: pwt create, remove, restore and cleanup refuse there (nothing is changed)`,
      fix: 'Make it writable (chmod u+w, chattr -i, or remount it read-write).',
    };
  return { name: 'sessions dir', level: 'ok', detail: `${project.sessionsDir} is writable` };
}

export function checkLock(project: Project): Check {
  const lock = lockPath(project.sessionsDir);
  if (!existsSync(lock)) return { name: 'lock', level: 'ok', detail: 'manifest not locked' };
  const holder = lockHolder(lock);
  if (lockIsLive(lock)) return { name: 'lock', level: 'ok', detail: `held right now by a running pwt (pid ${holder?.pid}, ${lock})` };
  const ageMs = Date.now() - statSync(lock).mtimeMs;
  const whose = holder ? `its holder, pid ${holder.pid}, is gone` : 'it names no holder';
  return {
    name: 'lock',
    level: 'warn',
    detail: `stale lock ${lock} (${whose}; ${Math.round(ageMs / 1000)} s old)`,
    fix: 'The next pwt write takes it over at once; or delete it.',
  };
}

/**
 * Every check, in the order people read them: tools, shell, this project
 * (config, manifest, lock, hooks), then the agent CLIs. Project checks need a
 * repository; outside one they are replaced by a single warning.
 */
export async function runChecks(cwd = process.cwd()): Promise<Check[]> {
  const checks: Check[] = await Promise.all([checkGit(), ...toolChecks()]);
  const { checkShellIntegration } = await import('./shell.js');
  checks.push(checkShellIntegration());
  const repo = await findRepo(cwd);
  if (!repo)
    checks.push({ name: 'repository', level: 'warn', detail: 'not inside a git repository', fix: 'Run pwt doctor inside your project to check its manifest.' });
  else checks.push(...(await projectChecks(repo)));
  const { agentChecks } = await import('./agents.js');
  checks.push(...(await agentChecks({ repo, cwd })));
  const { mcpCheck } = await import('./mcp.js');
  checks.push(mcpCheck(repo?.mainPath ?? null));
  return checks;
}

/** `.pwt.json`: each broken part (the rest of doctor goes on with its default), each unknown key, or ok. */
function configChecks(project: Project): Check[] {
  const { problems, warnings } = project.config;
  const checks: Check[] = [
    ...problems.map((problem): Check => ({
      name: 'config',
      level: 'fail',
      detail: `${problem.error.message} (doctor goes on with the default${problem.field ? ` for "${problem.field}"` : 's'})`,
      fix: problem.error.hint,
    })),
    ...warnings.map((line): Check => ({ name: 'config', level: 'warn', detail: line, fix: 'Rename or remove the key: pwt ignores it.' })),
  ];
  return checks.length > 0 ? checks : [{ name: 'config', level: 'ok', detail: `sessions dir ${project.sessionsDir}` }];
}

async function projectChecks(repo: Repo): Promise<Check[]> {
  let project: Project;
  try {
    const config = loadConfig(repo);
    project = { repo, config, sessionsDir: config.sessionsDir };
  } catch (error) {
    if (error instanceof PwtError) return [{ name: 'config', level: 'fail', detail: error.message, fix: error.hint }];
    throw error;
  }
  const { checkHooks, checkSessionHooks } = await import('./hooks.js');
  const { checkProjectHooks, checkCopyWithCi } = await import('./project-hooks.js');
  const copyWithCi = checkCopyWithCi(project);
  return [
    ...configChecks(project),
    await checkManifest(project),
    checkSessionsDirWritable(project),
    checkLock(project),
    await checkHooks(project),
    ...[await checkSessionHooks(project)].filter((check): check is Check => check !== null),
    checkProjectHooks(project),
    ...(copyWithCi ? [copyWithCi] : []),
  ];
}
