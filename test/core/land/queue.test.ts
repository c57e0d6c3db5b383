import { describe, expect, it } from 'vitest';
import { runQueue, type QueueIO } from '../../../src/core/land/queue.js';
import type { Candidate } from '../../../src/core/land/state.js';

/**
 * The queue's rules with fake merges and checks: a "commit" is the list of
 * sessions merged so far; a check fails when it holds a culprit (or a pair
 * that only fails together); a conflict is declared per pair.
 */
const candidate = (session: string, parent?: string): Candidate => ({
  session,
  branch: `session/${session}`,
  tip: `tip-${session}`,
  goals: [],
  ...(parent ? { parent } : {}),
});

function fakeIO(opts: { red?: string[]; redPairs?: Array<[string, string]>; conflicts?: Array<[string, string]>; already?: string[] }) {
  const checked: string[] = [];
  const io: QueueIO = {
    merge: async (onto, c) => {
      const held = onto === 'start' ? [] : onto.split('+');
      if (opts.already?.includes(c.session)) return { already: true };
      const clash = opts.conflicts?.find(([x, y]) => y === c.session && held.includes(x));
      if (clash) return { conflicts: [`${clash[0]}-${clash[1]}.txt`] };
      return { commit: [...held, c.session].join('+') };
    },
    check: async (commit) => {
      checked.push(commit);
      const held = commit.split('+');
      const bad = held.some((each) => opts.red?.includes(each)) || (opts.redPairs ?? []).some(([x, y]) => held.includes(x) && held.includes(y));
      return { ok: !bad, ...(bad ? { log: `log-${commit}` } : {}) };
    },
  };
  return { io, checked };
}

const ten = Array.from({ length: 10 }, (_, i) => candidate(`s${i}`));

describe('the landing queue', () => {
  it('all green: one check, everything lands, the result holds every candidate in order', async () => {
    const { io, checked } = fakeIO({});
    const out = await runQueue('start', ten, io, { check: true });
    expect(checked).toEqual(['s0+s1+s2+s3+s4+s5+s6+s7+s8+s9']);
    expect(out.green).toBe('s0+s1+s2+s3+s4+s5+s6+s7+s8+s9');
    expect(out.landed.map((each) => each.session)).toEqual(ten.map((each) => each.session));
    expect(out.ejected).toEqual([]);
  });

  it.each([0, 3, 6, 9])('one red among ten (s%i): bisection ejects only it, in fewer checks than one per session', async (index) => {
    const culprit = `s${index}`;
    const { io, checked } = fakeIO({ red: [culprit] });
    const out = await runQueue('start', ten, io, { check: true });
    expect(out.ejected).toEqual([{ session: culprit, reason: 'check', log: expect.stringContaining(culprit) }]);
    expect(out.landed.map((each) => each.session)).toEqual(ten.map((each) => each.session).filter((each) => each !== culprit));
    expect(out.green.split('+')).not.toContain(culprit);
    expect(checked.length).toBeLessThan(10);
    // The result the base moves to is one that was checked and passed.
    expect(checked).toContain(out.green);
  });

  it('a pair that fails only together: the later one is ejected', async () => {
    const { io } = fakeIO({ redPairs: [['s1', 's2']] });
    const out = await runQueue('start', ten.slice(0, 4), io, { check: true });
    expect(out.ejected.map((each) => each.session)).toEqual(['s2']);
    expect(out.green).toBe('s0+s1+s3');
  });

  it('a conflict ejects that candidate with its files before any check; the queue goes on', async () => {
    const { io, checked } = fakeIO({ conflicts: [['s0', 's1']] });
    const out = await runQueue('start', ten.slice(0, 3), io, { check: true });
    expect(out.ejected).toEqual([{ session: 's1', reason: 'conflict', files: ['s0-s1.txt'] }]);
    expect(checked).toEqual(['s0+s2']);
  });

  it('a session stacked on an ejected one is dropped, never merged alone', async () => {
    const { io } = fakeIO({ red: ['a'] });
    const out = await runQueue('start', [candidate('a'), candidate('b', 'a'), candidate('c')], io, { check: true });
    expect(out.ejected.map((each) => each.session)).toEqual(['a']);
    expect(out.dropped).toEqual([{ session: 'b', reason: 'it stands on a, which was ejected' }]);
    expect(out.green).toBe('c');
  });

  it('already in the base: landed with nothing to merge and no check of its own', async () => {
    const { io, checked } = fakeIO({ already: ['s0'] });
    const out = await runQueue('start', ten.slice(0, 2), io, { check: true });
    expect(out.landed).toEqual([
      { session: 's0', commit: 'start', already: true },
      { session: 's1', commit: 's1' },
    ]);
    expect(checked).toEqual(['s1']);
  });

  it('without a check every clean merge lands', async () => {
    const { io, checked } = fakeIO({ red: ['s1'] });
    const out = await runQueue('start', ten.slice(0, 3), io, { check: false });
    expect(checked).toEqual([]);
    expect(out.green).toBe('s0+s1+s2');
  });
});
