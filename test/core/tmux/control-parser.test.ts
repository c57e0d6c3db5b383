import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ControlParser, decodeOutput, quoteArg, type ControlEvent } from '../../../src/core/tmux/control.js';

/**
 * The control-mode parser on what tmux 3.3a really wrote
 * (test/fixtures/tmux-control/with-output.txt, made by capture.sh beside it):
 * the attach's own block (flags 0), replies to commands read from stdin
 * (flags 1), a screen holding a fake `%end 1 2 1`, an `%error`, and
 * notifications between the blocks, `%output` among them.
 */
const FIXTURE = readFileSync(join(import.meta.dirname, '../../fixtures/tmux-control/with-output.txt'));

const reply = (number: number, flags: number, ok: boolean, lines: string[]): ControlEvent => ({ kind: 'reply', number, flags, ok, lines });
const output = (pane: string, text: string): ControlEvent => ({ kind: 'output', pane, bytes: Buffer.from(text, 'latin1') });
const note = (name: string, args: string): ControlEvent => ({ kind: 'notification', name, args });

const EXPECTED: ControlEvent[] = [
  reply(269, 0, true, []),
  note('session-changed', '$1 two'),
  reply(274, 1, true, ['app/s1 %0 40x6', 'two %1 40x4']),
  // The screen's own "%end 1 2 1" is content: only the %end with the %begin's numbers closes the block.
  reply(275, 1, true, ['%end 1 2 1', 'back\\slash café ✻', '', '', '', '']),
  reply(276, 1, false, ["can't find pane: %99"]),
  reply(277, 1, true, ["it's $HOME ; two"]),
  note('unlinked-window-renamed', '@0 cat'),
  // Octal escapes for bytes below space and the backslash; other bytes raw (here latin1 é, then UTF-8 é).
  output('%1', 'tab\there \\ \xe9t\xc3\xa9'),
  note('window-renamed', '@1 cat'),
  output('%1', '\r\n'),
  output('%1', 'tab\there \\ \xe9t\xc3\xa9\r\n'),
  { kind: 'exit', reason: '' },
];

describe('tmux control-mode parser', () => {
  it('reads the captured stream into replies and notifications', () => {
    expect(new ControlParser().push(FIXTURE)).toEqual(EXPECTED);
  });

  it('gives the same events however the bytes are cut (mid-line, mid-character)', () => {
    for (const size of [1, 2, 3, 7, 64]) {
      const parser = new ControlParser();
      const events: ControlEvent[] = [];
      for (let at = 0; at < FIXTURE.length; at += size) events.push(...parser.push(FIXTURE.subarray(at, at + size)));
      expect(events, `chunks of ${size}`).toEqual(EXPECTED);
    }
  });

  it.each([
    ['%begin 1 5 1\n%error 1 5 1\n', [reply(5, 1, false, [])]],
    // A %end of another block's numbers, or of other flags, does not close this one.
    ['%begin 9 5 1\n%end 9 4 1\n%end 9 5 0\nx\n%end 9 5 1\n', [reply(5, 1, true, ['%end 9 4 1', '%end 9 5 0', 'x'])]],
    // Notifications never come inside a block: a %output line there is content.
    ['%begin 9 6 1\n%output %1 a\n%end 9 6 1\n', [reply(6, 1, true, ['%output %1 a'])]],
    ['%exit server exited\n', [{ kind: 'exit', reason: 'server exited' }]],
    ['%output %3\n', [{ kind: 'output', pane: '%3', bytes: Buffer.alloc(0) }]],
    ['%sessions-changed\n', [note('sessions-changed', '')]],
    ['not a control line\n', []],
  ] as [string, ControlEvent[]][])('%j', (text, events) => {
    expect(new ControlParser().push(Buffer.from(text))).toEqual(events);
  });

  it.each([
    ['a\\134b\\015\\012', 'a\\b\r\n'],
    ['\\033[31mred', '\x1b[31mred'],
    ['no escapes', 'no escapes'],
    ['\\1', '\\1'],
  ])('decodeOutput %j', (value, bytes) => {
    expect(decodeOutput(Buffer.from(value, 'latin1'))).toEqual(Buffer.from(bytes, 'latin1'));
  });

  it.each([
    ['plain', "'plain'"],
    ["it's", "'it'\\''s'"],
    ['$HOME ~ #{pane_id} a;b', "'$HOME ~ #{pane_id} a;b'"],
    ['', "''"],
    [';', "';'"],
    ['x;', "'x;'"],
  ])('quoteArg %j', (arg, quoted) => {
    expect(quoteArg(arg)).toBe(quoted);
  });
});
