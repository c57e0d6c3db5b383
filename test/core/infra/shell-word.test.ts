import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellWord } from '../../../src/core/infra/shell-word.js';

describe('shellWord (paths in hints a person pastes into a shell)', () => {
  it.each([
    ['../shop-sessions/x', '../shop-sessions/x'],
    ['/home/you/My Code/shop', "'/home/you/My Code/shop'"],
    ["it's", "'it'\\''s'"],
    ['$HOME;rm', "'$HOME;rm'"],
  ])('%s -> %s', (value, expected) => {
    expect(shellWord(value)).toBe(expected);
  });

  it('round-trips through a real sh as one word', () => {
    for (const value of ['a b', "it's", '$(touch x)', 'tab\there', 'plain/path']) {
      expect(execFileSync('sh', ['-c', `printf %s ${shellWord(value)}`], { encoding: 'utf8' })).toBe(value);
    }
  });
});
