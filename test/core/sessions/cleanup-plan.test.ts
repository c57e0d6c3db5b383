import { describe, expect, it } from 'vitest';
import { planCleanup, type CleanupFacts, type CleanupOp, type Decision } from '../../../src/core/sessions/cleanup.js';
import type { Inventory } from '../../../src/core/sessions/inventory.js';
import { cleanInventory } from '../../helpers/inventory.js';
import type { Orphan } from '../../../src/core/sessions/status.js';

/**
 * planCleanup is pure: the orphans, each one's decision and the facts it
 * needs in, operations out. No repository. A session whose worktree is gone
 * is one `end-session` (the ending sequence plans its steps: its own table
 * is test/core/sessions/remove-plan.test.ts, "cleanup" rows).
 */
const DIR = '/w/app-sessions';
const inventory = (over: Partial<Inventory> = {}): Inventory =>
  cleanInventory({ path: `${DIR}/handmade`, head: 'h1', headBranch: 'hand', recordedBranch: 'hand', ...over });

const gone: Orphan = { kind: 'missing-worktree', id: 'gone', path: `${DIR}/gone`, branch: 'session/gone' };
const handmade: Orphan = { kind: 'unregistered-worktree', id: 'handmade', path: `${DIR}/handmade`, branch: 'hand' };
const stray: Orphan = { kind: 'stray-directory', id: 'junk', path: `${DIR}/junk` };
const prunable: Orphan = { kind: 'prunable', path: `${DIR}/old` };
/** git's prunable entry for the gone session's folder. */
const goneEntry: Orphan = { kind: 'prunable', path: `${DIR}/gone` };
function facts(over: { gitListed?: string[]; inventory?: Inventory; taken?: string[] } = {}): CleanupFacts {
  return {
    sessionsDir: DIR,
    withCopy: false,
    snapshot: { manifest: { sessions: (over.taken ?? ['gone']).map((id) => ({ id })) } as never, worktrees: [], orphans: [] },
    stamp: '20260101T000000Z',
    gitListed: over.gitListed ?? [],
    unregistered: { [`${DIR}/handmade`]: over.inventory ?? inventory() },
  };
}

const short = (op: CleanupOp) =>
  op.op === 'end-session' ? `end-session:${op.id}${op.deleteBranch ? ':delete-branch' : ''}` : op.op === 'skip' ? `skip:${op.reason}` : op.op;

const cases: Array<[string, CleanupFacts, Array<[Orphan, Decision]>, boolean, string[]]> = [
  [
    'every kind, default decisions: the session ends first, then the stale entries',
    facts(),
    [
      [gone, 'fix'],
      [handmade, 'adopt'],
      [stray, 'fix'],
      [prunable, 'fix'],
    ],
    false,
    ['end-session:gone', 'prune-worktrees', 'adopt', 'move-stray'],
  ],
  [
    'git still lists the gone session: its ending prunes (prune is global), no second prune',
    facts({ gitListed: ['gone'] }),
    [
      [gone, 'fix'],
      [goneEntry, 'fix'],
      [prunable, 'fix'],
    ],
    false,
    ['end-session:gone'],
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
    'a skipped session leaves the prune to cleanup',
    facts({ gitListed: ['gone'] }),
    [
      [gone, 'skip'],
      [prunable, 'fix'],
    ],
    false,
    ['prune-worktrees'],
  ],
  ['--delete-branch goes to the ending', facts(), [[gone, 'fix']], true, ['end-session:gone:delete-branch']],
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
