import { describe, expect, it } from 'vitest';
import type { SessionStatus, StatusReport, StatusSkeleton } from '../../src/core/sessions/status.js';
import { statusView, type Screen } from '../../src/ui/status-view.js';
import { cut, printable, visible } from '../../src/ui/table.js';

/** The status view against a recorded screen: what is written when, in which mode. */
function recorder(size?: { columns: number; rows: number }): Screen & { writes: string[] } {
  const writes: string[] = [];
  return { writes, write: (text) => void writes.push(text), size: () => size };
}

const startedAt = new Date().toISOString();
const record = (id: string) => ({
  id,
  branch: `session/${id}`,
  worktree: `../app-sessions/${id}`,
  startedAt,
  goals: [`goal ${id}`],
  status: 'active',
  path: `/r/app-sessions/${id}`,
});
const skeleton: StatusSkeleton = { project: 'app', sessionsDir: '/r/app-sessions', mainPath: '/r/app', sessions: ['a', 'b', 'c'].map(record), current: null };
const done = (id: string, changes: number, ahead: number): SessionStatus => ({
  ...record(id),
  exists: true,
  dirty: changes > 0,
  changes,
  ahead,
  behind: 0,
  activeAgent: null,
  agents: [],
  notes: [],
});
const main = { path: '/r/app', branch: 'main', dirty: false };
const report = (): StatusReport => ({
  project: 'app',
  sessionsDir: '/r/app-sessions',
  main,
  sessions: [done('a', 0, 1), done('b', 2, 0), done('c', 0, 0)],
  orphans: [],
});

describe('status view', () => {
  it('piped: nothing until the main worktree is known, then complete rows strictly in order', () => {
    const screen = recorder();
    const view = statusView('session/', screen);
    view.skeleton?.(skeleton);
    view.session?.(1, done('b', 2, 0));
    expect(screen.writes).toEqual([]);
    view.main?.(main);
    expect(screen.writes.join('')).toMatch(/^app {2}main worktree: main, clean {2}\(\/r\/app\)\n\nSESSION\s+AGE\s+CHANGES\s+AHEAD\/BEHIND\s+AGENT\s+GOAL\n$/);
    view.session?.(0, done('a', 0, 1));
    view.session?.(2, done('c', 0, 0));
    view.finish(report());
    const rows = screen.writes
      .join('')
      .split('\n')
      .filter((line) => /^[abc] /.test(line));
    expect(rows).toEqual([
      expect.stringMatching(/^a\s+just now\s+clean\s+\+1\/-0\s+-\s+goal a$/),
      expect.stringMatching(/^b\s+just now\s+2 changed\s+\+0\/-0\s+-\s+goal b$/),
      expect.stringMatching(/^c\s+just now\s+clean\s+\+0\/-0\s+-\s+goal c$/),
    ]);
    // No cursor movement when piped.
    expect(screen.writes.join('')).not.toContain('\u001B[');
  });

  it('at a terminal: the skeleton at once, then the same lines redrawn in place, each within the width', () => {
    const screen = recorder({ columns: 41, rows: 20 });
    const view = statusView('session/', screen);
    view.skeleton?.(skeleton);
    expect(screen.writes).toHaveLength(1);
    const first = screen.writes[0] as string;
    expect(first.split('\n').filter(Boolean)).toHaveLength(6);
    expect(first).toMatch(/\u001B\[2Ka\s+just now\s+…\s+…/);
    view.finish(report());
    const last = screen.writes.at(-1) as string;
    expect(last.startsWith('\u001B[6F')).toBe(true);
    for (const line of last.split('\n').filter(Boolean)) expect(visible(line.replace(/\u001B\[\d*[FK]/g, ''))).toBeLessThanOrEqual(40);
    expect(last).toMatch(/\u001B\[2Kb\s+just now\s+2 changed\s+\+0\/-0/);
  });

  it('a table taller than the terminal is printed as when piped', () => {
    const screen = recorder({ columns: 200, rows: 5 });
    const view = statusView('session/', screen);
    view.skeleton?.(skeleton);
    expect(screen.writes).toEqual([]);
    view.main?.(main);
    view.finish(report());
    expect(screen.writes.join('')).not.toContain('\u001B[2K');
    expect(
      screen.writes
        .join('')
        .split('\n')
        .filter((line) => /^[abc] /.test(line)),
    ).toHaveLength(3);
  });
});

describe('cut and printable', () => {
  it('cuts to the width with an ellipsis, escape sequences kept and closed', () => {
    expect(cut('hello world', 20)).toBe('hello world');
    expect(cut('hello world', 6)).toBe('hello…');
    const colored = `ab\u001B[33mcdef\u001B[0mgh`;
    expect(cut(colored, 5)).toBe(`ab\u001B[33mcd\u001B[0m…\u001B[0m`);
    expect(visible(cut(colored, 5))).toBe(5);
  });

  it('turns control characters into spaces', () => {
    expect(printable('a\nb\tc\u001B[31md\u0007\u009B')).toBe('a b c [31md  ');
  });

  it('an agent a usage limit stopped: its provider, limited, until when (local time), running or not', () => {
    const screen = recorder();
    const view = statusView('session/', screen);
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const limited = (id: string, status: string): SessionStatus => ({
      ...done(id, 0, 0),
      activeAgent: status === 'running' ? 'codex' : null,
      agents: [{ id: `${id}-codex`, provider: 'codex', status, limited: { until } }],
    });
    view.skeleton?.(skeleton);
    view.main?.(main);
    view.finish({ ...report(), sessions: [limited('a', 'running'), limited('b', 'exited'), done('c', 0, 0)] });
    const rows = screen.writes
      .join('')
      .split('\n')
      .filter((line) => /^[abc] /.test(line));
    const hhmm = new Date(until).toTimeString().slice(0, 5);
    expect(rows).toEqual([
      expect.stringMatching(new RegExp(`^a .* codex limited until ${hhmm}\\s+goal a$`)),
      expect.stringMatching(new RegExp(`^b .* codex limited until ${hhmm}\\s+goal b$`)),
      expect.stringMatching(/^c .*\s-\s+goal c$/),
    ]);
  });
});
