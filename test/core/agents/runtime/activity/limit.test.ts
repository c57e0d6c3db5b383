import { describe, expect, it } from 'vitest';
import { limitOnScreen, resetTime } from '../../../../../src/core/agents/runtime/activity/limit.js';
import { classifyScreen, limitOf } from '../../../../../src/core/agents/runtime/activity/screen.js';

/** Screens of the pinned CLIs after the test model server answered as the vendor does when the limit is hit. */
const CLAUDE_LIMITED = [
  '❯ capped claude turn PWT_LIMIT_MARKER 2',
  "  ⎿  You've hit your session limit · resets 9:46pm (UTC)",
  '',
  '✻ Sautéed for 0s',
  '',
  '❯ /rate-limit-options',
  '─────────────',
  '  What do you want to do?',
  '',
  '  ❯ 1. Stop and wait for limit to reset',
  '    2. Upgrade your plan',
  '',
  '  Enter to confirm · Esc to cancel',
].join('\n');
const CLAUDE_RESUMED = [
  "  ⎿  You've hit your session limit · resets 9:46pm (UTC)",
  '✻ Sautéed for 0s',
  '❯ Your usage limit has reset. Continue the task where you left off.',
  '● Reply to: capped claude turn PWT_LIMIT_MARKER 2 Yo',
  '✻ Cogitated for 0s',
  '────────',
  '❯ ',
  '────────',
  '  ? for shortcuts · ← for agents',
].join('\n');
const CODEX_LIMITED = [
  '› capped codex turn PWT_LIMIT_MARKER 2',
  '',
  '■ You’ve hit your usage limit. Visit https://chatgpt.com/settings/usage to purchase more credits or try again at 9:48 PM.',
  '',
  '› Ask Codex to do anything',
  '',
  '  gpt-5 default · /tmp/x/capped',
  '  ← for agents · ? for shortcuts                          ⚠ 1 warning · f2 to view',
].join('\n');
const CODEX_RESUMED = `${CODEX_LIMITED.split('\n').slice(0, 3).join('\n')}\n› Your usage limit has reset.\n• Reply to: Your usage limit has reset.\n› Ask Codex to do anything`;

const at = (iso: string) => Date.parse(iso);

describe('usage limits on screen', () => {
  it.each([
    ['claude limited, its menu open', 'claude', CLAUDE_LIMITED, 'limited'],
    ['claude answered after the limit', 'claude', CLAUDE_RESUMED, null],
    ['codex limited', 'codex', CODEX_LIMITED, 'limited'],
    ['codex answered after the limit', 'codex', CODEX_RESUMED, null],
    ['claude busy again', 'claude', `${CLAUDE_LIMITED}\n✻ Pouncing… (esc to interrupt)`, 'working'],
    ["another vendor's wording", 'pi', CODEX_LIMITED, null],
    ['codex limited in a tall pane (blank lines under the message)', 'codex', CODEX_LIMITED.replace('\n\n› Ask', `${'\n '.repeat(40)}\n› Ask`), 'limited'],
  ] as const)('%s', (_name, provider, screen, kind) => {
    expect(classifyScreen(provider, screen)).toBe(kind);
  });

  it('reads the reset as the end of the minute shown, in the zone named or the one given', () => {
    const now = at('2026-12-06T21:46:30Z');
    expect(limitOf('claude', CLAUDE_LIMITED, now)?.until).toBe(at('2026-12-06T21:47:00Z'));
    expect(limitOf('codex', CODEX_LIMITED.replace('9:48 PM', '9:48 PM'), now)?.until).toBeGreaterThan(now);
    expect(limitOnScreen('codex', CODEX_LIMITED.split('\n'), now, 'UTC')).toEqual({
      until: at('2026-12-06T21:49:00Z'),
      message: '■ You’ve hit your usage limit. Visit https://chatgpt.com/settings/usage to purchase more credits or try again at 9:48 PM.',
    });
    expect(limitOf('claude', CLAUDE_RESUMED, now)).toBeNull();
    // The busy line under the message wins over it, as classifyScreen has it.
    expect(limitOf('claude', `${CLAUDE_LIMITED}\n✻ Pouncing… (esc to interrupt)`, now)).toBeNull();
  });

  it.each([
    ['9:46pm (UTC)', '2026-12-06T21:47:00Z'],
    ['3pm (Europe/Paris)', '2026-12-07T14:01:00Z'],
    ['11:05 PM', '2026-12-06T23:06:00Z'],
    ['9:00 AM', '2026-12-07T09:01:00Z'],
    ['Dec 8, 3pm (America/New_York)', '2026-12-08T20:01:00Z'],
    ['Dec 8th, 2026 3:04 PM', '2026-12-08T15:05:00Z'],
    ['Jan 2nd, 2027 1:00 AM', '2027-01-02T01:01:00Z'],
  ])('reset %s', (text, expected) => {
    expect(resetTime(text, at('2026-12-06T21:46:30Z'), 'UTC')).toBe(at(expected));
  });

  it('no time: the vendor did not say', () => {
    expect(resetTime('later', Date.now(), 'UTC')).toBeNull();
    expect(limitOnScreen('codex', ['■ You’ve hit your usage limit. Try again later.'], Date.now(), 'UTC')).toEqual({
      until: null,
      message: '■ You’ve hit your usage limit. Try again later.',
    });
  });
});
