import { describe, expect, it } from 'vitest';
import type { Inventory } from '../../../src/core/sessions/inventory.js';
import { cleanInventory } from '../../helpers/inventory.js';
import { planRemove, warningGate, type RemoveChoice, type RemoveOp, type RemoveWarning } from '../../../src/core/sessions/remove/plan.js';
import type { RemoveFacts, StrategyFacts } from '../../../src/core/sessions/remove/facts.js';

/**
 * planRemove is pure: facts, strategy facts and choices in, operations (in
 * the ending sequence's fixed order) or a refusal out. No repository.
 */
const MAIN = '/w/app';
const PATH = '/w/app-sessions/feat';
const HOOKS = { 'pre-merge': ['npm test'], 'pre-pr': ['npm run lint'], 'pre-remove': ['echo bye'], 'post-remove': ['echo gone'] };

const inventory = (over: Partial<Inventory> = {}): Inventory => cleanInventory({ path: PATH, ...over });

function facts(over: Partial<RemoveFacts> = {}): RemoveFacts {
  return {
    project: { repo: { mainPath: MAIN }, sessionsDir: '/w/app-sessions', config: { branchPrefix: 'session/', remote: 'origin', hooks: HOOKS, artifacts: [] } },
    session: { id: 'feat', branch: 'session/feat', goals: ['Fix prices'], base: 'main' },
    path: PATH,
    worktreeExists: true,
    gitKnowsWorktree: true,
    dirty: [],
    branchTip: 'tip0',
    baseBranch: 'main',
    baseTip: 'base0',
    baseAhead: 0,
    baseCheckedOutAt: MAIN,
    cwdInside: false,
    artifacts: [],
    inventory: inventory(),
    stamp: '20260101T000000Z',
    runningAgents: [],
    hookEvents: ['pre-merge', 'pre-pr', 'pre-remove', 'post-remove'],
    date: '1767225600 +0000',
    ...over,
  } as unknown as RemoveFacts;
}

const ff: StrategyFacts = { tip: 'tip0', landing: { kind: 'fast-forward', commit: 'tip0', tree: 't0' } };
const mergeCommit: StrategyFacts = { tip: 'tip0', landing: { kind: 'merge-commit', commit: 'merge1', tree: 't1' } };
const squashMoved: StrategyFacts = { tip: 'tip0', landing: { kind: 'squash', commit: 'squash1', tree: 't1' } };
const pr: StrategyFacts = { tip: 'tip0', remoteExists: true };
const plain: StrategyFacts = { tip: 'tip0' };
const ALL = ['pre-merge', 'pre-pr', 'pre-remove', 'post-remove'] as const;

/** An operation in short: its op, with the hook's event and where it ran. */
const short = (op: RemoveOp) =>
  op.op === 'hook'
    ? `${op.event}${op.commit ? `@${op.commit}` : op.cwd === MAIN ? '@main' : ''}`
    : op.op === 'merge' || op.op === 'squash-merge'
      ? `${op.op}:${op.mode}${op.target ? `->${op.target}` : ''}`
      : op.op === 'delete-branch' && op.merged
        ? 'delete-branch:merged'
        : op.op;

