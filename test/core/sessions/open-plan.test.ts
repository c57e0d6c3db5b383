import { describe, expect, it } from 'vitest';
import type { OpenFacts } from '../../../src/core/sessions/open/facts.js';
import { nameForBranch } from '../../../src/core/sessions/open/facts.js';
import { planOpen, type OpenOp } from '../../../src/core/sessions/open/plan.js';
import { openRunners } from '../../../src/core/sessions/open/steps.js';
import { planTitles } from '../../../src/core/workflow/execute.js';
import { Exit } from '../../../src/core/infra/errors.js';

/** planOpen is pure: facts in, operations (or a refusal) out. */
const facts = (over: Partial<OpenFacts> = {}): OpenFacts => ({
  mainPath: '/w/app',
  openByName: null,
  target: { branch: 'session/kept', remoteRef: null },
  name: 'kept',
  path: '/w/app-sessions/kept',
  holder: null,
  mainBranch: 'main',
  existing: null,
  pathTaken: false,
  remembered: null,
  base: 'main',
  baseCommit: 'c0ffee',
  remote: 'origin',
  envFiles: ['.env'],
  copy: [],
  now: new Date('2026-11-21T10:00:00.000Z'),
  ...over,
});

const record = {
  id: 'kept',
  branch: 'session/kept',
  worktree: '../app-sessions/kept',
  startedAt: '2026-11-21T10:00:00.000Z',
  goals: [] as string[],
  status: 'active',
  base: 'main',
  baseCommit: 'c0ffee',
  openedAt: '2026-11-21T10:00:00.000Z',
};
const add: OpenOp = { op: 'add-worktree', path: '/w/app-sessions/kept', branch: 'session/kept', tracking: null };
const env: OpenOp = { op: 'copy-env', from: '/w/app', to: '/w/app-sessions/kept', files: ['.env'] };

describe('planOpen', () => {
  it('a local branch: worktree, env files, the record', () => {
    const plan = planOpen(facts(), { goals: [] });
    expect(plan).toEqual({ kind: 'open', session: record, goalsFrom: null, ops: [add, env, { op: 'register', id: 'kept', session: record }] });
  });

  it('remembered goals, base and start come back; --goal wins; ended-at and running agents do not carry over', () => {
    const remembered = {
      from: 'manifest' as const,
      record: {
        goals: ['old goal'],
        base: 'develop',
        startedAt: '2026-01-01T00:00:00.000Z',
        endedAt: '2026-02-01T00:00:00.000Z',
        pr: 'https://x/pull/1',
        agents: [{ id: 'x-claude', provider: 'claude', status: 'running' }],
      },
    };
    const plan = planOpen(facts({ remembered, base: 'develop' }), { goals: [] });
    expect(plan.kind === 'open' && plan.session).toMatchObject({
      goals: ['old goal'],
      base: 'develop',
      startedAt: '2026-01-01T00:00:00.000Z',
      pr: 'https://x/pull/1',
      agents: [{ provider: 'claude', status: 'stopped' }],
    });
    expect(plan.kind === 'open' && plan.session.endedAt).toBeUndefined();
    expect(plan.kind === 'open' && plan.goalsFrom).toBe('manifest');
    const given = planOpen(facts({ remembered }), { goals: ['new'] });
    expect(given.kind === 'open' && [given.session.goals, given.goalsFrom]).toEqual([['new'], 'flags']);
  });

  it('a remote branch gets a tracking branch and records the remote; --no-env and copy globs', () => {
    const plan = planOpen(
      facts({ target: { branch: 'feature/x', remoteRef: 'origin/feature/x' }, name: 'feature-x', path: '/w/app-sessions/feature-x', copy: ['node_modules'] }),
      { goals: [], copyEnv: false },
    );
    expect(plan.kind === 'open' && plan.ops.map((op) => op.op)).toEqual(['add-worktree', 'copy', 'register']);
    expect(plan.kind === 'open' && plan.ops[0]).toEqual({
      op: 'add-worktree',
      path: '/w/app-sessions/feature-x',
      branch: 'feature/x',
      tracking: 'origin/feature/x',
    });
    expect(plan.kind === 'open' && plan.session.remote).toBe('origin');
    expect(planTitles(plan.kind === 'open' ? plan.ops.slice(0, 1) : [], openRunners)).toEqual([
      'git worktree add /w/app-sessions/feature-x on a new feature/x tracking origin/feature/x',
    ]);
  });

  it('an open session needs nothing: by name, or because its worktree holds the branch', () => {
    const session = { ...record };
    expect(planOpen(facts({ openByName: { session, path: '/w/app-sessions/kept' } }), { goals: [] })).toEqual({
      kind: 'already-open',
      session,
      path: '/w/app-sessions/kept',
    });
    expect(planOpen(facts({ holder: { path: '/w/app-sessions/kept', isMain: false, inSessionsDir: true, session } }), { goals: [] })).toEqual({
      kind: 'already-open',
      session,
      path: '/w/app-sessions/kept',
    });
  });

  const refusals: [string, Partial<OpenFacts>, RegExp][] = [
    [
      'the branch is checked out in the main worktree',
      { holder: { path: '/w/app', isMain: true, inSessionsDir: false, session: null } },
      /already checked out in the main worktree/,
    ],
    [
      'the branch is in an unregistered worktree of the sessions dir',
      { holder: { path: '/w/app-sessions/x', isMain: false, inSessionsDir: true, session: null } },
      /already checked out in \/w\/app-sessions\/x/,
    ],
    [
      'the name is taken by a session on another branch',
      { existing: { session: { ...record, branch: 'session/other' }, worktreeExists: false } },
      /session named "kept" exists already \(on session\/other\)/,
    ],
    ['a folder is in the way', { pathTaken: true }, /folder \/w\/app-sessions\/kept already exists/],
  ];
  for (const [name, over, message] of refusals) {
    it(`refuses: ${name}`, () => {
      let caught: unknown;
      try {
        planOpen(facts(over), { goals: [] });
      } catch (error) {
        caught = error;
      }
      expect((caught as { exitCode?: number })?.exitCode).toBe(Exit.precondition);
      expect((caught as Error).message).toMatch(message);
    });
  }

  it('names a session after its branch', () => {
    expect([
      nameForBranch('session/kept', 'session/'),
      nameForBranch('feature/login', 'session/'),
      nameForBranch('fix_1', 'session/'),
      nameForBranch('a..b/c.lock', 'session/'),
    ]).toEqual(['kept', 'feature-login', 'fix_1', 'a.b-c']);
  });
});
