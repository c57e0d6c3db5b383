import { describe, expect, it } from 'vitest';
import { parseWorktreeList } from '../../../src/core/git/worktrees.js';
import { age, utcStamp } from '../../../src/core/infra/time.js';
import { table } from '../../../src/ui/table.js';

describe('parseWorktreeList', () => {
  it('reads -z records: branch, detached, locked, prunable', () => {
    const text = [
      'worktree /r/app\0HEAD aaa\0branch refs/heads/main\0\0',
      'worktree /r/app-sessions/a\0HEAD bbb\0branch refs/heads/session/a\0locked\0\0',
      'worktree /r/app-sessions/b\0HEAD ccc\0detached\0prunable gitdir file points to non-existent location\0\0',
    ].join('');
    expect(parseWorktreeList(text)).toEqual([
      { path: '/r/app', head: 'aaa', branch: 'main', bare: false, detached: false, locked: false, prunable: false },
      { path: '/r/app-sessions/a', head: 'bbb', branch: 'session/a', bare: false, detached: false, locked: true, prunable: false },
      { path: '/r/app-sessions/b', head: 'ccc', branch: null, bare: false, detached: true, locked: false, prunable: true },
    ]);
  });
  it('keeps a path with a newline in it', () => {
    expect(parseWorktreeList('worktree /r/odd\nname\0HEAD a\0detached\0\0')[0]?.path).toBe('/r/odd\nname');
  });
});

describe('time and table', () => {
  const now = Date.parse('2026-01-02T12:00:00Z');
  const cases: [string, string][] = [
    ['2026-01-02T11:59:30Z', 'just now'],
    ['2026-01-02T11:55:00Z', '5m ago'],
    ['2026-01-02T09:00:00Z', '3h ago'],
    ['2025-12-28T12:00:00Z', '5d ago'],
    ['not a date', '?'],
  ];
  for (const [iso, expected] of cases) it(`age(${iso}) = ${expected}`, () => expect(age(iso, now)).toBe(expected));
  it('utcStamp is compact UTC', () => expect(utcStamp(new Date('2026-11-21T09:38:12.345Z'))).toBe('20261121T093812Z'));
  it('table pads all but the last column', () => {
    expect(table(['A', 'BB', 'C'], [['xxx', 'y', 'last']])).toBe('A    BB  C\nxxx  y   last');
  });
});
