import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { limitMenu, resetTime } from '../../../../../src/core/agents/runtime/activity/limit.js';
import { classifyScreen, limitOf } from '../../../../../src/core/agents/runtime/activity/screen.js';

/**
 * Screens of the pinned gemini-cli 0.61.0 in pwt's tmux (captured by
 * test/agents/limits-gemini-copilot.e2e.test.ts's set-up, paths rewritten), the
 * test model server answering a turn with Google's 429 RESOURCE_EXHAUSTED:
 * - gemini-7-limited: its "Usage limit reached" dialog, the reset on the next line;
 * - gemini-8-limit-stopped: after "2. Stop": the API error stays under the turn, no reset;
 * - gemini-9-limit-kept-trying: after "1. Keep trying" past the reset: the turn answered.
 */
const screen = (name: string) => readFileSync(join(import.meta.dirname, '../../../../fixtures/activity', `${name}.txt`), 'utf8');
const at = (iso: string) => Date.parse(iso);

describe('gemini usage limits on screen', () => {
  it.each([
    ['its limit dialog', 'gemini-7-limited', 'limited'],
    ['the error left after Stop', 'gemini-8-limit-stopped', 'limited'],
    ['answered after Keep trying', 'gemini-9-limit-kept-trying', null],
    ['answered after the stopped limit', 'gemini-8-limit-stopped', null],
  ] as const)('%s', (name, fixture, kind) => {
    let text = screen(fixture);
    if (name.startsWith('answered after the stopped'))
      text = text.replace(/(Please wait and try again later.*\n(?:.*\n)?)/, '$1> Your usage limit has reset.\n✦ Reply to: Your usage limit has reset.\n');
    expect(classifyScreen('gemini', text)).toBe(kind);
  });

  it('reads "Access resets at 12:01 AM UTC." on the line under the message as the end of that minute', () => {
    // Captured at 00:01:16 UTC on 2026-12-07.
    expect(limitOf('gemini', screen('gemini-7-limited'), at('2026-12-07T00:01:16Z'))?.until).toBe(at('2026-12-07T00:02:00Z'));
    expect(limitOf('gemini', screen('gemini-8-limit-stopped'), at('2026-12-07T00:03:30Z'))?.until).toBeNull();
  });

  it.each([
    ['12:01 AM UTC', '2026-12-07T00:02:00Z'],
    ['3:04 PM PST', '2026-12-07T23:05:00Z'],
    ['9:30 PM GMT+1', '2026-12-07T20:31:00Z'],
    ['9:30 PM GMT-3', '2026-12-07T00:31:00Z'],
  ])('a time with its zone abbreviated as Intl does: %s', (text, expected) => {
    // The caller's zone (here Asia/Tokyo) loses to the one printed.
    expect(resetTime(text, at('2026-12-07T00:01:16Z'), 'Asia/Tokyo')).toBe(at(expected));
  });

  it('its dialog is answered with 1 (Keep trying), which resumes the turn: nothing is typed after it', () => {
    const menu = limitMenu('gemini')!;
    expect(menu).toMatchObject({ key: '1', resumes: true });
    expect(menu.open.test(screen('gemini-7-limited'))).toBe(true);
    expect(menu.open.test(screen('gemini-8-limit-stopped'))).toBe(false);
    expect(limitMenu('claude')).toMatchObject({ key: 'Escape', resumes: false });
  });
});

/**
 * copilot 1.0.102 after giving up on a 429 whose `retry-after` (3600 s) is
 * longer than it waits (copilot-7-limited): `✗ 429 <the provider's message>`;
 * copilot-8-limit-resumed: another one (181 s) after the continue prompt was
 * typed past the reset and answered.
 */
describe('copilot usage limits on screen', () => {
  it('its error line reads limited, the wait it names counted from when the screen changed', () => {
    const text = screen('copilot-7-limited');
    expect(classifyScreen('copilot', text)).toBe('limited');
    const now = at('2026-12-07T00:03:02Z');
    expect(limitOf('copilot', text, now)?.until).toBe(now + 3_601_000);
  });

  it('answered again (copilot-8-limit-resumed: the continue prompt typed after the reset, and its reply): not limited', () => {
    const text = screen('copilot-8-limit-resumed');
    expect(text).toMatch(/✗ 429 /);
    expect(classifyScreen('copilot', text)).toBeNull();
  });

  it("GitHub's own wording (from its binary, not measured)", () => {
    for (const line of [" ✗ You've hit your rate limit. Please wait for your limit to reset", " ✗ You've reached your weekly rate limit."]) {
      expect(classifyScreen('copilot', `${line}\n ❯ \n`)).toBe('limited');
    }
    expect(classifyScreen('copilot', ' ✗ bash failed: exit 1\n')).toBeNull();
  });
});
