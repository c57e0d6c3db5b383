import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitFile, makeProject, parseJson, type Project } from './helpers/sandbox.js';
import { fingerprint, sessionIds } from './remove-harness.js';

let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

/** Session sq with three commits of its own. */
function threeCommits(): { project: Project; tip: string } {
  project = makeProject();
  const { sandbox, main, sessionsDir } = project;
  sandbox.pwt(main, ['create', 'sq', '--goal', 'Round prices to cents']);
  const path = join(sessionsDir, 'sq');
  commitFile(sandbox, path, 'a.txt', 'a\n', 'add a');
  commitFile(sandbox, path, 'b.txt', 'b\n', 'add b');
  commitFile(sandbox, path, 'a.txt', 'a2\n', 'fix a');
  return { project, tip: sandbox.git(main, 'rev-parse', 'session/sq').trim() };
}

describe('pwt remove --strategy merge --squash', () => {
  it("puts the session's work on the base as one commit with one parent, deletes the branch and archives its commits", () => {
    const { project: p, tip } = threeCommits();
    const { sandbox, main } = p;
    const baseBefore = sandbox.git(main, 'rev-parse', 'main').trim();
    const result = sandbox.pwt(main, ['remove', 'sq', '--strategy', 'merge', '--squash']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Squashed session\/sq into one commit on main/);
    const parents = sandbox.git(main, 'rev-list', '--parents', '-n', '1', 'main').trim().split(' ');
    expect(parents.slice(1)).toEqual([baseBefore]);
    expect(sandbox.git(main, 'rev-parse', 'main^{tree}').trim()).toBe(sandbox.git(main, 'rev-parse', `${tip}^{tree}`).trim());
    const message = sandbox.git(main, 'log', '-1', '--format=%B', 'main');
    expect(message).toMatch(/^sq: Round prices to cents\n/);
    expect(message).toContain('* add a\n* add b\n* fix a');
    // The checked-out main worktree moved with its branch: files there, nothing dirty.
    expect(readFileSync(join(main, 'a.txt'), 'utf8')).toBe('a2\n');
    expect(sandbox.git(main, 'status', '--porcelain')).toBe('');
    expect(sandbox.git(main, 'branch', '--list', 'session/sq')).toBe('');
    expect(sessionIds(p)).toEqual([]);
    // Never lose work: the original commits stay reachable from the archive ref.
    const archived = sandbox.git(main, 'for-each-ref', '--format=%(refname)', 'refs/pwt/archive/sq/').trim();
    expect(archived).toMatch(/^refs\/pwt\/archive\/sq\//);
    expect(sandbox.sh('git', ['merge-base', '--is-ancestor', tip, archived], main).code).toBe(0);
  }, 60_000);

  it('--message sets the message; a base that moved on gets the merged tree on top of it', () => {
    const { project: p } = threeCommits();
    const { sandbox, main } = p;
    commitFile(sandbox, main, 'other.txt', 'other\n');
    const baseBefore = sandbox.git(main, 'rev-parse', 'main').trim();
    const result = sandbox.pwt(main, ['remove', 'sq', '--squash', '--message', 'Prices in cents', '--json']);
    expect(result.code).toBe(0);
    const ops = parseJson(result.stdout).actions.map((action: any) => action.op);
    expect(ops).toEqual(['archive', 'squash-merge', 'remove-worktree', 'delete-branch', 'unregister']);
    expect(sandbox.git(main, 'log', '-1', '--format=%B', 'main').trim()).toBe('Prices in cents');
    expect(sandbox.git(main, 'rev-parse', 'main^').trim()).toBe(baseBefore);
    expect(sandbox.git(main, 'ls-tree', '--name-only', 'main').split('\n')).toEqual(expect.arrayContaining(['a.txt', 'b.txt', 'other.txt']));
    expect(existsSync(join(p.sessionsDir, 'sq'))).toBe(false);
  }, 60_000);

  it('a conflict is exit 4 and changes nothing; --squash with another strategy or --message alone is a usage error', () => {
    const { project: p } = threeCommits();
    const { sandbox, main } = p;
    commitFile(sandbox, main, 'a.txt', 'main version\n');
    const before = fingerprint(p);
    const conflict = sandbox.pwt(main, ['remove', 'sq', '--strategy', 'merge', '--squash']);
    expect(conflict.code).toBe(4);
    expect(conflict.stderr).toMatch(/conflicts in: a\.txt/);
    expect(fingerprint(p)).toBe(before);
    expect(sandbox.pwt(main, ['remove', 'sq', '--strategy', 'keep', '--squash']).code).toBe(2);
    expect(sandbox.pwt(main, ['remove', 'sq', '--message', 'x']).code).toBe(2);
    expect(fingerprint(p)).toBe(before);
  }, 60_000);
});
