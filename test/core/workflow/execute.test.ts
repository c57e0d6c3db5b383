import { describe, expect, it } from 'vitest';
import { executePlan, type Runners } from '../../../src/core/workflow/execute.js';

type Op = { op: 'write'; key: string; value: string; before?: string | null } | { op: 'fail'; why: string };

/** A toy workflow over a map, to pin the executor's contract. */
const runners: Runners<Op, Map<string, string>> = {
  write: {
    title: (op) => `write ${op.key}`,
    run: async (op, store) => {
      const before = store.get(op.key);
      store.set(op.key, op.value);
      return { before: before ?? null };
    },
    undo: async (op, store) => void store.delete(op.key),
  },
  fail: {
    title: (op) => `fail: ${op.why}`,
    run: async (op) => {
      throw new Error(op.why);
    },
  },
};

describe('executePlan', () => {
  it('runs each operation through its runner, in order, and reports what each learned', async () => {
    const store = new Map([['a', 'old']]);
    const titles: string[] = [];
    const done = await executePlan<Op, Map<string, string>>(
      [
        { op: 'write', key: 'a', value: '1' },
        { op: 'write', key: 'b', value: '2' },
      ],
      runners,
      store,
      { onStep: (title) => titles.push(title) },
    );
    expect(done).toEqual([
      { op: 'write', key: 'a', value: '1', before: 'old' },
      { op: 'write', key: 'b', value: '2', before: null },
    ]);
    expect(titles).toEqual(['write a', 'write b']);
    expect([...store]).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
  });

  it('a dry run returns the plan and runs nothing', async () => {
    const store = new Map<string, string>();
    const plan: Op[] = [{ op: 'write', key: 'a', value: '1' }];
    expect(await executePlan(plan, runners, store, { dryRun: true })).toEqual(plan);
    expect(store.size).toBe(0);
  });

  it('with rollback, a failing step undoes the ones before it, newest first', async () => {
    const store = new Map<string, string>();
    const plan: Op[] = [
      { op: 'write', key: 'a', value: '1' },
      { op: 'write', key: 'b', value: '2' },
      { op: 'fail', why: 'boom' },
    ];
    await expect(executePlan(plan, runners, store, { rollback: true })).rejects.toThrow('boom');
    expect(store.size).toBe(0);
  });

  it('without rollback, what ran stays', async () => {
    const store = new Map<string, string>();
    await expect(
      executePlan<Op, Map<string, string>>(
        [
          { op: 'write', key: 'a', value: '1' },
          { op: 'fail', why: 'boom' },
        ],
        runners,
        store,
      ),
    ).rejects.toThrow('boom');
    expect([...store]).toEqual([['a', '1']]);
  });
});
