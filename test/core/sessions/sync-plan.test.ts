import { describe, expect, it } from 'vitest';
import type { SyncFacts } from '../../../src/core/sessions/sync/facts.js';
import { planSync, type SyncOp } from '../../../src/core/sessions/sync/plan.js';
import { syncRunners } from '../../../src/core/sessions/sync/steps.js';
import { planTitles } from '../../../src/core/workflow/execute.js';
import { Exit } from '../../../src/core/infra/errors.js';

/** planSync is pure: facts in, operations (or a refusal) out. */
const facts = (over: Partial<SyncFacts> = {}): SyncFacts => ({
  session: { id: 's', branch: 'session/s', worktree: '../app-sessions/s', startedAt: '2026-11-21T10:00:00.000Z', goals: [], status: 'active', base: 'main' },
  path: '/w/app-sessions/s',
  base: 'main',
  headBranch: 'session/s',
  changes: [],
  operation: null,
  baseTip: 'b2',
  tip: 't1',
  ahead: 1,
  behind: 2,
  merged: { tree: 'tree1' },
  runningAgents: [],
  pushedBefore: false,
  ...over,
});

const record: SyncOp = { op: 'record', id: 's', baseCommit: 'b2' };
const merge: SyncOp = { op: 'merge', path: '/w/app-sessions/s', base: 'main', into: 'session/s', tip: 't1', baseTip: 'b2', tree: 'tree1' };
const rebase: SyncOp = { op: 'rebase', path: '/w/app-sessions/s', branch: 'session/s', onto: 'main', baseTip: 'b2' };

describe('planSync: operations', () => {
  const cases: [string, Partial<SyncFacts>, { mode: 'merge' | 'rebase'; force?: boolean }, SyncOp[], string[]][] = [
    ['diverged, merge: one merge commit', {}, { mode: 'merge' }, [merge, record], []],
    ['diverged, rebase', {}, { mode: 'rebase' }, [rebase, record], []],
    [
      'rebase of a pushed branch warns about the forced push',
      { pushedBefore: true },
      { mode: 'rebase' },
      [rebase, record],
      ['session/s was pushed before and a rebase rewrites its commits: the next push needs git push --force-with-lease.'],
    ],
    [
      'no commits of its own: fast-forward, whatever the mode',
      { ahead: 0, merged: null },
      { mode: 'rebase' },
      [{ op: 'fast-forward', path: '/w/app-sessions/s', base: 'main', to: 'b2' }, record],
      [],
    ],
    ['nothing new on the base: nothing to do', { behind: 0, merged: null }, { mode: 'merge' }, [], []],
    ['--force goes past a running agent', { runningAgents: ['s-claude'] }, { mode: 'merge', force: true }, [merge, record], []],
  ];
  for (const [name, over, opts, ops, notes] of cases) {
    it(name, () => {
      const plan = planSync(facts(over), opts);
      expect(plan.ops).toEqual(ops);
      expect(plan.notes).toEqual(notes);
    });
  }

  it('titles say what runs', () => {
    expect(planTitles([merge, rebase, record], syncRunners)).toEqual([
      'merge main into session/s (a merge commit)',
      'rebase session/s onto main',
      'record b2 as the base commit of s',
    ]);
  });
});

describe('planSync: refusals, before anything changes', () => {
  const cases: [string, Partial<SyncFacts>, number, RegExp][] = [
    ['no base recorded', { base: null }, Exit.precondition, /no recorded base/],
    ['a running agent', { runningAgents: ['s-claude'] }, Exit.precondition, /agent is running in s \(s-claude\)/],
    ['a rebase in progress', { operation: 'a rebase' }, Exit.precondition, /a rebase is in progress/],
    ['a detached HEAD', { headBranch: null }, Exit.precondition, /on a detached HEAD, not on session\/s/],
    ['another branch checked out', { headBranch: 'other' }, Exit.precondition, /on other, not on session\/s/],
    ['uncommitted work', { changes: ['a.txt', 'new/'] }, Exit.precondition, /2 uncommitted change\(s\), untracked included: a\.txt, new\//],
    ['a base that names no commit', { baseTip: null }, Exit.precondition, /no longer names a commit/],
    ['a conflict', { merged: { conflicts: ['README.md'] } }, Exit.conflict, /conflicts in: README\.md\. Nothing was changed/],
  ];
  for (const [name, over, code, message] of cases) {
    it(name, () => {
      let caught: unknown;
      try {
        planSync(facts(over), { mode: 'merge' });
      } catch (error) {
        caught = error;
      }
      expect((caught as { exitCode?: number })?.exitCode).toBe(code);
      expect((caught as Error).message).toMatch(message);
    });
  }
});
