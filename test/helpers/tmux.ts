import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import type { AgentEntry, TmuxPlace } from '../../src/core/agents/runtime/records.js';
import { processStartTime } from '../../src/core/infra/processes.js';
import type { NewWindow } from '../../src/core/tmux/windows.js';

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

/**
 * A stand-in agent: `cat` in a window of pwt's tmux server (tmux session
 * `app/<session>`, 100x20, in `cwd`), tagged and recorded as a running claude
 * agent `<session>-claude` the way the runtime records one, so no vendor CLI is
 * needed. Returns the manifest entry to write into the session.
 */
export function standInAgent(tmux: IsolatedTmux, { main, session, cwd }: { main: string; session: string; cwd: string }): AgentEntry {
  const made = tmux.tmux(
    'new-session',
    '-d',
    '-s',
    `app/${session}`,
    '-x',
    '100',
    '-y',
    '20',
    '-c',
    cwd,
    '-P',
    '-F',
    '#{window_id} #{pane_id} #{pane_pid}',
    '--',
    'cat',
  );
  expect(made.code, made.stderr).toBe(0);
  const [window, pane, pid] = made.stdout.trim().split(' ') as [string, string, string];
  const id = `${session}-claude`;
  for (const [key, value] of [
    ['@pwt-agent', id],
    ['@pwt-session', session],
    ['@pwt-main', main],
  ] as const)
    expect(tmux.tmux('set-option', '-w', '-t', window, key, value).code).toBe(0);
  return {
    id,
    provider: 'claude',
    vendorSessionId: `v-${id}`,
    status: 'running',
    cli: 'claude',
    cliCommand: ['cat'],
    resumeArgs: ['claude', '--resume', `v-${id}`],
    spawnedAt: new Date().toISOString(),
    tmux: { session: `app/${session}`, window, pane, pid: Number(pid), pidStart: processStartTime(Number(pid)) },
  };
}

/**
 * Screens that print: one tmux session each (named `name`, `width`x`height`)
 * running `sh -c '<script>; exec cat'`. Returns their pane ids, in order.
 */
export function printingPanes(tmux: IsolatedTmux, screens: { name: string; script: string }[], width: number, height: number): string[] {
  return screens.map(({ name, script }) => {
    const made = tmux.tmux(
      'new-session',
      '-d',
      '-s',
      name,
      '-x',
      String(width),
      '-y',
      String(height),
      '-P',
      '-F',
      '#{pane_id}',
      '--',
      'sh',
      '-c',
      `${script}; exec cat`,
    );
    expect(made.code, made.stderr).toBe(0);
    return made.stdout.trim();
  });
}

/** Where the runtime records an agent the tmux door started: its window, pane and process. */
export function placeOf(made: NewWindow): TmuxPlace {
  return { session: made.tmuxSession, window: made.windowId, pane: made.paneId, pid: made.panePid, pidStart: processStartTime(made.panePid) };
}

/**
 * The manifest entry of a running agent in a window the tmux door started, as
 * the runtime records one before the vendor's id is known (the CLI is named
 * after the provider; `cliCommand` defaults to `[provider]`).
 */
export function runningEntry(made: NewWindow, id: string, provider: AgentEntry['provider'], cliCommand: string[] = [provider]): AgentEntry {
  return {
    id,
    provider,
    vendorSessionId: null,
    status: 'running',
    cli: provider,
    cliCommand,
    resumeArgs: null,
    spawnedAt: new Date().toISOString(),
    tmux: placeOf(made),
  };
}
