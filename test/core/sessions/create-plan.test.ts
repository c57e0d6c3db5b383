import { describe, expect, it } from 'vitest';
import type { CreateFacts } from '../../../src/core/sessions/create/facts.js';
import { planCreate, type CreateOp } from '../../../src/core/sessions/create/plan.js';
import { createRunners } from '../../../src/core/sessions/create/steps.js';
import { planTitles } from '../../../src/core/workflow/execute.js';

/** planCreate is pure: facts in, operations (or a refusal) out. */
const facts = (over: Partial<CreateFacts> = {}): CreateFacts => ({
  name: 'feat',
  mainPath: '/w/app',
  insideWorktree: null,
  sessionsDir: '/w/app-sessions',
  branch: 'session/feat',
  path: '/w/app-sessions/feat',
  sessionTaken: false,
  branchTaken: false,
  pathTaken: false,
  changes: 0,
  base: 'main',
  baseCommit: 'c0ffee',
  envFiles: ['.env'],
  copy: [],
  now: new Date('2026-11-21T10:00:00.000Z'),
  ...over,
});

const session = {
  id: 'feat',
  branch: 'session/feat',
  worktree: '../app-sessions/feat',
  startedAt: '2026-11-21T10:00:00.000Z',
  goals: ['g'],
  status: 'active',
  base: 'main',
  baseCommit: 'c0ffee',
};
const add: CreateOp = { op: 'add-worktree', path: '/w/app-sessions/feat', branch: 'session/feat', base: 'main', baseCommit: 'c0ffee' };
const copy: CreateOp = { op: 'copy-env', from: '/w/app', to: '/w/app-sessions/feat', files: ['.env'] };
const register: CreateOp = { op: 'register', id: 'feat', session };

describe('planCreate: operations', () => {
  const cases: [string, Partial<CreateFacts>, { copyEnv?: boolean }, CreateOp[]][] = [
    ['a plain create', {}, {}, [add, copy, register]],
    ['--no-env skips the copy', {}, { copyEnv: false }, [add, register]],
    [
      'copy globs copy after the env files',
      { copy: ['node_modules'] },
      {},
      [add, copy, { op: 'copy', from: '/w/app', to: '/w/app-sessions/feat', globs: ['node_modules'] }, register],
    ],
    [
      'a base by name keeps its name and pins its commit',
      { base: 'origin/dev', baseCommit: 'beef' },
      {},
      [{ ...add, base: 'origin/dev', baseCommit: 'beef' }, copy, { ...register, session: { ...session, base: 'origin/dev', baseCommit: 'beef' } }],
    ],
  ];
  for (const [name, over, opts, expected] of cases) {
    it(name, () => expect(planCreate(facts(over), { goals: ['g'], ...opts }).ops).toEqual(expected));
  }

  it('titles say what runs', () => {
    expect(planTitles([add, copy, register], createRunners)).toEqual([
      'git worktree add -b session/feat /w/app-sessions/feat main',
      'copy env files',
      'register feat in the manifest',
    ]);
  });
});

describe('planCreate: refusals, first one wins', () => {
  const cases: [string, Partial<CreateFacts>, RegExp][] = [
    ['inside a worktree', { insideWorktree: '/w/app-sessions/other', sessionTaken: true }, /inside a worktree \(\/w\/app-sessions\/other\)/],
    ['a session of that name', { sessionTaken: true, branchTaken: true }, /A session named "feat" already exists/],
    ['the branch exists', { branchTaken: true, pathTaken: true }, /The branch session\/feat already exists/],
    ['the folder exists', { pathTaken: true, changes: 2 }, /The folder \/w\/app-sessions\/feat already exists/],
    ['uncommitted changes', { changes: 2, baseCommit: null }, /has 2 uncommitted change\(s\)/],
    ['a base that names no commit', { base: 'nope', baseCommit: null }, /The base "nope" does not name a commit/],
  ];
  for (const [name, over, message] of cases) {
    it(name, () => {
      expect(() => planCreate(facts(over), { goals: [] })).toThrow(message);
      expect(() => planCreate(facts(over), { goals: [] })).toThrow(expect.objectContaining({ exitCode: 3 }));
    });
  }
});
