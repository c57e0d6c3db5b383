import { describe, expect, it } from 'vitest';
import { decide, STABLE_MS, type Evidence } from '../../../../../src/core/agents/runtime/activity/decide.js';
import type { Activity } from '../../../../../src/core/agents/runtime/activity/types.js';

const NOW = 1_000_000;
const hook = (activity: Activity, at: number) => ({ event: 'x', activity, at, since: at });
const screen = (kind: Activity | null, changedAt: number, knowsBusyLine = true) => ({ kind, changedAt, knowsBusyLine });
const ev = (partial: Partial<Evidence>): Evidence => ({ now: NOW, alive: true, hook: null, screen: null, ...partial });
const brief = (e: Evidence) => {
  const d = decide(e);
  return d && `${d.activity}/${d.source}`;
};

describe('decide: process, then hooks, then the screen', () => {
  const rows: [string, Evidence, string | null][] = [
    ['no process: no activity, whatever the hook said', ev({ alive: false, hook: hook('working', NOW - 10) }), null],
    ['hook working, screen unchanged since', ev({ hook: hook('working', NOW - 100), screen: screen(null, NOW - 5000) }), 'working/hook'],
    ['hook idle, screen repainting just after it', ev({ hook: hook('idle', NOW - 500), screen: screen(null, NOW - 200) }), 'idle/hook'],
    ['hook idle, screen still since: agrees', ev({ hook: hook('idle', NOW - 3000), screen: screen(null, NOW - 2000) }), 'idle/hook'],
    ['hook waiting (PermissionRequest), prompt on screen', ev({ hook: hook('waiting', NOW - 500), screen: screen('waiting', NOW - 400) }), 'waiting/hook'],
    ['permission prompt without a hook (codex)', ev({ hook: hook('idle', NOW - 9000), screen: screen('waiting', NOW - 400) }), 'waiting/screen'],
    [
      'busy line after an idle hook (codex: notify only ends turns)',
      ev({ hook: hook('idle', NOW - 9000), screen: screen('working', NOW - 100) }),
      'working/screen',
    ],
    [
      'interrupted: hook says working, screen still without busy line',
      ev({ hook: hook('working', NOW - 9000), screen: screen(null, NOW - STABLE_MS - 1) }),
      'idle/screen',
    ],
    ['not yet still long enough: the hook holds', ev({ hook: hook('working', NOW - 9000), screen: screen(null, NOW - STABLE_MS + 200) }), 'working/hook'],
    [
      'vendor without a known busy line: a still screen does not overrule a working hook',
      ev({ hook: hook('working', NOW - 9000), screen: screen(null, NOW - 5000, false) }),
      'working/hook',
    ],
    [
      'prompt answered (screen changed, no prompt) after a waiting hook',
      ev({ hook: hook('waiting', NOW - 9000), screen: screen(null, NOW - 100) }),
      'working/hook',
    ],
    ['no hook: busy line', ev({ screen: screen('working', NOW - 100) }), 'working/screen'],
    ['no hook: changing screen', ev({ screen: screen(null, NOW - 100) }), 'working/screen'],
    ['no hook: still screen', ev({ screen: screen(null, NOW - STABLE_MS) }), 'idle/screen'],
    ['alive but nothing readable', ev({}), 'working/process'],
    [
      'usage limit on screen after an idle hook (claude StopFailure)',
      ev({ hook: hook('idle', NOW - 100), screen: screen('limited', NOW - 500) }),
      'limited/screen',
    ],
  ];
  for (const [name, evidence, expected] of rows) {
    it(name, () => {
      expect(brief(evidence)).toBe(expected);
    });
  }

  it('a limit carries the reset the screen read (null when the vendor gave none)', () => {
    expect(decide(ev({ screen: { ...screen('limited', NOW - 500), limitedUntil: NOW + 60_000 } }))?.limitedUntil).toBe(NOW + 60_000);
    expect(decide(ev({ screen: screen('limited', NOW - 500) }))?.limitedUntil).toBeNull();
  });

  it('keeps since while the activity stays, restarts it when it changes', () => {
    const previous = { activity: 'working' as const, source: 'screen' as const, since: NOW - 60_000 };
    expect(decide(ev({ screen: screen('working', NOW - 100), previous }))?.since).toBe(NOW - 60_000);
    expect(decide(ev({ screen: screen(null, NOW - 2000), previous }))).toEqual({ activity: 'idle', source: 'screen', since: NOW - 2000 });
  });
});
