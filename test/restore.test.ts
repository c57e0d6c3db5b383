import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commitFile, makeProject, parseJson, type Project } from './helpers/sandbox.js';
import { fingerprint, manifest } from './remove-harness.js';

let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

const git = (cwd: string, ...args: string[]) => project.sandbox.git(cwd, ...args).trim();

function abandoned(): { session: string; tip: string } {
  project = makeProject();
  const { sandbox, main } = project;
  expect(sandbox.pwt(main, ['create', 'feat', '--goal', 'Add feature', '--goal', 'Keep it small']).code).toBe(0);
  const session = join(project.sessionsDir, 'feat');
  commitFile(sandbox, session, 'feature.txt', 'committed\n');
  commitFile(sandbox, session, 'doomed.txt', 'tracked, deleted later\n');
  const tip = git(session, 'rev-parse', 'HEAD');
  writeFileSync(join(session, 'feature.txt'), 'edited after the commit\n');
  rmSync(join(session, 'doomed.txt'));
  mkdirSync(join(session, 'drafts'));
  writeFileSync(join(session, 'drafts', 'idea.md'), 'untracked idea\n');
  writeFileSync(join(session, '.env'), 'SECRET=ignored\n');
  const result = sandbox.pwt(main, ['rm', 'feat', '--strategy', 'abandon', '--yes', '--force']);
  expect(result.code, result.stderr).toBe(0);
  expect(existsSync(session)).toBe(false);
  return { session, tip };
}