const cases: Array<[string, Partial<RemoveFacts>, StrategyFacts, RemoveChoice, string[]]> = [
  ['keep, clean, no hooks', {}, plain, { strategy: 'keep' }, ['remove-worktree', 'unregister']],
  [
    'keep, hooks approved: pre-remove first, post-remove last in the main worktree',
    {},
    plain,
    { strategy: 'keep', hooks: ALL },
    ['pre-remove', 'remove-worktree', 'unregister', 'post-remove@main'],
  ],
  [
    'keep, dirty with --commit',
    { dirty: ['a.txt'] },
    { tip: 'c1', commit: 'c1' },
    { strategy: 'keep', commitMessage: 'wip' },
    ['commit', 'remove-worktree', 'unregister'],
  ],
  ['keep, worktree folder gone', { worktreeExists: false, inventory: null }, plain, { strategy: 'keep' }, ['prune-worktrees', 'unregister']],
  // pwt cleanup ends a session whose folder was deleted this way: keep, and with --delete-branch the branch too.
  [
    'cleanup: folder gone, hooks approved: pre-remove (in the main worktree) before anything, agents stopped, post-remove last',
    { worktreeExists: false, inventory: null, runningAgents: [{ id: 'feat-pi', provider: 'pi' }] },
    plain,
    { strategy: 'keep', hooks: ALL },
    ['pre-remove@main', 'stop-agents', 'prune-worktrees', 'unregister', 'post-remove@main'],
  ],
  [
    'cleanup: folder gone, git forgot it too, hooks not configured',
    { worktreeExists: false, gitKnowsWorktree: false, inventory: null, hookEvents: [] },
    plain,
    { strategy: 'keep', hooks: ALL },
    ['unregister'],
  ],
  [
    'cleanup --delete-branch, unmerged: archived, then deleted',
    { worktreeExists: false, inventory: null },
    plain,
    { strategy: 'keep', deleteBranch: true, hooks: ALL },
    ['pre-remove@main', 'archive', 'prune-worktrees', 'delete-branch', 'unregister', 'post-remove@main'],
  ],
  [
    'cleanup --delete-branch, merged (also by tree): deleted without archive',
    { worktreeExists: false, inventory: null },
    { ...plain, alreadyMerged: 'same-tree' },
    { strategy: 'keep', deleteBranch: true },
    ['prune-worktrees', 'delete-branch:merged', 'unregister'],
  ],
  [
    'cleanup --delete-branch, branch already gone: nothing to delete',
    { worktreeExists: false, inventory: null, branchTip: null },
    { tip: null },
    { strategy: 'keep', deleteBranch: true },
    ['prune-worktrees', 'unregister'],
  ],
  [
    "--delete-branch is keep's: merge ignores it",
    {},
    ff,
    { strategy: 'merge', deleteBranch: true },
    ['merge:fast-forward->tip0', 'remove-worktree', 'delete-branch', 'unregister'],
  ],
  [
    'merge, base not moved: the gate runs in the worktree, agents stop after every gate',
    { runningAgents: [{ id: 'feat-claude', provider: 'claude' }] },
    ff,
    { strategy: 'merge', hooks: ALL },
    ['pre-merge', 'pre-remove', 'stop-agents', 'merge:fast-forward->tip0', 'remove-worktree', 'delete-branch', 'unregister', 'post-remove@main'],
  ],
  [
    'merge, base moved: the gate tests the merge commit the base will move to',
    { baseAhead: 2 },
    mergeCommit,
    { strategy: 'merge', hooks: ['pre-merge'] },
    ['pre-merge@merge1', 'merge:merge-commit->merge1', 'remove-worktree', 'delete-branch', 'unregister'],
  ],
  [
    'hooks approved but none configured: none planned',
    { hookEvents: [] },
    ff,
    { strategy: 'merge', hooks: ALL },
    ['merge:fast-forward->tip0', 'remove-worktree', 'delete-branch', 'unregister'],
  ],
  [
    'merge, --no-hooks: no gate at all',
    { baseAhead: 2 },
    mergeCommit,
    { strategy: 'merge', hooks: [] },
    ['merge:merge-commit->merge1', 'remove-worktree', 'delete-branch', 'unregister'],
  ],
  [
    'merge --squash, base moved: the squash commit is tested; the branch is archived first',
    { baseAhead: 1 },
    squashMoved,
    { strategy: 'merge', squash: {}, hooks: ['pre-merge'] },
    ['pre-merge@squash1', 'archive', 'squash-merge:squash->squash1', 'remove-worktree', 'delete-branch', 'unregister'],
  ],
  [
    'merge, already merged: nothing to move',
    {},
    { tip: 'tip0', landing: { kind: 'already-merged', how: 'same-tree' } },
    { strategy: 'merge' },
    ['merge:already-merged', 'remove-worktree', 'delete-branch', 'unregister'],
  ],
  [
    'merge, dirty with --commit',
    { dirty: ['a.txt'] },
    { tip: 'c1', commit: 'c1', landing: { kind: 'fast-forward', commit: 'c1', tree: 't' } },
    { strategy: 'merge', commitMessage: 'wip' },
    ['commit', 'merge:fast-forward->c1', 'remove-worktree', 'delete-branch', 'unregister'],
  ],
  [
    'pr, hooks: pre-pr then pre-remove, before the push',
    {},
    pr,
    { strategy: 'pr', hooks: ALL },
    ['pre-pr', 'pre-remove', 'push', 'create-pr', 'remove-worktree', 'unregister', 'post-remove@main'],
  ],
  [
    'pr, already open: push only',
    { session: { id: 'feat', branch: 'session/feat', goals: [], base: 'main', pr: 'https://x/pull/1' } } as unknown as Partial<RemoveFacts>,
    pr,
    { strategy: 'pr' },
    ['push', 'remove-worktree', 'unregister'],
  ],
  [
    'abandon, dirty, --force: archived with the uncommitted work',
    { dirty: ['a.txt'] },
    plain,
    { strategy: 'abandon', force: true },
    ['archive', 'remove-worktree', 'delete-branch', 'unregister'],
  ],
  [
    'keep, commits only the worktree reaches (--force): archived',
    { inventory: inventory({ headBranch: null, unreachable: ['d1'], unreachableTips: ['d1'] }) },
    plain,
    { strategy: 'keep', force: true },
    ['archive', 'remove-worktree', 'unregister'],
  ],
  [
    'keep, nested repository and differing ignored files: copied aside',
    { inventory: inventory({ nested: [{ path: 'lib', kind: 'repo', unsaved: '1 commit(s)' }], ignoredDiffering: ['.env'] }), artifacts: ['out.log'] },
    plain,
    { strategy: 'keep' },
    ['archive-nested', 'archive-ignored', 'archive-artifacts', 'remove-worktree', 'unregister'],
  ],
];

