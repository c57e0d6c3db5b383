import { describe, expect, it } from 'vitest';
import { readableArgs, THEN, tmux, TmuxError, tmuxArgv } from '../../../src/core/tmux/tmux.js';
import { isolateTmux } from '../../helpers/tmux.js';

/**
 * tmux's argument parser cuts the final ';' of any argument and, unless a '\'
 * stands before it (then that '\' becomes the ';'), starts a new command
 * there. The door sends separators as THEN and every string ending in ';'
 * escaped, so each string reaches the command as it was given.
 */
const server = isolateTmux();

const TABLE: [string, string][] = [
  ['plain', 'plain'],
  ['x;', 'x\\;'],
  ['x\\;', 'x\\\\;'],
  [';', '\\;'],
  [';;', ';\\;'],
  ['\\;', '\\\\;'],
  ['a;b', 'a;b'],
  ['history -a;', 'history -a\\;'],
  ['\\', '\\'],
  ['', ''],
];

describe('tmux door arguments', () => {
  it.each(TABLE)('sends %j as %j', (arg, sent) => {
    expect(tmuxArgv([arg])).toEqual([sent]);
  });

  it('writes THEN as the separator and shows it as ";" in messages', () => {
    expect(tmuxArgv(['a', THEN, 'b;', THEN, ';'])).toEqual(['a', ';', 'b\\;', ';', '\\;']);
    expect(readableArgs(['kill-window', THEN, 'x;'])).toEqual(['kill-window', ';', 'x;']);
    const error = new TmuxError(['set-option', 'x;', THEN, 'show-options'], { stdout: '', stderr: 'bad\n', code: 1 });
    expect(error.args).toEqual(['set-option', 'x;', ';', 'show-options']);
    expect(error.message).toBe('tmux set-option failed (1): bad');
  });

  it('every string of the table reaches a real tmux command as given; only THEN separates', async () => {
    for (const [arg] of TABLE) {
      const shown = await tmux(['start-server', THEN, 'set-option', '-g', '@pwt-probe', arg, THEN, 'show-options', '-gv', '@pwt-probe']);
      expect(shown, JSON.stringify(arg)).toBe(`${arg}\n`);
    }
    // A value ending in ';' followed by a command name: the name stays data (set-option refuses a third argument);
    // sent as it was, tmux would have set "x" and then run kill-server.
    await tmux(['new-session', '-d', '-s', 'keep', '--', 'sleep', '60']);
    await expect(tmux(['set-option', '-g', '@pwt-probe', 'x;', 'kill-server'])).rejects.toThrow(TmuxError);
    expect(server.tmux('has-session', '-t', 'keep').code).toBe(0);
  });
});
