import { describe, expect, it } from 'vitest';
import { mostComplete, type RestoreFacts } from '../../../src/core/sessions/restore/facts.js';
import { planRestore } from '../../../src/core/sessions/restore/plan.js';
import { restoreRunners } from '../../../src/core/sessions/restore/steps.js';
import { planTitles } from '../../../src/core/workflow/execute.js';

/** planRestore is pure: facts in, operations (or a refusal) out. */
const record = {
  id: 'feat',
  branch: 'session/feat',
  worktree: '../app-sessions/feat',
  startedAt: '2026-11-20T09:00:00.000Z',
  goals: ['g'],
  status: 'active',
  base: 'main',
  agents: [{ id: 'a1', provider: 'claude', status: 'running' }],
};
const facts = (over: Partial<RestoreFacts> = {}, meta: Record<string, unknown> = {}): RestoreFacts => ({
  name: 'feat',
  mainPath: '/w/app',
  path: '/w/app-sessions/feat',
  branchPrefix: 'session/',
  entry: {
    ref: 'refs/pwt/archive/feat/20261121T100000Z',
    stamp: '20261121T100000Z',
    commit: 'a1c0ffee00',
    meta: {
      version: 1,
      id: 'feat',
      branch: 'session/feat',
      head: 'beef000000',
      tip: 'beef000000',
      dirty: false,
      archivedAt: '',
      reason: 'abandon',
      session: record,
      ...meta,
    },
  },
  archives: [],
  sessionTaken: false,
  pathTaken: false,
  branchTips: {},
  envFiles: ['.env'],
  copy: [],
  now: new Date('2026-11-21T11:00:00.000Z'),
  ...over,
});

const ops = (plan: ReturnType<typeof planRestore>) => plan.ops.map((op) => op.op);

describe('planRestore', () => {
  it('a clean archive: branch, worktree, env files, register (running agents come back stopped)', () => {
    const plan = planRestore(facts());
    expect(ops(plan)).toEqual(['create-branch', 'add-worktree', 'copy-env', 'register']);
    expect(plan.ops[0]).toEqual({ op: 'create-branch', branch: 'session/feat', commit: 'beef000000' });
    expect(plan.session).toMatchObject({
      goals: ['g'],
      base: 'main',
      startedAt: '2026-11-20T09:00:00.000Z',
      restoredAt: '2026-11-21T11:00:00.000Z',
      restoredFrom: 'refs/pwt/archive/feat/20261121T100000Z',
      agents: [{ provider: 'claude', status: 'stopped' }],
    });
    expect(planTitles(plan.ops, restoreRunners)[1]).toBe('git worktree add /w/app-sessions/feat session/feat');
  });

  it('uncommitted work or a HEAD off the tip: the archived tree is laid over the files', () => {
    expect(ops(planRestore(facts({}, { dirty: true })))).toContain('restore-uncommitted');
    expect(ops(planRestore(facts({}, { head: 'd00d000000' })))).toContain('restore-uncommitted');
  });

  it('the branch still at the archived tip is reused; a detached archive gets the session branch', () => {
    expect(ops(planRestore(facts({ branchTips: { 'session/feat': 'beef000000' } })))).toEqual(['add-worktree', 'copy-env', 'register']);
    expect(planRestore(facts({}, { branch: 'HEAD' })).branch).toBe('session/feat');
  });

  it('copy globs add a copy operation', () => {
    expect(ops(planRestore(facts({ copy: ['node_modules'] })))).toEqual(['create-branch', 'add-worktree', 'copy-env', 'copy', 'register']);
  });

  const refusals: Array<[string, Partial<RestoreFacts>, RegExp]> = [
    ['a session of that name', { sessionTaken: true }, /A session named "feat" exists already/],
    ['a folder in the way', { pathTaken: true }, /The folder \/w\/app-sessions\/feat is in the way/],
    [
      'the branch points elsewhere',
      { branchTips: { 'session/feat': 'other00000' } },
      /The branch session\/feat exists and points elsewhere \(other00000, the archive has beef000000\)/,
    ],
  ];
  for (const [situation, over, expected] of refusals) {
    it(`refuses: ${situation}`, () => {
      expect(() => planRestore(facts(over))).toThrow(expected);
    });
  }
});

describe('mostComplete', () => {
  const entry = (stamp: string, meta: Record<string, unknown>) => ({
    ref: `refs/pwt/archive/feat/${stamp}`,
    stamp,
    commit: stamp,
    meta: { version: 1 as const, id: 'feat', branch: 'session/feat', head: 'h', tip: 't', dirty: false, archivedAt: '', reason: 'abandon', ...meta },
  });
  it('takes the newest, unless an older one holds the same commits plus uncommitted work (a poorer copy written after a cut)', () => {
    const complete = entry('1', { dirty: true, changed: 2 });
    const poorer = entry('2', { dirty: false, changed: 0, fromWorktree: false });
    expect(mostComplete([complete, poorer]).stamp).toBe('1');
    const other = entry('3', { head: 'h2', tip: 'h2' });
    expect(mostComplete([complete, poorer, other]).stamp).toBe('3');
    expect(mostComplete([poorer, entry('4', { dirty: true, changed: 1 })]).stamp).toBe('4');
  });
});