describe('planRemove', () => {
  for (const [name, over, strategyFacts, choice, expected] of cases) {
    it(name, () => {
      expect(planRemove(facts(over), strategyFacts, choice).ops.map(short)).toEqual(expected);
    });
  }

  it('forces the worktree removal only where pwt saved what it holds', () => {
    const op = (f: Partial<RemoveFacts>, c: RemoveChoice) => planRemove(facts(f), plain, c).ops.find((each) => each.op === 'remove-worktree');
    expect(op({}, { strategy: 'keep' })).not.toHaveProperty('force');
    expect(op({}, { strategy: 'abandon' })).toMatchObject({ force: 1 });
    expect(op({ inventory: inventory({ locked: 'busy' }) }, { strategy: 'keep', force: true })).toMatchObject({ force: 2 });
  });

  const refusals: Array<[string, Partial<RemoveFacts>, StrategyFacts, RemoveChoice, RegExp, number]> = [
    [
      'merge conflicts: exit 4',
      { baseAhead: 1 },
      { tip: 'tip0', landing: { kind: 'conflicts', files: ['app.txt'] } },
      { strategy: 'merge', hooks: ALL },
      /main moved on and merging session\/feat into it conflicts in: app\.txt/,
      4,
    ],
    ['merge into a base that is no local branch', { baseBranch: null }, plain, { strategy: 'merge' }, /is not a local branch/, 3],
    [
      'merge with the base dirty where it is checked out',
      {},
      { ...ff, baseChanges: 2 },
      { strategy: 'merge' },
      /checked out in \/w\/app with 2 uncommitted change/,
      3,
    ],
    ['pr without a remote', {}, { tip: 'tip0', remoteExists: false }, { strategy: 'pr' }, /no remote "origin"/, 3],
    ['pr with nothing beyond the base', {}, { ...pr, alreadyMerged: 'ancestor' }, { strategy: 'pr' }, /a pull request would be empty/, 3],
    [
      'a process inside the worktree',
      { inventory: inventory({ processes: [{ pid: 42, command: 'vite' }] }) },
      plain,
      { strategy: 'keep' },
      /1 process\(es\) still run inside/,
      3,
    ],
  ];
  for (const [name, over, strategyFacts, choice, message, code] of refusals) {
    it(`refuses before any operation: ${name}`, () => {
      let thrown: unknown;
      try {
        planRemove(facts({ ...over, runningAgents: [{ id: 'feat-claude', provider: 'claude' }] }), strategyFacts, choice);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ exitCode: code });
      expect(String((thrown as Error).message)).toMatch(message);
    });
  }

  it('cleanup --delete-branch archives the branch tip of a gone worktree, and says nothing of a merged branch it deletes', () => {
    const gone = { worktreeExists: false, inventory: null };
    const [archive] = planRemove(facts(gone), plain, { strategy: 'keep', deleteBranch: true }).ops;
    expect(archive).toMatchObject({ op: 'archive', worktree: null, what: 'unmerged session/feat', ref: 'refs/pwt/archive/feat/20260101T000000Z' });
    expect(planRemove(facts(gone), { ...plain, alreadyMerged: 'ancestor' }, { strategy: 'keep', deleteBranch: true }).notes).toEqual([]);
  });

  it('notes a PR base that moved on and a branch already merged, without blocking', () => {
    expect(planRemove(facts({ baseAhead: 3 }), pr, { strategy: 'pr' }).notes).toEqual([
      expect.stringMatching(/main has 3 commit\(s\) that session\/feat lacks/),
    ]);
    expect(planRemove(facts(), { ...plain, alreadyMerged: 'same-tree' }, { strategy: 'keep' }).notes).toEqual([
      expect.stringMatching(/already in main \(squash-merged or cherry-picked\)/),
    ]);
  });

  const unpushed: Array<[string, Partial<RemoveFacts>, StrategyFacts, RemoveChoice, Partial<RemoveWarning>[]]> = [
    ['pr, base pushed (or no remote-tracking ref): no warning', {}, pr, { strategy: 'pr' }, []],
    ['pr, nothing of the base unpushed', {}, { ...pr, unpushedBase: 0 }, { strategy: 'pr' }, []],
    [
      'pr carrying 2 base commits never pushed',
      {},
      { ...pr, unpushedBase: 2 },
      { strategy: 'pr' },
      [{ kind: 'unpushed-base', base: 'main', remote: 'origin', commits: 2 }],
    ],
    [
      'pr to an open PR: the push would still carry them',
      { session: { id: 'feat', branch: 'session/feat', goals: [], base: 'main', pr: 'https://x/pull/1' } } as unknown as Partial<RemoveFacts>,
      { ...pr, unpushedBase: 1 },
      { strategy: 'pr' },
      [{ kind: 'unpushed-base', commits: 1 }],
    ],
    ['keep: nothing is pushed, no warning', {}, { ...plain, unpushedBase: 2 }, { strategy: 'keep' }, []],
  ];
  for (const [name, over, strategyFacts, choice, expected] of unpushed) {
    it(`warns: ${name}`, () => {
      const plan = planRemove(facts(over), strategyFacts, choice);
      expect(plan.warnings).toEqual(expected.map((each) => expect.objectContaining(each)));
      // A warning changes no operation: the same plan runs once it is accepted.
      expect(plan.ops.map(short)).toEqual(planRemove(facts(over), { ...strategyFacts, unpushedBase: 0 }, choice).ops.map(short));
    });
  }

  it('words the unpushed-base warning as one line: how many, which base, what to do', () => {
    const [warning] = planRemove(facts(), { ...pr, unpushedBase: 2 }, { strategy: 'pr' }).warnings;
    expect(warning?.message).toBe(
      'session/feat carries 2 commit(s) of main that origin/main lacks: the pull request would include them. ' +
        'Push main first (git push origin main), or move the session onto origin/main without them ' +
        '(git -C /w/app-sessions/feat rebase --onto origin/main main).',
    );
    expect(planRemove(facts({ worktreeExists: false, inventory: null }), { ...pr, unpushedBase: 1 }, { strategy: 'pr' }).warnings[0]?.message).toMatch(
      /without them\.$/,
    );
  });

  const warning: RemoveWarning = { kind: 'unpushed-base', base: 'main', remote: 'origin', commits: 2, message: 'X carries 2 commit(s).' };
  const gates: Array<[string, RemoveWarning[], { interactive: boolean; yes: boolean; dryRun: boolean }, string]> = [
    ['no warning: go', [], { interactive: false, yes: false, dryRun: false }, 'go'],
    ['a terminal: ask', [warning], { interactive: true, yes: false, dryRun: false }, 'ask'],
    ['no terminal (or --json): refuse', [warning], { interactive: false, yes: false, dryRun: false }, 'refuse'],
    ['--yes: go', [warning], { interactive: false, yes: true, dryRun: false }, 'go'],
    ['--yes at a terminal: go without asking', [warning], { interactive: true, yes: true, dryRun: false }, 'go'],
    ['a dry run: only shown', [warning], { interactive: false, yes: false, dryRun: true }, 'go'],
  ];
  for (const [name, warnings, how, kind] of gates) {
    it(`warning gate: ${name}`, () => {
      expect(warningGate(warnings, { ...how, id: 'feat' }).kind).toBe(kind);
    });
  }

  it('the gate asks with the warning and refuses with exit 3 naming --yes', () => {
    const asked = warningGate([warning], { interactive: true, yes: false, dryRun: false, id: 'feat' });
    expect(asked).toEqual({ kind: 'ask', question: 'X carries 2 commit(s). Open the pull request with them anyway?' });
    const refused = warningGate([warning], { interactive: false, yes: false, dryRun: false, id: 'feat' });
    expect(refused.kind === 'refuse' && refused.error).toMatchObject({
      exitCode: 3,
      message: 'X carries 2 commit(s). Nothing was changed.',
      hint: 'To open it with them anyway: pwt remove feat --strategy pr --yes',
    });
  });
});
