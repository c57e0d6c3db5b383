import { describe, expect, it } from 'vitest';
import type { Inventory } from '../../../src/core/sessions/inventory.js';
import { cleanInventory } from '../../helpers/inventory.js';
import { inventoryRefusal, type RemoveChoice } from '../../../src/core/sessions/remove/plan.js';
import type { RemoveFacts } from '../../../src/core/sessions/remove/facts.js';

/** inventoryRefusal is pure: what the worktree holds and the choice in, a refusal (or none) out. */
const inventory = (over: Partial<Inventory> = {}): Inventory => cleanInventory({ path: '/w/app-sessions/feat', ...over });

const facts = (inv: Inventory): RemoveFacts =>
  ({
    project: { config: { branchPrefix: 'session/' } },
    session: { id: 'feat', branch: 'session/feat' },
    path: '/w/app-sessions/feat',
    inventory: inv,
  }) as unknown as RemoveFacts;

const shell = { pid: 7, command: 'bash', idleShell: true, tty: '/dev/pts/3' };
const detached = { headBranch: null, unreachable: ['d1'], unreachableTips: ['d1'] };
const cases: Array<[string, Partial<Inventory>, RemoveChoice, RegExp | null]> = [
  ['a clean worktree on its branch', {}, { strategy: 'merge' }, null],
  [
    'a detached HEAD with its own commit, keep',
    detached,
    { strategy: 'keep' },
    /HEAD is detached at c0ffee0000, with 1 commit\(s\) no branch holds; keep would act on session\/feat only.*--force/,
  ],
  ['a detached HEAD with its own commit, abandon (archived)', detached, { strategy: 'abandon' }, null],
  ['a detached HEAD with its own commit, keep --force (archived)', detached, { strategy: 'keep', force: true }, null],
  ['a detached HEAD at the tip, keep', { headBranch: null }, { strategy: 'keep' }, null],
  ['a detached HEAD at the tip, merge', { headBranch: null }, { strategy: 'merge' }, /HEAD is detached.*merge would act on session\/feat only/],
  ['another branch checked out, pr', { headBranch: 'other' }, { strategy: 'pr' }, /has other checked out, not session\/feat/],
  [
    'no branch at all (adopted detached), merge even with --force',
    { recordedBranch: 'c0ffee0000', recordedIsBranch: false, headBranch: null },
    { strategy: 'merge', force: true },
    /has no branch to merge.*switch -c session\/feat/,
  ],
  ['no branch at all, keep', { recordedBranch: 'c0ffee0000', recordedIsBranch: false, headBranch: null }, { strategy: 'keep' }, null],
  ['a rebase in progress, keep', { operation: 'rebase' }, { strategy: 'keep' }, /A rebase is in progress.*rebase --continue or --abort/],
  ['a rebase in progress, abandon', { operation: 'rebase' }, { strategy: 'abandon' }, null],
  ['locked, abandon', { locked: 'agent busy' }, { strategy: 'abandon' }, /locked \(agent busy\).*git worktree unlock/],
  ['locked, --force', { locked: '' }, { strategy: 'keep', force: true }, null],
  ['a process inside', { processes: [{ pid: 42, command: 'npm run dev' }] }, { strategy: 'keep' }, /1 process\(es\) still run inside .*42 npm run dev/],
  ['an idle shell tab inside', { processes: [shell] }, { strategy: 'keep' }, /An idle interactive shell is in .* \(pid 7 on \/dev\/pts\/3\).*or pass --force/],
  ['an idle shell tab inside, gone past at the terminal', { processes: [shell] }, { strategy: 'keep', idleShellsOk: true }, null],
  [
    'an idle shell tab and a dev server inside, the shell gone past at the terminal: the server still refuses',
    { processes: [shell, { pid: 42, command: 'npm run dev' }] },
    { strategy: 'keep', idleShellsOk: true },
    /2 process\(es\) still run inside .*42 npm run dev/,
  ],
  [
    'an idle shell tab inside, locked, gone past at the terminal: the lock still refuses',
    { processes: [shell], locked: '' },
    { strategy: 'keep', idleShellsOk: true },
    /is locked/,
  ],
  [
    'nested repositories and ignored files are archived, not refused',
    { nested: [{ path: 'lib', kind: 'repo', unsaved: '1 commit(s) on no remote' }], ignoredDiffering: ['.env'] },
    { strategy: 'keep' },
    null,
  ],
];

describe('inventoryRefusal', () => {
  for (const [situation, over, choice, expected] of cases) {
    it(situation, () => {
      const refusal = inventoryRefusal(facts(inventory(over)), choice);
      if (expected === null) expect(refusal).toBeNull();
      else {
        expect(refusal?.exitCode).toBe(3);
        expect(`${refusal?.message} ${refusal?.hint}`).toMatch(expected);
      }
    });
  }
});
