import type { Inventory } from '../../src/core/sessions/inventory.js';

/**
 * What pwt finds in a worktree with nothing at risk: on its recorded branch
 * (session/feat unless `over` says otherwise), no git operation in progress,
 * not locked, no commit only it reaches, no nested repository, no ignored
 * file the main worktree lacks, no process in it.
 */
export function cleanInventory(over: Partial<Inventory> & Pick<Inventory, 'path'>): Inventory {
  return {
    head: 'c0ffee0000',
    headBranch: 'session/feat',
    recordedBranch: 'session/feat',
    recordedIsBranch: true,
    operation: null,
    locked: null,
    unreachable: [],
    unreachableTips: [],
    nested: [],
    ignoredDiffering: [],
    processes: [],
    ...over,
  };
}
