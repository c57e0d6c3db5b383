import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildLanding, inLandingWorktree, moveBase } from '../../../src/core/sessions/gate.js';
import { commitFile, makeProject, type Project } from '../../helpers/sandbox.js';

/** The gate module on a real repository: the commit a base would move to, a place to test it, and the move itself. */
let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

const DATE = '1767225600 +0000';
const git = (...args: string[]) => project.sandbox.git(project.main, ...args).trim();

/** main with a.txt; branch `topic` adds b.txt; returns [base, tip]. */
function diverge(mainMoves: boolean): [string, string] {
  project = makeProject();
  commitFile(project.sandbox, project.main, 'a.txt', 'one\n');
  git('switch', '--quiet', '-c', 'topic');
  commitFile(project.sandbox, project.main, 'b.txt', 'topic\n');
  git('switch', '--quiet', 'main');
  if (mainMoves) commitFile(project.sandbox, project.main, 'c.txt', 'main\n');
  return [git('rev-parse', 'main'), git('rev-parse', 'topic')];
}

describe('buildLanding', () => {
  it('fast-forwards when the base has not moved: the tip itself', async () => {
    const [baseTip, tip] = diverge(false);
    expect(await buildLanding(project.main, { baseTip, tip, message: 'm', date: DATE })).toMatchObject({ kind: 'fast-forward', commit: tip });
  });

  it('builds the merge commit (parents base, tip) reproducibly: the same input gives the same id', async () => {
    const [baseTip, tip] = diverge(true);
    const first = await buildLanding(project.main, { baseTip, tip, message: 'Merge topic', date: DATE });
    const again = await buildLanding(project.main, { baseTip, tip, message: 'Merge topic', date: DATE });
    expect(first.kind).toBe('merge-commit');
    expect(again).toEqual(first);
    const commit = (first as { commit: string }).commit;
    expect(git('rev-list', '--parents', '-n', '1', commit).split(' ').slice(1)).toEqual([baseTip, tip]);
    expect(git('ls-tree', '--name-only', commit).split('\n')).toEqual(expect.arrayContaining(['a.txt', 'b.txt', 'c.txt']));
    // Nothing points at it yet.
    expect(git('for-each-ref', '--contains', commit)).toBe('');
  });

  it('squashes onto the base (one parent), also when the base has not moved', async () => {
    const [baseTip, tip] = diverge(false);
    const squash = await buildLanding(project.main, { baseTip, tip, squash: true, message: 'Squashed', date: DATE });
    expect(squash.kind).toBe('squash');
    const commit = (squash as { commit: string }).commit;
    expect(git('rev-list', '--parents', '-n', '1', commit).split(' ').slice(1)).toEqual([baseTip]);
    expect(git('rev-parse', `${commit}^{tree}`)).toBe(git('rev-parse', `${tip}^{tree}`));
  });

  it('reports conflicts and already-merged branches instead of a commit', async () => {
    project = makeProject();
    commitFile(project.sandbox, project.main, 'a.txt', 'one\n');
    git('switch', '--quiet', '-c', 'topic');
    commitFile(project.sandbox, project.main, 'a.txt', 'topic\n');
    git('switch', '--quiet', 'main');
    commitFile(project.sandbox, project.main, 'a.txt', 'main\n');
    const [baseTip, tip] = [git('rev-parse', 'main'), git('rev-parse', 'topic')];
    expect(await buildLanding(project.main, { baseTip, tip, message: 'm', date: DATE })).toEqual({ kind: 'conflicts', files: ['a.txt'] });
    expect(await buildLanding(project.main, { baseTip, tip: git('rev-parse', 'main~1'), message: 'm', date: DATE })).toEqual({
      kind: 'already-merged',
      how: 'ancestor',
    });
  });
});

describe('inLandingWorktree and moveBase', () => {
  it('checks the commit out detached under .pwt/land/ and removes it afterwards, also when the check throws', async () => {
    const [baseTip, tip] = diverge(true);
    const landing = (await buildLanding(project.main, { baseTip, tip, message: 'Merge topic', date: DATE })) as { commit: string };
    const where = { mainPath: project.main, sessionsDir: project.sessionsDir, from: project.main, envFiles: [], copy: [] };
    let seen = '';
    const files = await inLandingWorktree(where, landing.commit, async (path) => {
      seen = path;
      expect(project.sandbox.git(path, 'rev-parse', 'HEAD').trim()).toBe(landing.commit);
      return readdirSync(path).sort();
    });
    expect(files).toEqual(expect.arrayContaining(['a.txt', 'b.txt', 'c.txt']));
    expect(seen.startsWith(join(project.sessionsDir, '.pwt', 'land'))).toBe(true);
    expect(existsSync(seen)).toBe(false);
    await expect(inLandingWorktree(where, landing.commit, async () => Promise.reject(new Error('red')))).rejects.toThrow('red');
    expect(readdirSync(join(project.sessionsDir, '.pwt', 'land'))).toEqual([]);
    expect(git('worktree', 'list', '--porcelain')).not.toMatch(/\.pwt\/land/);
  });

  it('moves the base to exactly the tested commit, and refuses (exit 4, nothing moved) when the base moved meanwhile', async () => {
    const [baseTip, tip] = diverge(true);
    const landing = (await buildLanding(project.main, { baseTip, tip, message: 'Merge topic', date: DATE })) as { commit: string };
    const move = { branch: 'main', from: baseTip, to: landing.commit, checkedOutAt: project.main, reason: 'test', again: 'again' };
    commitFile(project.sandbox, project.main, 'd.txt', 'someone else\n');
    const moved = git('rev-parse', 'main');
    await expect(moveBase(project.main, move)).rejects.toMatchObject({ exitCode: 4 });
    expect(git('rev-parse', 'main')).toBe(moved);
    git('reset', '--quiet', '--hard', baseTip);
    await moveBase(project.main, move);
    expect(git('rev-parse', 'main')).toBe(landing.commit);
    expect(readFileSync(join(project.main, 'b.txt'), 'utf8')).toBe('topic\n');
  });
});
