import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, realpathSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeProject, type Project, type Sandbox } from '../helpers/sandbox.js';

/**
 * What the e2e tests need to drive the real agent CLIs: the install cache
 * (scripts/install-agent-clis.mjs), a world per test (fresh HOME, a real git
 * repo with a session worktree), spawning with a timeout, polling, and tmux
 * for interactive runs.
 */
export const CLI_CACHE = resolve(import.meta.dirname, '../../.cache/agent-clis');
export const CLI_BIN = join(CLI_CACHE, 'node_modules', '.bin');
export type CliName = 'claude' | 'codex' | 'gemini' | 'copilot' | 'opencode' | 'pi';

/**
 * The cached CLI's path. A missing CLI fails the test with the command that
 * installs it: these tests are never skipped silently.
 */
export function requireCli(name: CliName): string {
  const bin = join(CLI_BIN, name);
  if (!existsSync(bin)) throw new Error(`${name} CLI not installed in ${CLI_CACHE}: run: npm run agents:install`);
  return bin;
}

/** Where `program` is found on `path` (a PATH value), or null. */
export function onPath(program: string, path: string | undefined): string | null {
  for (const dir of (path ?? '').split(':')) if (dir && existsSync(join(dir, program))) return join(dir, program);
  return null;
}

/**
 * `path` (a PATH value) with a `bwrap` on it: the system's when bubblewrap is
 * installed, else a link to the bwrap bundled in codex's npm package, so
 * codex takes the same system-bwrap route (it looks for `bwrap` on PATH) on a
 * machine without the package. .ci/run installs the real one.
 */
export function pathWithBwrap(path: string, scratch: string): string {
  if (onPath('bwrap', path)) return path;
  const vendor = join(CLI_CACHE, 'node_modules', '@openai');
  const bundled = readdirSync(vendor)
    .filter((name) => name.startsWith('codex-linux-'))
    .flatMap((name) => {
      const root = join(vendor, name, 'vendor');
      return existsSync(root) ? readdirSync(root).map((triple) => join(root, triple, 'codex-resources', 'bwrap')) : [];
    })
    .find((candidate) => existsSync(candidate));
  if (!bundled) throw new Error(`no bwrap on PATH and none bundled with codex in ${vendor}: apt-get install bubblewrap, or npm run agents:install`);
  const dir = join(scratch, 'path-with-bwrap');
  mkdirSync(dir, { recursive: true });
  symlinkSync(bundled, join(dir, 'bwrap'));
  return `${dir}:${path}`;
}

/**
 * `path` (a PATH value) with `program` hidden, without touching the system:
 * each folder that holds it is replaced by a folder of links (under
 * `scratch`) to everything else in it. How the codex tests run codex as on a
 * machine without bubblewrap while bubblewrap is installed.
 */
export function pathWithout(program: string, path: string, scratch: string): string {
  const shadows = new Map<string, string>();
  return path
    .split(':')
    .map((dir) => {
      if (!dir || !existsSync(join(dir, program))) return dir;
      const real = realpathSync(dir);
      let shadow = shadows.get(real);
      if (!shadow) {
        shadow = join(scratch, `path-without-${program}-${shadows.size}`);
        mkdirSync(shadow, { recursive: true });
        for (const entry of readdirSync(real)) if (entry !== program) symlinkSync(join(real, entry), join(shadow, entry));
        shadows.set(real, shadow);
      }
      return shadow;
    })
    .join(':');
}

export interface AgentWorld {
  sandbox: Sandbox;
  project: Project;
  /** Fresh HOME of this test (the vendor's files land under it). */
  home: string;
  /** A session worktree (realpath) on branch session/<name>, where the agent runs. */
  cwd: string;
  /** Sandbox env + the CLI cache first on PATH; add the vendor's variables to it. */
  env: NodeJS.ProcessEnv;
}

