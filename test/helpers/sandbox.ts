import { execFileSync, spawnSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Isolated test worlds: a temp HOME, a git config of our own, no
 * system config, fixed author and dates, LC_ALL=C. Repos are real: a bare
 * origin and a clone of it.
 */
export const CLI = resolve(import.meta.dirname, '../../dist/cli.cjs');

/**
 * The Node that runs pwt (its bin is a Node script): the one running the
 * tests under vitest; under bun test, the `node` on PATH, so both runners
 * test what users run.
 */
export const NODE = process.versions.bun ? execFileSync('sh', ['-c', 'command -v node'], { encoding: 'utf8' }).trim() : process.execPath;

export interface Sandbox {
  root: string;
  home: string;
  env: NodeJS.ProcessEnv;
  /** Runs a command synchronously in the sandbox's environment. */
  sh(cmd: string, args: string[], cwd: string, extraEnv?: NodeJS.ProcessEnv): { stdout: string; stderr: string; code: number };
  git(cwd: string, ...args: string[]): string;
  /** Runs the built pwt CLI. */
  pwt(cwd: string, args: string[], extraEnv?: NodeJS.ProcessEnv): { stdout: string; stderr: string; code: number };
  /** Starts pwt without waiting (for concurrency and kill tests). */
  pwtAsync(cwd: string, args: string[], extraEnv?: NodeJS.ProcessEnv): ReturnType<typeof spawn>;
  cleanup(): void;
}

/** Environment without the developer's own git, pwt or CI settings. */
function baseEnv(home: string, gitconfig: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'TMPDIR', 'TERM', 'SHELL']) if (process.env[key]) env[key] = process.env[key];
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    GIT_CONFIG_GLOBAL: gitconfig,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.test',
    GIT_COMMITTER_NAME: 'Test Author',
    GIT_COMMITTER_EMAIL: 'author@example.test',
    GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
    GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C',
    NO_COLOR: '1',
    CI: '1',
  };
}

export function makeSandbox(): Sandbox {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'pwt-test-')));
  const home = join(root, 'home');
  mkdirSync(home);
  const gitconfig = join(home, '.gitconfig');
  writeFileSync(gitconfig, '[user]\n\tname = Test Author\n\temail = author@example.test\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n');
  const env = baseEnv(home, gitconfig);
  const sh: Sandbox['sh'] = (cmd, args, cwd, extraEnv) => {
    const result = spawnSync(cmd, args, { cwd, env: { ...env, ...extraEnv }, encoding: 'utf8' });
    return { stdout: result.stdout ?? '', stderr: result.stderr ?? '', code: result.status ?? 1 };
  };
  return {
    root,
    home,
    env,
    sh,
    git(cwd, ...args) {
      const result = sh('git', args, cwd);
      if (result.code !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
      return result.stdout;
    },
    pwt: (cwd, args, extraEnv) => sh(NODE, [CLI, ...args], cwd, extraEnv),
    pwtAsync: (cwd, args, extraEnv) => spawn(NODE, [CLI, ...args], { cwd, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export interface Project {
  sandbox: Sandbox;
  /** The bare repository acting as the remote. */
  origin: string;
  /** The main worktree (a clone of origin). */
  main: string;
  sessionsDir: string;
}

/** A bare origin with one commit on main, cloned to <root>/<name>. */
export function makeProject(name = 'app', sandbox = makeSandbox()): Project {
  const origin = join(sandbox.root, `${name}.git`);
  sandbox.git(sandbox.root, 'init', '--quiet', '--bare', '--initial-branch=main', origin);
  const main = join(sandbox.root, name);
  sandbox.git(sandbox.root, 'clone', '--quiet', origin, main);
  writeFileSync(join(main, 'README.md'), '# app\n');
  writeFileSync(join(main, '.gitignore'), '.env\n.env.local\n');
  sandbox.git(main, 'add', '.');
  sandbox.git(main, 'commit', '--quiet', '-m', 'initial commit');
  sandbox.git(main, 'push', '--quiet', 'origin', 'main');
  return { sandbox, origin, main, sessionsDir: join(sandbox.root, `${name}-sessions`) };
}

/** Writes a file and commits it in the given worktree. */
export function commitFile(sandbox: Sandbox, cwd: string, file: string, content: string, message = `change ${file}`): void {
  writeFileSync(join(cwd, file), content);
  sandbox.git(cwd, 'add', '--', file);
  sandbox.git(cwd, 'commit', '--quiet', '-m', message);
}

export function parseJson<T = any>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`not JSON: ${text}`);
  }
}
