import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { limitGone, limitSeenFile, limitUntil } from '../../../../../src/core/agents/runtime/activity/limit-seen.js';
import { classifyScreen, limitOf } from '../../../../../src/core/agents/runtime/activity/screen.js';

/**
 * One usage limit on screen reads one reset time, whichever process reads it
 * and from when: opencode's and pi's wait ("Please try again in 50s.") counts
 * from when the message appeared, which two pwt processes (the scheduler and
 * `pwt agent list`, say) each place a little differently. Screens are the
 * measured fixtures; the moments are data.
 */
const screen = (name: string) => readFileSync(join(import.meta.dirname, '../../../../fixtures/activity', `${name}.txt`), 'utf8');
const dirs: string[] = [];
const dir = () => {
  const made = mkdtempSync(join(tmpdir(), 'pwt-limit-seen-'));
  dirs.push(made);
  return made;
};
afterEach(() => {
  for (const each of dirs.splice(0)) rmSync(each, { recursive: true, force: true });
});
const T = Date.parse('2026-12-07T03:17:47.381Z');

describe('a usage limit read once, kept for every reader', () => {
  it('opencode: two processes that place the message 169 ms apart read the same reset (the first reading)', () => {
    const agents = dir();
    const limited = screen('opencode-7-limited');
    const first = limitUntil(agents, 'a-opencode', 'opencode', limited, T, T + 20);
    // 50 s, rounded up by a second.
    expect(first).toBe(T + 51_000);
    // The other process read the screen file before the first wrote it: it places the message later.
    expect(limitUntil(agents, 'a-opencode', 'opencode', limited, T + 169, T + 200)).toBe(first);
    // A screen without the limit captured before the limit was read (written late) does not end it.
    limitGone(agents, 'a-opencode', T + 10);
    expect(limitUntil(agents, 'a-opencode', 'opencode', limited, T + 5_000, T + 5_020)).toBe(first);
  });

  it('pi: the limit ends once a screen without it is captured after it was read; the next limit reads afresh', () => {
    const agents = dir();
    const limited = screen('pi-7-limited');
    const first = limitUntil(agents, 'a-pi', 'pi', limited, T, T + 20);
    limitGone(agents, 'a-pi', T + 30_000);
    expect(() => readFileSync(limitSeenFile(agents, 'a-pi'))).toThrow();
    // The same words again (the model server's same answer): a new limit, from when it appeared.
    const again = limitUntil(agents, 'a-pi', 'pi', limited, T + 60_000, T + 60_020);
    expect(again).toBe((first as number) + 60_000);
  });

  it('a screen showing another limit (no look between the two) replaces the kept one', () => {
    const agents = dir();
    const limited = screen('pi-7-limited');
    const first = limitUntil(agents, 'a-pi', 'pi', limited, T, T + 20) as number;
    const other = limited.replace(/try again in \d+s/g, 'try again in 99s');
    expect(other).not.toBe(limited);
    expect(limitOf('pi', other)?.message).not.toBe(limitOf('pi', limited)?.message);
    expect(limitUntil(agents, 'a-pi', 'pi', other, T + 60_000, T + 60_020)).toBe(T + 60_000 + 100_000);
    expect(first).not.toBe(T + 60_000 + 100_000);
  });

  it("opencode: the sidebar beside the message (its context and cost) is not part of the limit's identity", () => {
    const limited = screen('opencode-7-limited');
    const repainted = limited.replace('0% used', '1% used');
    expect(repainted).not.toBe(limited);
    expect(limitOf('opencode', repainted)?.message).toBe(limitOf('opencode', limited)?.message);
  });

  it('opencode: its toast (drawn beside the prompt a moment before the error box) is not the limit; the error box is, and reads one reset', () => {
    // Both screens measured: opencode 1.18 answered by the test model server's 429, captured 0.4 s apart.
    const toast = screen('opencode-7a-limit-toast');
    const box = screen('opencode-7b-limit-toast-and-box');
    expect(toast).toMatch(/┃\s+Rate limit reached/);
    expect(limitOf('opencode', toast)).toBeNull();
    expect(classifyScreen('opencode', toast)).not.toBe('limited');
    expect(classifyScreen('opencode', box)).toBe('limited');
    expect(limitOf('opencode', box)?.message).toBe(
      '┃  Rate limit reached for requests per min (RPM): Limit 60, Used 60, Requested 1. Please try again in 12s.',
    );
  });

  it('opencode: a toast drawn over the end of the message line (or a pane wrapping it sooner) leaves the same limit, read once', () => {
    const agents = dir();
    const box = screen('opencode-7b-limit-toast-and-box');
    const lines = box.split('\n');
    const message = lines.findIndex((line) => /^\s*┃\s+Rate limit reached/.test(line));
    const toastRow = lines.findIndex((line) => /┃\s+Rate limit reached .*┃/.test(line));
    const border = (lines[toastRow] as string).indexOf('┃', 5);
    // Derived from the measured screen: the toast's row laid over the message line from the toast's border on.
    const covered = lines.map((line, i) => (i === message ? line.slice(0, border) + (lines[toastRow] as string).slice(border) : line)).join('\n');
    const full = limitOf('opencode', box)!.message;
    const shown = limitOf('opencode', covered)!.message;
    expect(shown.length).toBeLessThan(full.length);
    expect(full.startsWith(shown)).toBe(true);
    // The wait is under the toast: the first reading has no reset. The whole line, read later, completes it from
    // when the first reading placed the limit, for every later reader (a limit with no reset is never resumed).
    expect(limitUntil(agents, 'a-opencode', 'opencode', covered, T, T + 20)).toBeNull();
    expect(limitUntil(agents, 'a-opencode', 'opencode', box, T + 3_000, T + 3_020)).toBe(T + 13_000);
    expect(limitUntil(agents, 'a-opencode', 'opencode', covered, T + 4_000, T + 4_020)).toBe(T + 13_000);
    expect(JSON.parse(readFileSync(limitSeenFile(agents, 'a-opencode'), 'utf8'))).toMatchObject({ until: T + 13_000, appeared: T, by: T + 20 });
    // And the other way round: first the whole line, then the covered one.
    const other = dir();
    expect(limitUntil(other, 'a-opencode', 'opencode', box, T, T + 20)).toBe(T + 13_000);
    expect(limitUntil(other, 'a-opencode', 'opencode', covered, T + 3_000, T + 3_020)).toBe(T + 13_000);
  });
});