/** A real project (bare origin + clone) and a session worktree in it, with a fresh HOME. */
export function makeAgentWorld(name = 'agent-test'): AgentWorld {
  const project = makeProject('app');
  const { sandbox } = project;
  mkdirSync(project.sessionsDir, { recursive: true });
  const cwd = join(project.sessionsDir, name);
  sandbox.git(project.main, 'worktree', 'add', '--quiet', '-b', `session/${name}`, cwd);
  const env: NodeJS.ProcessEnv = { ...sandbox.env, PATH: `${CLI_BIN}:${sandbox.env.PATH ?? ''}`, TERM: 'xterm-256color' };
  delete env.CI; // several CLIs change behaviour (or refuse the TUI) under CI
  return { sandbox, project, home: sandbox.home, cwd: realpathSync(cwd), env };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (stdin closed unless `input`), killing its process group after `timeoutMs`. */
export function runCommand(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; input?: string; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end(opts.input ?? '');
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
      reject(new Error(`timed out after ${opts.timeoutMs}ms: ${cmd} ${args.join(' ')}\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 90_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** Calls `probe` until it returns something truthy; fails with `what` after `timeoutMs`. */
export async function poll<T>(
  what: string,
  probe: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * One interactive CLI in its own tmux server (socket in the sandbox, so tests
 * never touch the user's tmux). The server inherits `env`, so the CLI sees it.
 */
export class TmuxSession {
  private constructor(
    readonly socket: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static start(
    world: AgentWorld,
    cmd: string,
    args: string[],
    opts: { cwd?: string; env?: NodeJS.ProcessEnv; width?: number; height?: number } = {},
  ): TmuxSession {
    const socket = join(world.sandbox.root, `tmux-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.sock`);
    const env = opts.env ?? world.env;
    const session = new TmuxSession(socket, env);
    // `-f /dev/null`: no user tmux.conf. With several arguments tmux execs the command directly (no shell).
    session.tmux([
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-s',
      'agent',
      '-x',
      String(opts.width ?? 160),
      '-y',
      String(opts.height ?? 50),
      '-c',
      opts.cwd ?? world.cwd,
      '--',
      cmd,
      ...args,
    ]);
    session.tmux(['set-option', '-t', 'agent', 'remain-on-exit', 'on']);
    return session;
  }

  private tmux(args: string[]): string {
    const result = spawnSync('tmux', ['-S', this.socket, ...args], { env: this.env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${result.stderr ?? String(result.error)}`);
    return result.stdout;
  }

  /** Types literal text (no Enter). */
  type(text: string): void {
    this.tmux(['send-keys', '-t', 'agent', '-l', text]);
  }

  /** Sends tmux key names: 'Enter', 'C-c', 'C-d', 'Escape'. */
  keys(...keys: string[]): void {
    this.tmux(['send-keys', '-t', 'agent', ...keys]);
  }

  /**
   * Types text, waits until the TUI shows it (a loaded machine can lag by
   * seconds, and an Enter that arrives while the text is still being taken
   * in counts as part of a paste), pauses, then presses Enter as a separate
   * key (codex needs the pause).
   */
  async submit(text: string, pauseMs = 1000): Promise<void> {
    const before = this.screen().split(text.slice(0, 24)).length;
    this.type(text);
    await poll('the typed text on screen', () => this.screen().split(text.slice(0, 24)).length > before, 10_000, 100).catch(() => undefined);
    await new Promise((r) => setTimeout(r, pauseMs));
    this.keys('Enter');
  }

  /**
   * Submits text and waits until `done` holds for the screen. A TUI under
   * load can take the Enter as part of the typing burst (gemini did: the text
   * stayed in its input box), so while the text still sits near the bottom
   * (the input area) and `done` does not hold, Enter is pressed again. The
   * text is never typed twice, so a slow answer cannot turn into two turns.
   */
  async submitUntil(text: string, done: (screen: string) => boolean, { tries = 4, waitMs = 15_000 } = {}): Promise<string> {
    await this.submit(text);
    for (let attempt = 1; ; attempt++) {
      try {
        return await poll(
          `the screen after submitting ${JSON.stringify(text)}`,
          () => {
            const screen = this.screen();
            return done(screen) ? screen : null;
          },
          waitMs,
          250,
        );
      } catch (error) {
        const bottom = this.screen().trimEnd().split('\n').slice(-6).join('\n');
        if (attempt >= tries || !bottom.includes(text.slice(0, 24))) throw new Error(`${(error as Error).message}\n--- screen ---\n${this.screen()}`);
        this.keys('Enter');
      }
    }
  }

  screen(): string {
    return this.tmux(['capture-pane', '-p', '-t', 'agent', '-S', '-200']);
  }

  /** Whether the program in the pane has exited (remain-on-exit keeps the pane). */
  exited(): boolean {
    return this.tmux(['display-message', '-p', '-t', 'agent', '#{pane_dead}']).trim() === '1';
  }

  async waitForScreen(pattern: RegExp | string, timeoutMs = 30_000): Promise<string> {
    const test = (s: string) => (typeof pattern === 'string' ? s.includes(pattern) : pattern.test(s));
    try {
      return await poll(
        `screen to show ${pattern}`,
        () => {
          const s = this.screen();
          return test(s) ? s : null;
        },
        timeoutMs,
        250,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- screen ---\n${this.screen()}`);
    }
  }

  async waitForExit(timeoutMs = 20_000): Promise<void> {
    try {
      await poll('the CLI to exit', () => this.exited(), timeoutMs, 250);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- screen ---\n${this.screen()}`);
    }
  }

  /** Ends the tmux server and everything in it. Safe to call twice. */
  kill(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server'], { env: this.env });
  }
}
