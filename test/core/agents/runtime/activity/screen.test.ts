import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyScreen } from '../../../../../src/core/agents/runtime/activity/screen.js';

/** Screens captured from the pinned CLIs in tmux against the test model server (docs/activity.md). */
const screen = (name: string) => readFileSync(join(import.meta.dirname, '../../../../fixtures/activity', `${name}.txt`), 'utf8');

describe('screen patterns of the real CLIs', () => {
  const table: [string, 'claude' | 'codex' | 'pi', string | null][] = [
    ['claude-1-idle', 'claude', null],
    ['claude-2-working', 'claude', 'working'],
    ['claude-3-after', 'claude', null],
    ['claude-4-permission', 'claude', 'waiting'],
    ['claude-5-done', 'claude', null],
    ['claude-6-interrupted', 'claude', null],
    ['codex-1-idle', 'codex', null],
    ['codex-2-working', 'codex', 'working'],
    ['codex-3-after', 'codex', null],
    ['codex-4-permission', 'codex', 'waiting'],
    ['codex-5-done', 'codex', null],
    ['pi-1-idle', 'pi', null],
    ['pi-2-working', 'pi', 'working'],
    ['pi-3-after', 'pi', null],
  ];
  for (const [name, provider, expected] of table) {
    it(`${name}: ${expected ?? 'no pattern (input box)'}`, () => {
      expect(classifyScreen(provider, screen(name))).toBe(expected);
    });
  }

  it('reads only the bottom of the pane: a quoted prompt far above does not count', () => {
    const quoted = `Do you want to proceed?\n${'line\n'.repeat(60)}${screen('claude-1-idle')}`;
    expect(classifyScreen('claude', quoted)).toBe(null);
  });

  it('vendors without patterns classify nothing', () => {
    expect(classifyScreen('gemini', screen('claude-4-permission'))).toBe(null);
  });
});
