import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  abortRebase,
  branchesContaining,
  isAncestor,
  mergeTree,
  moveBranch,
  treeOf,
  commitsOnlyOn,
  commitTree,
  configValue,
  conflictedPaths,
  diffText,
  fastForwardTo,
  fetchBranch,
  gitPaths,
  hasUpstream,
  headCommit,
  isIgnored,
  isTracked,
  originDefaultBranch,
  rebaseOnto,
  remoteExists,
} from '../../../src/core/git/operations.js';

/** The named git operations, each against a real repository and a real bare remote. */
let root: string;
let repo: string;
const env = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@e.test',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@e.test',
};
const sh = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8' }).trim();

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'pwt-ops-')));
  sh(root, 'init', '--quiet', '--bare', '--initial-branch=main', 'origin.git');
  sh(root, 'clone', '--quiet', join(root, 'origin.git'), 'repo');
  repo = join(root, 'repo');
  writeFileSync(join(repo, '.gitignore'), 'ignored.txt\n');
  writeFileSync(join(repo, 'a.txt'), 'one\n');
  sh(repo, 'add', '.');
  sh(repo, 'commit', '--quiet', '-m', 'one');
  sh(repo, 'push', '--quiet', 'origin', 'main', 'main:feature');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('named git operations', () => {
  it('configValue: the value, or null when unset', async () => {
    expect(await configValue(repo, 'core.hooksPath')).toBeNull();
    sh(repo, 'config', 'core.hooksPath', '.githooks');
    expect(await configValue(repo, 'core.hooksPath')).toBe('.githooks');
  });

  it('isTracked and isIgnored', async () => {
    expect(await isTracked(repo, 'a.txt')).toBe(true);
    expect(await isTracked(repo, 'new.txt')).toBe(false);
    expect(await isIgnored(repo, 'ignored.txt')).toBe(true);
    expect(await isIgnored(repo, 'a.txt')).toBe(false);
  });

  it('remoteExists and fetchBranch (a branch the remote has, one it has not)', async () => {
    expect(await remoteExists(repo, 'origin')).toBe(true);
    expect(await remoteExists(repo, 'nope')).toBe(false);
    expect(await fetchBranch(repo, 'origin', 'feature')).toBe(true);
    expect(sh(repo, 'rev-parse', 'refs/remotes/origin/feature')).toBe(sh(repo, 'rev-parse', 'HEAD'));
    expect(await fetchBranch(repo, 'origin', 'no-such-branch')).toBe(false);
  });

  it('diffText: the patch or the stat between two commits', async () => {
    const before = sh(repo, 'rev-parse', 'HEAD');
    mkdirSync(join(repo, 'd'), { recursive: true });
    writeFileSync(join(repo, 'd', 'b.txt'), 'two\n');
    sh(repo, 'add', '.');
    sh(repo, 'commit', '--quiet', '-m', 'two');
    expect(await diffText(repo, before, 'HEAD')).toMatch(/^\+two$/m);
    expect(await diffText(repo, before, 'HEAD', { stat: true })).toMatch(/d\/b\.txt \| 1 \+/);
    expect(await diffText(repo, before, 'HEAD', { color: true })).toContain('\u001b[');
  });

  it('headCommit, gitPaths, hasUpstream', async () => {
    expect(await headCommit(repo)).toBe(sh(repo, 'rev-parse', 'HEAD'));
    expect(await gitPaths(repo, ['MERGE_HEAD', 'index'])).toEqual([join(repo, '.git', 'MERGE_HEAD'), join(repo, '.git', 'index')]);
    expect(await hasUpstream(repo)).toBe(true);
    sh(repo, 'branch', '--quiet', 'local-only');
    sh(repo, 'checkout', '--quiet', 'local-only');
    expect(await hasUpstream(repo)).toBe(false);
    sh(repo, 'checkout', '--quiet', 'main');
  });

  it('commitTree and fastForwardTo: a merge commit made without a checkout, then the branch moved to it (reflog says why)', async () => {
    const tip = sh(repo, 'rev-parse', 'HEAD');
    sh(repo, 'checkout', '--quiet', '-b', 'side', 'HEAD~1');
    writeFileSync(join(repo, 'side.txt'), 'side\n');
    sh(repo, 'add', 'side.txt');
    sh(repo, 'commit', '--quiet', '-m', 'side');
    const side = sh(repo, 'rev-parse', 'HEAD');
    const tree = sh(repo, 'merge-tree', '--write-tree', side, tip);
    const merge = await commitTree(repo, tree, [side, tip], 'Merge main into side');
    expect(sh(repo, 'rev-list', '--parents', '-n', '1', merge).split(' ').slice(1)).toEqual([side, tip]);
    await fastForwardTo(repo, merge, 'test: merge');
    expect(sh(repo, 'rev-parse', 'HEAD')).toBe(merge);
    expect(sh(repo, 'reflog', '-1', '--format=%gs')).toMatch(/^test: merge/);
    sh(repo, 'checkout', '--quiet', 'main');
    await expect(fastForwardTo(repo, side, 'test: not a fast-forward')).rejects.toThrow();
    expect(sh(repo, 'rev-parse', 'HEAD')).toBe(tip);
  });

  it('rebaseOnto, conflictedPaths and abortRebase: a conflicting rebase is reported, then undone', async () => {
    sh(repo, 'checkout', '--quiet', '-b', 'clash', 'main~1');
    mkdirSync(join(repo, 'd'), { recursive: true });
    writeFileSync(join(repo, 'd', 'b.txt'), 'other\n');
    sh(repo, 'add', '.');
    sh(repo, 'commit', '--quiet', '-m', 'clash');
    const before = sh(repo, 'rev-parse', 'HEAD');
    const result = await rebaseOnto(repo, 'main', 'test: rebase');
    expect(result.code).not.toBe(0);
    expect(await conflictedPaths(repo)).toEqual(['d/b.txt']);
    await abortRebase(repo);
    expect(sh(repo, 'rev-parse', 'HEAD')).toBe(before);
    expect(await conflictedPaths(repo)).toEqual([]);
  });

  it('branchesContaining, originDefaultBranch, commitsOnlyOn', async () => {
    sh(repo, 'checkout', '--quiet', 'main');
    const first = sh(repo, 'rev-list', '--max-parents=0', 'HEAD');
    expect(await branchesContaining(repo, first)).toEqual(expect.arrayContaining(['main', 'side', 'clash', 'local-only']));
    expect(await branchesContaining(repo, sh(repo, 'rev-parse', 'side'))).toEqual(['side']);
    sh(repo, 'remote', 'set-head', 'origin', '--delete');
    expect(await originDefaultBranch(repo)).toBeNull();
    sh(repo, 'remote', 'set-head', 'origin', 'main');
    expect(await originDefaultBranch(repo)).toBe('main');
    expect(await commitsOnlyOn(repo, 'side')).toBe(2); // its own commit and the merge commit
    expect(await commitsOnlyOn(repo, 'local-only')).toBe(0);
  });

  it('isAncestor, treeOf, mergeTree (clean, conflicting, failing as a door error) and moveBranch (refused once the branch moved)', async () => {
    const main = sh(repo, 'rev-parse', 'main');
    const side = sh(repo, 'rev-parse', 'side');
    const clash = sh(repo, 'rev-parse', 'clash');
    expect(await isAncestor(repo, 'main~1', main)).toBe(true);
    expect(await isAncestor(repo, clash, main)).toBe(false);
    expect(await treeOf(repo, main)).toBe(sh(repo, 'rev-parse', 'main^{tree}'));
    expect(await mergeTree(repo, main, 'side~1')).toEqual({ tree: sh(repo, 'merge-tree', '--write-tree', main, 'side~1') });
    expect(await mergeTree(repo, main, clash)).toEqual({ conflicts: ['d/b.txt'] });
    const failed = await mergeTree(repo, main, 'no-such-ref').catch((error: unknown) => error);
    expect(failed).toMatchObject({ name: 'GitError', kind: 'git-failed' });
    sh(repo, 'branch', '--quiet', 'moving', main);
    await moveBranch(repo, 'moving', main, side, 'test: move');
    expect(sh(repo, 'rev-parse', 'moving')).toBe(side);
    await expect(moveBranch(repo, 'moving', main, clash, 'test: stale')).rejects.toThrow();
    expect(sh(repo, 'rev-parse', 'moving')).toBe(side);
  });
});
