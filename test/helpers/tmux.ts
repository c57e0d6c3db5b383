import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/**
 * pwt's tmux server (`tmux -L pwt`) isolated per test: each test gets its own
 * TMUX_TMPDIR (set in process.env for in-process calls; pass `dir()` to child
 * pwt processes), and afterEach kills that server only: never the user's, never
 * another test's.
 */
export interface IsolatedTmux {
  /** This test's TMUX_TMPDIR. */
  dir(): string;
  /** Runs `tmux -L pwt` against this test's server. */
  tmux(...args: string[]): { stdout: string; stderr: string; code: number };
  killServer(): void;
}

export function killPwtServer(dir: string): void {
  spawnSync('tmux', ['-L', 'pwt', 'kill-server'], { env: { ...process.env, TMUX_TMPDIR: dir, TMUX: '' }, stdio: 'ignore' });
}

export function isolateTmux(): IsolatedTmux {
  let current: string | undefined;
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.TMUX_TMPDIR;
    current = mkdtempSync(join(tmpdir(), 'pwt-tmux-'));
    process.env.TMUX_TMPDIR = current;
  });
  afterEach(() => {
    if (current) {
      killPwtServer(current);
      rmSync(current, { recursive: true, force: true });
    }
    if (saved === undefined) delete process.env.TMUX_TMPDIR;
    else process.env.TMUX_TMPDIR = saved;
    current = undefined;
  });
  const dir = () => {
    if (!current) throw new Error('isolateTmux: use dir() inside a test');
    return current;
  };
  return {
    dir,
    tmux(...args) {
      const result = spawnSync('tmux', ['-L', 'pwt', ...args], { env: { ...process.env, TMUX_TMPDIR: dir(), TMUX: '' }, encoding: 'utf8' });
      return { stdout: result.stdout ?? '', stderr: result.stderr ?? '', code: result.status ?? 1 };
    },
    killServer: () => killPwtServer(dir()),
  };
}
