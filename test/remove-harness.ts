import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE, CLI, parseJson, type Project, type Sandbox } from './helpers/sandbox.js';

/**
 * Shared by the remove / cleanup / restore tests: a whole-repo fingerprint to
 * prove "nothing changed", manifest reading, and pwt driven inside a real
 * tmux so its prompts meet a real terminal.
 */

export function manifest(project: Project): any {
  const file = join(project.sessionsDir, '.manifest.json');
  return existsSync(file) ? parseJson(readFileSync(file, 'utf8')) : null;
}

export const sessionIds = (project: Project): string[] => (manifest(project)?.sessions ?? []).map((session: any) => session.id);

/** Everything a failed or dry run must leave alone: refs, worktrees, manifest, files, in-progress merges. */
export function fingerprint(project: Project): string {
  const { sandbox, main, sessionsDir } = project;
  const worktrees = sandbox.git(main, 'worktree', 'list', '--porcelain');
  const gitDirs = [
    join(main, '.git'),
    ...(existsSync(join(main, '.git', 'worktrees')) ? readdirSync(join(main, '.git', 'worktrees')).map((name) => join(main, '.git', 'worktrees', name)) : []),
  ];
  const statuses = worktrees
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice(9))
    .map((path) => `${path}:\n${existsSync(path) ? sandbox.git(path, 'status', '--porcelain=v1', '--untracked-files=all') : '(missing)'}`);
  return JSON.stringify({
    refs: sandbox.git(main, 'for-each-ref', '--format=%(refname) %(objectname)'),
    originRefs: sandbox.git(project.origin, 'for-each-ref', '--format=%(refname) %(objectname)'),
    worktrees,
    statuses,
    manifest: manifest(project),
    // .pwt/ holds pwt's own state (per-session locks), not the user's.
    sessionsDir: existsSync(sessionsDir)
      ? readdirSync(sessionsDir)
          .filter((name) => name !== '.pwt')
          .sort()
      : [],
    merging: gitDirs.filter((dir) => existsSync(join(dir, 'MERGE_HEAD'))),
  });
}

/** pwt in its own tmux server (socket in the sandbox), CI unset so it may ask. */
export class TmuxPwt {
  private readonly socket: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    private readonly sandbox: Sandbox,
    cwd: string,
    args: string[],
    extraEnv: NodeJS.ProcessEnv = {},
    size = { columns: 200, rows: 50 },
    /** bash outlives a Ctrl-C that pwt handles (it waits and goes on when pwt exits normally); dash dies with it. */
    wrapper: '/bin/sh' | 'bash' = '/bin/sh',
  ) {
    this.socket = join(sandbox.root, `tmux-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.sock`);
    const env: NodeJS.ProcessEnv = { ...sandbox.env, TERM: 'xterm-256color', ...extraEnv };
    delete env.CI;
    this.env = env;
    // sh prints pwt's exit code on the screen: tmux's own #{pane_dead_status} can
    // lag behind (or miss) the pane closing. Arguments pass through "$@" unparsed.
    const command = [wrapper, '-c', '"$0" "$@"; echo "[pwt-exit $?]"', NODE, CLI, ...args];
    this.tmux(['-f', '/dev/null', 'new-session', '-d', '-s', 'pwt', '-x', String(size.columns), '-y', String(size.rows), '-c', cwd, '--', ...command]);
    this.tmux(['set-option', '-t', 'pwt', 'remain-on-exit', 'on']);
  }

  private tmux(args: string[]): string {
    const result = spawnSync('tmux', ['-S', this.socket, ...args], { env: this.env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  }

  screen(): string {
    return this.tmux(['capture-pane', '-p', '-J', '-S', '-200', '-t', 'pwt']);
  }

  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (pattern.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; screen:\n${screen}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }

  /** tmux key names (Down, Enter, Escape) or, with literal, text typed as is. */
  keys(keys: string[], literal = false): void {
    this.tmux(['send-keys', '-t', 'pwt', ...(literal ? ['-l'] : []), ...keys]);
  }

  /** Waits for pwt to exit; returns its exit code and the final screen. */
  async exit(timeoutMs = 30_000): Promise<{ code: number; screen: string }> {
    const screen = await this.waitFor(/\[pwt-exit \d+\]/, timeoutMs);
    return { code: Number(screen.match(/\[pwt-exit (\d+)\]/)?.[1]), screen };
  }

  kill(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server'], { env: this.env });
  }
}
