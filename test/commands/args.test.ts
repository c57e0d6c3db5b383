import { describe, expect, it } from 'vitest';
import { checkArgv, repeated } from '../../src/commands/_args.js';

const def = {
  name: { type: 'positional' as const, required: true },
  goal: { type: 'string' as const },
  'allow-dirty': { type: 'boolean' as const },
  env: { type: 'boolean' as const, default: true },
};

describe('checkArgv', () => {
  const ok: string[][] = [['x'], ['x', '--goal', 'a', '--goal=b'], ['x', '--allow-dirty', '--no-env'], ['--help'], ['x', '--goal=--looks-like-a-flag']];
  const bad: [string[], RegExp][] = [
    [['x', '--nope'], /Unknown option --nope/],
    [['x', '-q'], /Unknown option -q/],
    [['x', 'y'], /Too many arguments/],
    [['x', '--goal'], /--goal needs a value/],
    [['x', '--goal', '--allow-dirty'], /--goal needs a value/],
  ];
  for (const argv of ok) it(`accepts ${argv.join(' ')}`, () => expect(() => checkArgv(argv, def, 'create')).not.toThrow());
  for (const [argv, message] of bad) {
    it(`rejects ${argv.join(' ')}`, () => {
      expect(() => checkArgv(argv, def, 'create')).toThrow(message);
      try {
        checkArgv(argv, def, 'create');
      } catch (error) {
        expect((error as { exitCode: number }).exitCode).toBe(2);
      }
    });
  }
});

describe('repeated', () => {
  it('collects every value in order', () => {
    expect(repeated(['x', '--goal', 'one', '--goal=two', '--other', 'z', '--goal', 'three'], 'goal')).toEqual(['one', 'two', 'three']);
  });
  it('stops at --', () => {
    expect(repeated(['--goal', 'a', '--', '--goal', 'b'], 'goal')).toEqual(['a']);
  });
});