describe('pwt restore', () => {
  it('brings back branch, worktree, uncommitted and untracked work, and the manifest entry with its goals', () => {
    const { session, tip } = abandoned();
    writeFileSync(join(project.main, '.env'), 'FROM_MAIN=1\n');
    const result = project.sandbox.pwt(project.main, ['restore', 'feat']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Restored feat on session\/feat from refs\/pwt\/archive\/feat\/\d{8}T\d{6}Z, uncommitted work included/);
    expect(result.stderr).toMatch(/Copied env files: \.env\b/);
    expect(git(project.main, 'rev-parse', 'session/feat')).toBe(tip);
    expect(git(session, 'branch', '--show-current')).toBe('session/feat');
    expect(readFileSync(join(session, 'feature.txt'), 'utf8')).toBe('edited after the commit\n');
    expect(readFileSync(join(session, 'drafts', 'idea.md'), 'utf8')).toBe('untracked idea\n');
    expect(existsSync(join(session, 'doomed.txt'))).toBe(false);
    // Uncommitted again, exactly as before (index at HEAD).
    expect(project.sandbox.git(session, 'status', '--porcelain').split('\n').filter(Boolean).sort()).toEqual([' D doomed.txt', ' M feature.txt', '?? drafts/']);
    // Ignored files are not archived; env files come from the main worktree as in pwt create.
    expect(readFileSync(join(session, '.env'), 'utf8')).toBe('FROM_MAIN=1\n');
    const entry = manifest(project).sessions[0];
    expect(entry).toMatchObject({
      id: 'feat',
      branch: 'session/feat',
      goals: ['Add feature', 'Keep it small'],
      base: 'main',
      status: 'active',
      restoredFrom: expect.stringMatching(/^refs\/pwt\/archive\/feat\//),
    });
    const status = parseJson(project.sandbox.pwt(project.main, ['status', '--json']).stdout);
    expect(status.sessions[0]).toMatchObject({ id: 'feat', exists: true, dirty: true });
    expect(status.orphans).toEqual([]);
  }, 60_000);

  it('restores a clean abandoned session and picks an older archive with --at', () => {
    project = makeProject();
    const { sandbox, main } = project;
    const session = join(project.sessionsDir, 'feat');
    const tips: string[] = [];
    for (const content of ['first\n', 'second\n']) {
      expect(sandbox.pwt(main, ['create', 'feat']).code).toBe(0);
      commitFile(sandbox, session, 'f.txt', content);
      tips.push(git(session, 'rev-parse', 'HEAD'));
      expect(sandbox.pwt(main, ['rm', 'feat', '--strategy', 'abandon', '--yes']).code).toBe(0);
    }
    const stamps = git(main, 'for-each-ref', '--format=%(refname:lstrip=4)', 'refs/pwt/archive/feat/').split('\n');
    expect(stamps).toHaveLength(2);
    const result = sandbox.pwt(main, ['restore', 'feat', '--at', stamps[0] as string]);
    expect(result.code, result.stderr).toBe(0);
    expect(git(main, 'rev-parse', 'session/feat')).toBe(tips[0]);
    expect(git(session, 'status', '--porcelain')).toBe('');
    expect(readFileSync(join(session, 'f.txt'), 'utf8')).toBe('first\n');
  }, 60_000);

  it('says clearly when there is nothing to restore, the stamp is unknown, or the name is taken', () => {
    abandoned();
    const { sandbox, main } = project;
    const nothing = sandbox.pwt(main, ['restore', 'other']);
    expect(nothing.code).toBe(3);
    expect(nothing.stderr).toMatch(/Nothing to restore for "other".*Archived sessions: feat/);
    const badStamp = sandbox.pwt(main, ['restore', 'feat', '--at', '20000101T000000Z']);
    expect(badStamp.code).toBe(3);
    expect(badStamp.stderr).toMatch(/No archive of "feat" at 20000101T000000Z.*Archives of feat: \d{8}T\d{6}Z/);
    expect(sandbox.pwt(main, ['create', 'feat']).code).toBe(0);
    const before = fingerprint(project);
    const taken = sandbox.pwt(main, ['restore', 'feat']);
    expect(taken.code).toBe(3);
    expect(taken.stderr).toMatch(/session named "feat" exists already/);
    expect(fingerprint(project)).toBe(before);
  }, 60_000);

  it('refuses when a different branch of that name exists, and --dry-run changes nothing', () => {
    abandoned();
    const { sandbox, main } = project;
    const before = fingerprint(project);
    const dry = sandbox.pwt(main, ['restore', 'feat', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(parseJson(dry.stdout).actions.map((action: { op: string }) => action.op)).toEqual([
      'create-branch',
      'add-worktree',
      'restore-uncommitted',
      'copy-env',
      'register',
    ]);
    expect(fingerprint(project)).toBe(before);
    git(main, 'branch', 'session/feat', 'main');
    const clash = sandbox.pwt(main, ['restore', 'feat']);
    expect(clash.code).toBe(3);
    expect(clash.stderr).toMatch(/branch session\/feat exists and points elsewhere/);
  }, 60_000);

  it('points a kept branch (no archive) at pwt open', () => {
    project = makeProject();
    const { sandbox, main } = project;
    expect(sandbox.pwt(main, ['create', 'kept']).code).toBe(0);
    expect(sandbox.pwt(main, ['rm', 'kept']).code).toBe(0);
    const result = sandbox.pwt(main, ['restore', 'kept']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/The branch session\/kept still exists: pwt open kept makes it a session again/);
  }, 60_000);
});

describe('archives that say what they hold', () => {
  /** A second, poorer archive of the same commits (no uncommitted work), newer than the first: what a re-run after a cut used to write. */
  function poorerCopy(): string {
    const [first] = git(project.main, 'for-each-ref', '--format=%(refname)', 'refs/pwt/archive/feat/').split('\n');
    const body = git(project.main, 'log', '-1', '--format=%B', first as string);
    const meta = JSON.parse(
      body
        .split('\n')
        .find((line) => line.startsWith('pwt-archive: '))!
        .slice('pwt-archive: '.length),
    );
    const poorer = { ...meta, dirty: false, changed: 0, fromWorktree: false, reason: 'abandon' };
    const commit = git(
      project.main,
      'commit-tree',
      `${meta.head}^{tree}`,
      '-p',
      meta.head,
      '-m',
      `pwt archive of session feat (abandon)\n\npwt-archive: ${JSON.stringify(poorer)}`,
    );
    git(project.main, 'update-ref', 'refs/pwt/archive/feat/29990101T000000Z', commit);
    return first as string;
  }

  it('restore takes the most complete archive, not a newer poorer copy, and says so; --list shows what each holds', () => {
    const { tip } = abandoned();
    const complete = poorerCopy();
    const listed = project.sandbox.pwt(project.main, ['restore', 'feat', '--list']);
    expect(listed.code, listed.stderr).toBe(0);
    const lines = (listed.stdout + listed.stderr).split('\n');
    const stamp = complete.split('/').pop() as string;
    expect(lines.find((line) => line.includes(stamp))).toMatch(/^\* .*abandon: branch at .*; \d+ uncommitted or untracked file\(s\)/);
    expect(lines.find((line) => line.includes('29990101T000000Z'))).toMatch(/^ {2}.*the branch only \(no worktree was left\)/);
    const restored = project.sandbox.pwt(project.main, ['restore', 'feat']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout + restored.stderr).toMatch(new RegExp(`Took ${stamp}, not the newer 29990101T000000Z: it holds the same commits plus more`));
    const session = join(project.sessionsDir, 'feat');
    expect(git(session, 'rev-parse', 'HEAD')).toBe(tip);
    expect(readFileSync(join(session, 'drafts', 'idea.md'), 'utf8')).toBe('untracked idea\n');
  }, 60_000);

  it('restore says what it left in the archive folder', () => {
    abandoned();
    const restored = project.sandbox.pwt(project.main, ['restore', 'feat']);
    expect(restored.code, restored.stderr).toBe(0);
    const folder = join(project.sessionsDir, '.archive', 'feat');
    if (existsSync(folder)) expect(restored.stdout + restored.stderr).toMatch(/Not brought back, still in .*\.archive\/feat\/\S+: /);
    else expect(restored.stdout + restored.stderr).not.toMatch(/Not brought back/);
  }, 60_000);

  it('pwt archive list and prune: prune keeps the newest and the most complete, deletes ref and folder together, and asks first', () => {
    abandoned();
    poorerCopy();
    // A third, older archive with a folder: the one prune may delete.
    const old = git(project.main, 'for-each-ref', '--format=%(objectname)', 'refs/pwt/archive/feat/').split('\n')[0] as string;
    git(project.main, 'update-ref', 'refs/pwt/archive/feat/20000101T000000Z', old);
    mkdirSync(join(project.sessionsDir, '.archive', 'feat', '20000101T000000Z'), { recursive: true });
    writeFileSync(join(project.sessionsDir, '.archive', 'feat', '20000101T000000Z', 'note.txt'), 'old\n');
    const refs = () => git(project.main, 'for-each-ref', '--format=%(refname)', 'refs/pwt/archive/feat/').split('\n').filter(Boolean);
    expect(refs()).toHaveLength(3);
    const listed = parseJson(project.sandbox.pwt(project.main, ['archive', 'list', '--json']).stdout);
    expect(listed.sessions[0].archives.map((each: { stamp: string; folder: boolean }) => [each.stamp, each.folder])[0]).toEqual(['20000101T000000Z', true]);
    const asked = project.sandbox.pwt(project.main, ['archive', 'prune']);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toMatch(/would delete 1 archive\(s\).*--yes/s);
    expect(refs()).toHaveLength(3);
    const dry = project.sandbox.pwt(project.main, ['archive', 'prune', '--dry-run']);
    expect(dry.stdout + dry.stderr).toMatch(/would delete:\n\s+feat 20000101T000000Z/);
    const pruned = project.sandbox.pwt(project.main, ['archive', 'prune', '--yes']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(refs()).not.toContain('refs/pwt/archive/feat/20000101T000000Z');
    expect(refs()).toContain('refs/pwt/archive/feat/29990101T000000Z');
    expect(refs()).toHaveLength(2);
    expect(existsSync(join(project.sessionsDir, '.archive', 'feat', '20000101T000000Z'))).toBe(false);
    expect(project.sandbox.pwt(project.main, ['archive', 'prune', '--keep', '0']).code).toBe(2);
  }, 60_000);
});
