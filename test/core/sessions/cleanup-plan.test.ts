import { describe, expect, it } from 'vitest';
import { planCleanup, type CleanupFacts, type CleanupOp, type Decision, type MissingFacts } from '../../../src/core/sessions/cleanup.js';
import type { Inventory } from '../../../src/core/sessions/inventory.js';
import type { Orphan } from '../../../src/core/sessions/status.js';

/** planCleanup is pure: the orphans, each one's decision and the facts it needs in, operations out. No repository. */
const DIR = '/w/app-sessions';
const inventory = (over: Partial<Inventory> = {}): Inventory => ({
  path: `${DIR}/handmade`,
  head: 'h1',
  headBranch: 'hand',
  recordedBranch: 'hand',
  recordedIsBranch: true,
  operation: null,
  locked: null,
  unreachable: [],
  unreachableTips: [],
  nested: [],
  ignoredDiffering: [],
  processes: [],
  ...over,
});

const gone: Orphan = { kind: 'missing-worktree', id: 'gone', path: `${DIR}/gone`, branch: 'session/gone' };
const handmade: Orphan = { kind: 'unregistered-worktree', id: 'handmade', path: `${DIR}/handmade`, branch: 'hand' };
const stray: Orphan = { kind: 'stray-directory', id: 'junk', path: `${DIR}/junk` };
const prunable: Orphan = { kind: 'prunable', path: `${DIR}/old` };
const missing = (over: Partial<MissingFacts> = {}): MissingFacts => ({
  session: { id: 'gone', branch: 'session/gone' } as MissingFacts['session'],
  runningAgents: [],
  tip: null,
  base: null,
  merged: false,
  ...over,
});

function facts(over: { missing?: MissingFacts; inventory?: Inventory; taken?: string[] } = {}): CleanupFacts {
  return {
    sessionsDir: DIR,
    withCopy: false,
    snapshot: { manifest: { sessions: (over.taken ?? ['gone']).map((id) => ({ id })) } as never, worktrees: [], orphans: [] },
    stamp: '20260101T000000Z',
    missing: { gone: over.missing ?? missing() },
    unregistered: { [`${DIR}/handmade`]: over.inventory ?? inventory() },
  };
}

const short = (op: CleanupOp) => (op.op === 'delete-branch' ? `delete-branch${op.merged ? ':merged' : ''}` : op.op === 'skip' ? `skip:${op.reason}` : op.op);

const cases: Array<[string, CleanupFacts, Array<[Orphan, Decision]>, boolean, string[]]> = [
  [
    'every kind, default decisions',
    facts(),
    [
      [gone, 'fix'],
      [handmade, 'adopt'],
      [stray, 'fix'],
      [prunable, 'fix'],
    ],
    false,
    ['prune-worktrees', 'unregister', 'adopt', 'move-stray'],
  ],
  [
    'skipped orphans plan nothing',
    facts(),
    [
      [gone, 'skip'],
      [stray, 'skip'],
    ],
    false,
    [],
  ],
  [
    'a missing worktree whose agents still run: stopped first',
    facts({ missing: missing({ runningAgents: [{ id: 'gone-pi', provider: 'pi' }] }) }),
    [[gone, 'fix']],
    false,
    ['prune-worktrees', 'stop-agents', 'unregister'],
  ],
  [
    '--delete-branch, unmerged: archived before deleted',
    facts({ missing: missing({ tip: 't1', base: 'main' }) }),
    [[gone, 'fix']],
    true,
    ['prune-worktrees', 'unregister', 'archive', 'delete-branch'],
  ],
  [
    '--delete-branch, merged: deleted without archive',
    facts({ missing: missing({ tip: 't1', base: 'main', merged: true }) }),
    [[gone, 'fix']],
    true,
    ['prune-worktrees', 'unregister', 'delete-branch:merged'],
  ],
  ['--delete-branch, branch already gone', facts(), [[gone, 'fix']], true, ['prune-worktrees', 'unregister']],
  ['remove an unregistered worktree: archived, then removed', facts(), [[handmade, 'remove']], false, ['archive', 'remove-worktree']],
  [
    'remove one with a nested repository and differing ignored files',
    facts({ inventory: inventory({ nested: [{ path: 'lib', kind: 'repo', unsaved: 'x' }], ignoredDiffering: ['.env'] }) }),
    [[handmade, 'remove']],
    false,
    ['archive', 'archive-nested', 'archive-ignored', 'remove-worktree'],
  ],
  ['a locked worktree is skipped', facts({ inventory: inventory({ locked: 'busy' }) }), [[handmade, 'remove']], false, ['skip:it is locked (busy)']],
  [
    'processes inside: skipped',
    facts({ inventory: inventory({ processes: [{ pid: 1, command: 'vite' }] }) }),
    [[handmade, 'remove']],
    false,
    ['skip:1 process(es) run inside it'],
  ],
  [
    'adopting under a taken name is skipped',
    facts({ taken: ['gone', 'handmade'] }),
    [[handmade, 'adopt']],
    false,
    ['skip:a session named handmade exists already'],
  ],
];

describe('planCleanup', () => {
  for (const [name, input, decisions, deleteBranch, expected] of cases) {
    it(name, () => {
      expect(planCleanup(input, decisions, { deleteBranch }).map(short)).toEqual(expected);
    });
  }

  it("keeps a removed unregistered worktree's commits only it reaches in the archive", () => {
    const [archive] = planCleanup(facts({ inventory: inventory({ unreachable: ['d1', 'd2'], unreachableTips: ['d2'] }) }), [[handmade, 'remove']], {
      deleteBranch: false,
    });
    expect(archive).toMatchObject({
      op: 'archive',
      worktree: `${DIR}/handmade`,
      keep: ['d2'],
      unreachable: 2,
      ref: 'refs/pwt/archive/handmade/20260101T000000Z',
    });
  });
});
