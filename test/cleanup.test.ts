import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commitFile, makeProject, parseJson, type Project } from './helpers/sandbox.js';
import { fingerprint, manifest, sessionIds } from './remove-harness.js';

let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

const git = (cwd: string, ...args: string[]) => project.sandbox.git(cwd, ...args).trim();
const pwt = (args: string[]) => project.sandbox.pwt(project.main, args);
const branchExists = (branch: string) => project.sandbox.sh('git', ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`], project.main).code === 0;
const kinds = () =>
  parseJson(pwt(['status', '--json']).stdout)
    .orphans.map((orphan: { kind: string }) => orphan.kind)
    .sort();

/** One orphan of every kind. */
function everyOrphan(): void {
  project = makeProject();
  const { sandbox, main, sessionsDir, root } = { ...project, root: project.sandbox.root };
  // missing-worktree (and git's matching prunable entry): a session whose folder was deleted.
  expect(sandbox.pwt(main, ['create', 'gone']).code).toBe(0);
  commitFile(sandbox, join(sessionsDir, 'gone'), 'gone.txt', 'unmerged work\n');
  rmSync(join(sessionsDir, 'gone'), { recursive: true, force: true });
  // unregistered-worktree: made with plain git.
  git(main, 'worktree', 'add', '-q', '-b', 'handmade', join(sessionsDir, 'handmade'));
  // stray-directory: a folder that is not a worktree.
  mkdirSync(join(sessionsDir, 'junk'));
  writeFileSync(join(sessionsDir, 'junk', 'keep.txt'), 'do not lose me\n');
  // prunable outside the sessions dir.
  git(main, 'worktree', 'add', '-q', '-b', 'outside', join(root, 'outside'));
  rmSync(join(root, 'outside'), { recursive: true, force: true });
}

describe('pwt cleanup', () => {
  it('reports only when nobody can be asked and --force is missing; --dry-run likewise changes nothing', () => {
    everyOrphan();
    expect(kinds()).toEqual(['missing-worktree', 'prunable', 'prunable', 'stray-directory', 'unregistered-worktree']);
    const before = fingerprint(project);
    const report = pwt(['cleanup']);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stderr).toMatch(/Found 5 orphan\(s\)\. Not at a terminal.*--force would/);
    const dry = pwt(['cleanup', '--dry-run', '--json', '--delete-branch']);
    expect(dry.code, dry.stderr).toBe(0);
    const plan = parseJson(dry.stdout);
    expect(plan.dryRun).toBe(true);
    // The gone session ends as pwt remove ends one (the manifest entry last; its prune covers git's other stale entry).
    expect(plan.actions.map((action: { op: string }) => action.op)).toEqual([
      'archive',
      'prune-worktrees',
      'delete-branch',
      'unregister',
      'adopt',
      'move-stray',
    ]);
    expect(fingerprint(project)).toBe(before);
  }, 60_000);

  it('--force repairs every kind: drops, prunes, adopts, moves strays aside, deletes nothing', () => {
    everyOrphan();
    const result = pwt(['cleanup', '--force', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(parseJson(result.stdout).dryRun).toBe(false);
    expect(kinds()).toEqual([]);
    const entries = manifest(project).sessions;
    expect(entries.map((entry: { id: string }) => entry.id)).toEqual(['handmade']);
    expect(entries[0]).toMatchObject({ branch: 'handmade', worktree: '../app-sessions/handmade', goals: [], adoptedAt: expect.any(String) });
    // Adopted like the post-checkout hook does: the main worktree's branch as the base, so status can count ahead/behind.
    expect(entries[0]).toMatchObject({ base: 'main', baseCommit: git(project.main, 'rev-parse', 'main') });
    expect(parseJson(pwt(['status', '--json']).stdout).sessions[0]).toMatchObject({ id: 'handmade', ahead: 0, behind: 0 });
    expect(git(project.main, 'worktree', 'list', '--porcelain')).not.toMatch(/outside|gone/);
    // Branches stay without --delete-branch.
    expect(branchExists('session/gone')).toBe(true);
    const strays = readdirSync(join(project.sessionsDir, '.archive', 'strays'));
    expect(strays).toEqual([expect.stringMatching(/^junk-\d{8}T\d{6}Z$/)]);
    expect(readFileSync(join(project.sessionsDir, '.archive', 'strays', strays[0] as string, 'keep.txt'), 'utf8')).toBe('do not lose me\n');
    expect(existsSync(join(project.sessionsDir, 'junk'))).toBe(false);
    const again = pwt(['cleanup', '--force']);
    expect(again.stderr).toMatch(/No orphans/);
  }, 60_000);

  it('--delete-branch archives an unmerged branch first and deletes merged (also squash-merged) ones outright', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    for (const name of ['unmerged', 'squashed']) {
      expect(sandbox.pwt(main, ['create', name]).code).toBe(0);
      commitFile(sandbox, join(sessionsDir, name), `${name}.txt`, `${name}\n`);
    }
    git(main, 'merge', '--squash', '-q', 'session/squashed');
    git(main, 'commit', '-q', '-m', 'squash merge');
    const unmergedTip = git(main, 'rev-parse', 'session/unmerged');
    for (const name of ['unmerged', 'squashed']) rmSync(join(sessionsDir, name), { recursive: true, force: true });
    const result = pwt(['cleanup', '--force', '--delete-branch', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const actions = parseJson(result.stdout).actions;
    expect(actions.filter((action: { op: string }) => action.op === 'delete-branch')).toEqual([
      { op: 'delete-branch', branch: 'session/unmerged', merged: false },
      { op: 'delete-branch', branch: 'session/squashed', merged: true },
    ]);
    expect(branchExists('session/unmerged')).toBe(false);
    expect(branchExists('session/squashed')).toBe(false);
    const archived = git(main, 'for-each-ref', '--format=%(refname)', 'refs/pwt/archive/');
    expect(archived).toMatch(/^refs\/pwt\/archive\/unmerged\/\d{8}T\d{6}Z$/);
    expect(git(main, 'rev-parse', `${archived}^1`)).toBe(unmergedTip);
    expect(sessionIds(project)).toEqual([]);
    // And the archived one can come back.
    const restored = pwt(['restore', 'unmerged']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(readFileSync(join(sessionsDir, 'unmerged', 'unmerged.txt'), 'utf8')).toBe('unmerged\n');
  }, 60_000);
});

describe('pwt cleanup and the project hooks', () => {
  const ENV_LINE = 'echo "$PWT_HOOK|$PWT_SESSION|$PWT_PATH|$PWT_BRANCH|$PWT_BASE|$PWT_MAIN|$(pwd)" >> "$PWT_MAIN/../hook-log.txt"';
  const hookLog = () => {
    const file = join(project.sandbox.root, 'hook-log.txt');
    return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
  };
  const withHooks = (hooks: Record<string, unknown>) =>
    commitFile(project.sandbox, project.main, '.pwt.json', `${JSON.stringify({ hooks }, null, 2)}\n`, 'hooks');
  /** Sessions whose folders were deleted behind pwt's back. */
  const deleted = (...names: string[]) => {
    for (const name of names) {
      expect(project.sandbox.pwt(project.main, ['create', name]).code).toBe(0);
      rmSync(join(project.sessionsDir, name), { recursive: true, force: true });
    }
  };

  it('ends a session whose folder was deleted as pwt remove does: pre-remove and post-remove in the main worktree, approval first', () => {
    project = makeProject();
    withHooks({ 'pre-remove': ENV_LINE, 'post-remove': ENV_LINE });
    deleted('gone', 'twin');

    // Unapproved and nobody to ask: refused before anything changed, as remove refuses.
    const before = fingerprint(project);
    const refused = pwt(['cleanup', '--force']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/not approved.*--trust-hooks/s);
    expect(fingerprint(project)).toBe(before);
    expect(hookLog()).toEqual([]);

    // The dry run lists the hook steps, runs none (each ending as it would run now: both see git's stale entry).
    const dry = parseJson(pwt(['cleanup', '--dry-run', '--json']).stdout);
    expect(dry.actions.map((action: { op: string; event?: string }) => action.event ?? action.op)).toEqual([
      'pre-remove',
      'prune-worktrees',
      'unregister',
      'post-remove',
      'pre-remove',
      'prune-worktrees',
      'unregister',
      'post-remove',
    ]);
    expect(hookLog()).toEqual([]);

    // What remove does for one deleted folder...
    expect(pwt(['remove', 'twin', '--trust-hooks']).code).toBe(0);
    const byRemove = hookLog();
    expect(byRemove).toHaveLength(2);
    // ...cleanup does for the other: the same hooks, env and folder (the main worktree: the session's is gone).
    const result = pwt(['cleanup', '--force']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/pre-remove hook: echo/);
    const byCleanup = hookLog().slice(2);
    expect(byCleanup).toEqual(byRemove.map((line) => line.replaceAll('twin', 'gone')));
    expect(byCleanup).toEqual([
      `pre-remove|gone|${join(project.sessionsDir, 'gone')}|session/gone|main|${project.main}|${project.main}`,
      `post-remove|gone|${join(project.sessionsDir, 'gone')}|session/gone|main|${project.main}|${project.main}`,
    ]);
    expect(sessionIds(project)).toEqual([]);
    expect(kinds()).toEqual([]);
  }, 90_000);

  it('a failing pre-remove keeps the session (exit 3); --no-hooks ends it without them, and says so', () => {
    project = makeProject();
    withHooks({ 'pre-remove': 'echo "cannot save notes" >&2; exit 7', 'post-remove': ENV_LINE });
    deleted('gone');
    const failed = pwt(['cleanup', '--force', '--trust-hooks']);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toMatch(/pre-remove/);
    expect(failed.stderr).toMatch(/cannot save notes/);
    expect(sessionIds(project)).toEqual(['gone']);
    expect(hookLog()).toEqual([]);

    const skipped = pwt(['cleanup', '--force', '--no-hooks']);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stderr).toMatch(/Skipped the project hooks \(--no-hooks\)/);
    expect(sessionIds(project)).toEqual([]);
    expect(hookLog()).toEqual([]);
  }, 90_000);
});
