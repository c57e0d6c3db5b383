import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { limitOnScreen, resetTime } from '../../../../../src/core/agents/runtime/activity/limit.js';
import { classifyScreen, limitOf } from '../../../../../src/core/agents/runtime/activity/screen.js';
import { waitOf } from '../../../../../src/core/agents/vendors/limit-text.js';

/**
 * Usage and rate limits on the screens of pi 0.73.1 and opencode 1.18.33,
 * captured in tmux (160x50) while the test model server answered their chat
 * completions as OpenAI does over a rate limit (429 `rate_limit_exceeded`,
 * "Please try again in 21s.", no `retry-after`): pi retries (`Retrying (1/3)
 * in 2s...`) and then prints `Error: Retry failed after 3 attempts: ...`;
 * opencode retries with the message in its footer, then shows it in the
 * turn's error box. cursor-7-limited.txt is HAND-WRITTEN (cursor-agent is not
 * on npm, so no real cursor screen was ever captured here): its error block
 * follows what cursor-agent's users reported (cursor/cursor issue 3703), in
 * the layout of the hand-written cursor-4-permission.txt.
 */
const screen = (name: string) => readFileSync(join(import.meta.dirname, '../../../../fixtures/activity', `${name}.txt`), 'utf8');
const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');
const at = (iso: string) => Date.parse(iso);
const NOW = at('2026-12-07T00:08:16Z');

describe('usage limits on screen: pi, opencode, cursor', () => {
  it.each([
    ['pi after its retries', 'pi', 'pi-7-limited', 'limited'],
    ['pi while it retries (an Error line, then its retry spinner)', 'pi', 'pi-6-retrying', 'working'],
    ['pi answered the continue prompt below the limit', 'pi', 'pi-8-limit-answered', null],
    ['pi idle without a limit', 'pi', 'pi-1-idle', null],
    ['opencode after its retries', 'opencode', 'opencode-7-limited', 'limited'],
    ['opencode while it retries (the message in its busy footer)', 'opencode', 'opencode-6-retrying', null],
    ['opencode working', 'opencode', 'opencode-2-working', null],
    ['cursor (hand-written fixture, not a measured screen)', 'cursor', 'cursor-7-limited', 'limited'],
    ['cursor waiting for an approval', 'cursor', 'cursor-4-permission', 'waiting'],
  ] as const)('%s', (_name, provider, name, kind) => {
    expect(classifyScreen(provider, screen(name))).toBe(kind);
  });

  it('pi: the wait it printed, from when the message appeared (rounded up by a second)', () => {
    expect(limitOf('pi', screen('pi-7-limited'), NOW)?.until).toBe(NOW + 22_000);
    expect(limitOf('pi', screen('pi-8-limit-answered'), NOW)).toBeNull();
  });

  it('pi: a ChatGPT subscription limit (its own wording, no retry), in minutes', () => {
    const text = [
      ' capped',
      ' Error: You have hit your ChatGPT usage limit (pro plan). Try again in ~12 min.',
      '─'.repeat(40),
      '─'.repeat(40),
      '~/work (main)',
    ];
    expect(limitOnScreen('pi', text, NOW)).toEqual({
      until: NOW + 13 * 60_000,
      message: 'Error: You have hit your ChatGPT usage limit (pro plan). Try again in ~12 min.',
    });
  });

  it('pi: a prompt typed after the limit is the next turn', () => {
    const limited = lines(screen('pi-7-limited'));
    const rule = limited.findIndex((line) => /^─{8,}/.test(line));
    const typed = [...limited.slice(0, rule), ' go on', ...limited.slice(rule)];
    expect(limitOnScreen('pi', typed, NOW)).toBeNull();
  });

  it('opencode: the wait in its error box', () => {
    expect(limitOf('opencode', screen('opencode-7-limited'), NOW)?.until).toBe(NOW + 51_000);
  });

  it("opencode: a prompt that mentions a rate limit is not the provider's message", () => {
    const prompt = screen('opencode-7-limited').replace(/Rate limit reached for requests per min.*?Please try again in 50s\./, 'Internal server error');
    const text = prompt.replace('second PWT_LIMIT_MARKER 150', 'fix the rate limit in api.ts');
    expect(classifyScreen('opencode', text)).toBeNull();
  });

  it('cursor: the day its monthly cycle ends, wrapped over lines; over at the end of that day', () => {
    expect(limitOnScreen('cursor', lines(screen('cursor-7-limited')), NOW, 'UTC')).toEqual({
      until: at('2025-11-18T00:00:00Z'),
      message: "Error: You've hit your usage limit",
    });
    const limited = screen('cursor-7-limited');
    const box = limited.lastIndexOf(' ┌───');
    const answered = `${limited.slice(0, box)} ⬢ Continuing where I left off.\n\n${limited.slice(box)}`;
    expect(classifyScreen('cursor', answered)).toBeNull();
  });

  it.each([
    ['81s', 82_000],
    ['~12 min', 13 * 60_000],
    ['7m12.5s', 7 * 60_000 + 13_500],
    ['6m0s', 6 * 60_000 + 1000],
    ['3 hours 20 minutes', 3 * 3_600_000 + 21 * 60_000],
    ['20ms', 1020],
    ['soon', null],
  ])('a wait: %s', (text, ms) => {
    expect(waitOf(text)).toBe(ms);
  });

  it('a wait is read from the time given; a date alone ends with its day', () => {
    expect(resetTime('81s', NOW, 'UTC')).toBe(NOW + 82_000);
    expect(resetTime('11/17/2025', NOW, 'Europe/Paris')).toBe(at('2025-11-17T23:00:00Z'));
  });
});
