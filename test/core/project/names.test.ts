import { describe, expect, it } from 'vitest';
import { nameProblem } from '../../../src/core/project/names.js';

describe('nameProblem', () => {
  const valid = ['a', 'feat-1', 'Fix_bug.2', '9lives', 'a'.repeat(64)];
  const invalid: [string, RegExp][] = [
    ['', /empty/],
    ['has space', /not allowed/],
    ['a..b', /"\.\."/],
    ['-lead', /not allowed|start/],
    ['.hidden', /not allowed|start/],
    ['a/b', /not allowed/],
    ['feature.lock', /\.lock/],
    ['trailing.', /ends in "\."/],
    ['a'.repeat(65), /65 characters/],
    ['$(touch x)', /not allowed/],
    ['`id`', /not allowed/],
    ['a;b', /not allowed/],
    ['a@{b', /not allowed/],
  ];
  for (const name of valid) it(`accepts ${JSON.stringify(name.length > 20 ? `${name.slice(0, 10)}...` : name)}`, () => expect(nameProblem(name)).toBeNull());
  for (const [name, reason] of invalid) it(`rejects ${JSON.stringify(name.slice(0, 20))}`, () => expect(nameProblem(name)).toMatch(reason));
});
