import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyScreen, questionOf } from '../../../../../src/core/agents/runtime/activity/screen.js';

/** Screens captured from the pinned CLIs in tmux against the test model server (docs/activity.md). */
const screen = (name: string) => readFileSync(join(import.meta.dirname, '../../../../fixtures/activity', `${name}.txt`), 'utf8');

describe('screen patterns of the real CLIs', () => {
  const table: [string, 'claude' | 'codex' | 'pi' | 'gemini' | 'copilot' | 'opencode', string | null][] = [
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
    ['gemini-4-permission', 'gemini', 'waiting'],
    ['gemini-6-cancelled', 'gemini', null],
    ['copilot-4-permission', 'copilot', 'waiting'],
    ['copilot-6-cancelled', 'copilot', null],
    ['opencode-2-working', 'opencode', null],
    ['opencode-4-permission', 'opencode', 'waiting'],
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

  it("one vendor's question is not another's; vendors without patterns classify nothing", () => {
    expect(classifyScreen('gemini', screen('claude-4-permission'))).toBe(null);
    expect(classifyScreen('claude', screen('gemini-4-permission'))).toBe(null);
    expect(classifyScreen('opencode', screen('copilot-4-permission'))).toBe(null);
    expect(classifyScreen('cursor', screen('copilot-4-permission'))).toBe(null);
    expect(classifyScreen('copilot', screen('opencode-4-permission'))).toBe(null);
    expect(classifyScreen('pi', screen('opencode-4-permission'))).toBe(null);
  });

  it('says what an open question asks, with the command it is about; nothing on an input box', () => {
    const asks = 'touch pwt-asked.txt && echo pwt-tool-output';
    expect(questionOf('claude', screen('claude-4-permission'))).toBe(`Do you want to proceed? (${asks})`);
    expect(questionOf('codex', screen('codex-4-permission'))).toBe(`Would you like to run the following command? (${asks})`);
    expect(questionOf('gemini', screen('gemini-4-permission'))).toBe(`Allow execution of [Shell]? (${asks})`);
    expect(questionOf('copilot', screen('copilot-4-permission'))).toBe(`Do you want to run this command? (${asks})`);
    expect(questionOf('opencode', screen('opencode-4-permission'))).toBe(`△ Permission required (${asks})`);
    expect(questionOf('claude', screen('claude-1-idle'))).toBe(null);
    expect(questionOf('gemini', screen('gemini-6-cancelled'))).toBe(null);
  });

  // cursor-agent is not on npm, so no real cursor screen was ever captured here: this fixture is hand-written from
  // third-party reports of its approval prompt, and the patterns are only as good as those reports.
  it('cursor (hand-written fixture, not a measured screen): its approval prompt reads as waiting', () => {
    expect(classifyScreen('cursor', screen('cursor-4-permission'))).toBe('waiting');
    expect(questionOf('cursor', screen('cursor-4-permission'))).toBe('Run this command? (touch pwt-asked.txt && echo pwt-tool-output)');
    expect(classifyScreen('cursor', screen('cursor-4-permission').split('Run this command?')[0]!)).toBe(null);
  });
});
