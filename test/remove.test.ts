import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installFakeGh, pathWithoutGh } from './helpers/fake-gh.js';
import { commitFile, makeProject, parseJson, type Project } from './helpers/sandbox.js';
import { fingerprint, manifest, sessionIds } from './remove-harness.js';

let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

/** A project with session `feat` (goal "Add feature") holding one commit. */
function withSession(goals = ['Add feature']): { session: string; pwt: Project['sandbox']['pwt'] } {
  project = makeProject();
  const { sandbox, main } = project;
  const created = sandbox.pwt(main, ['create', 'feat', ...goals.flatMap((goal) => ['--goal', goal])]);
  expect(created.code, created.stderr).toBe(0);
  const session = join(project.sessionsDir, 'feat');
  commitFile(sandbox, session, 'feature.txt', 'feature\n', 'add feature');
  return { session, pwt: sandbox.pwt };
}

const git = (cwd: string, ...args: string[]) => project.sandbox.git(cwd, ...args).trim();
const ops = (stdout: string) => parseJson(stdout).actions.map((action: { op: string }) => action.op);
const branchExists = (branch: string) => project.sandbox.sh('git', ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`], project.main).code === 0;

describe('pwt remove: refusals', () => {
  it('exits 3 for an unknown session and 2 for a bad strategy or name, changing nothing', () => {
    const { pwt } = withSession();
    const before = fingerprint(project);
    const unknown = pwt(project.main, ['remove', 'nope']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/No session named "nope".*pwt status/);
    const strategy = pwt(project.main, ['rm', 'feat', '--strategy', 'squash']);
    expect(strategy.code).toBe(2);
    expect(strategy.stderr).toMatch(/Unknown strategy "squash".*pr, merge, keep, abandon/);
    expect(pwt(project.main, ['rm', 'bad..name']).code).toBe(2);
    expect(pwt(project.main, ['rm', 'feat', '--bogus']).code).toBe(2);
    expect(fingerprint(project)).toBe(before);
  }, 60_000);

  it('never drops uncommitted work: exit 3 without --commit, untracked files included', () => {
    const { session, pwt } = withSession();
    writeFileSync(join(session, 'untracked.txt'), 'precious\n');
    const before = fingerprint(project);
    for (const strategy of ['keep', 'merge', 'pr', 'abandon']) {
      const result = pwt(project.main, ['rm', 'feat', '--strategy', strategy, '--yes']);
      expect(result.code, strategy).toBe(3);
      expect(result.stderr).toMatch(/1 uncommitted change.*untracked.txt.*--commit/);
    }
    // --force is only for abandon: keep still refuses.
    expect(pwt(project.main, ['rm', 'feat', '--force']).code).toBe(3);
    expect(fingerprint(project)).toBe(before);
    expect(readFileSync(join(session, 'untracked.txt'), 'utf8')).toBe('precious\n');
  }, 60_000);
});

describe('pwt remove --strategy keep', () => {
  it('is the non-interactive default: removes the worktree, keeps the branch, drops the entry', () => {
    const { session, pwt } = withSession();
    const tip = git(session, 'rev-parse', 'HEAD');
    const result = pwt(project.main, ['rm', 'feat', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(ops(result.stdout)).toEqual(['remove-worktree', 'unregister']);
    expect(parseJson(result.stdout).dryRun).toBe(false);
    expect(existsSync(session)).toBe(false);
    expect(git(project.main, 'rev-parse', 'refs/heads/session/feat')).toBe(tip);
    expect(sessionIds(project)).toEqual([]);
    expect(git(project.main, 'worktree', 'list')).not.toMatch(/feat/);
  }, 60_000);

  it('commits everything first with --commit, untracked included', () => {
    const { session, pwt } = withSession();
    writeFileSync(join(session, 'feature.txt'), 'changed\n');
    writeFileSync(join(session, 'new.txt'), 'new\n');
    const result = pwt(project.main, ['rm', 'feat', '--commit', 'wip: last bits', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(ops(result.stdout)).toEqual(['commit', 'remove-worktree', 'unregister']);
    expect(git(project.main, 'log', '-1', '--format=%s', 'session/feat')).toBe('wip: last bits');
    expect(git(project.main, 'show', 'session/feat:new.txt')).toBe('new');
    expect(git(project.main, 'show', 'session/feat:feature.txt')).toBe('changed');
  }, 60_000);

  it('with --commit, judges "already merged" on the commit it is about to make', () => {
    project = makeProject();
    const { sandbox, main } = project;
    expect(sandbox.pwt(main, ['create', 'fresh']).code).toBe(0);
    writeFileSync(join(project.sessionsDir, 'fresh', 'prices.txt'), 'rounded\n');
    // The branch itself has no commits yet, so its old tip is "in main"; the committed work is not.
    const result = sandbox.pwt(main, ['rm', 'fresh', '--strategy', 'keep', '--commit', 'wip prices']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/already in main|would lose nothing/);
    expect(git(main, 'show', 'session/fresh:prices.txt')).toBe('rounded');
  }, 60_000);

  it('works from inside the session worktree and says to cd back', () => {
    const { session, pwt } = withSession();
    const result = pwt(session, ['rm', 'feat']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`cd ${project.main}`);
    expect(existsSync(session)).toBe(false);
    expect(sessionIds(project)).toEqual([]);
  }, 60_000);

  it('copies artifacts (ignored ones too) into .archive/<name>/<stamp>/ with their paths', () => {
    const { session, pwt } = withSession();
    mkdirSync(join(session, 'docs', 'dev-sessions'), { recursive: true });
    writeFileSync(join(session, 'docs', 'dev-sessions', 'log.md'), '# log\n');
    mkdirSync(join(session, 'notes'));
    writeFileSync(join(session, 'notes', 'day.session.md'), 'notes\n');
    writeFileSync(join(session, '.gitignore'), '.env\n.env.local\nnotes/\n');
    git(session, 'add', 'docs', '.gitignore');
    git(session, 'commit', '-q', '-m', 'log');
    const result = pwt(project.main, ['rm', 'feat', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const artifacts = parseJson(result.stdout).actions.find((action: { op: string }) => action.op === 'archive-artifacts');
    expect(artifacts.files).toEqual(['docs/dev-sessions/log.md', 'notes/day.session.md']);
    expect(artifacts.to).toMatch(new RegExp(`^${project.sessionsDir}/\\.archive/feat/\\d{8}T\\d{6}Z$`));
    expect(readFileSync(join(artifacts.to, 'docs/dev-sessions/log.md'), 'utf8')).toBe('# log\n');
    expect(readFileSync(join(artifacts.to, 'notes/day.session.md'), 'utf8')).toBe('notes\n');
  }, 60_000);

  it('finishes a session whose worktree folder was deleted by hand', () => {
    const { session, pwt } = withSession();
    rmSync(session, { recursive: true, force: true });
    const result = pwt(project.main, ['rm', 'feat', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(ops(result.stdout)).toEqual(['prune-worktrees', 'unregister']);
    expect(git(project.main, 'worktree', 'list', '--porcelain')).not.toMatch(/feat/);
    expect(branchExists('session/feat')).toBe(true);
  }, 60_000);
});

describe('pwt remove --dry-run', () => {
  it('prints the plan as JSON and changes nothing, for every strategy', () => {
    const { pwt } = withSession();
    const gh = installFakeGh(project.sandbox);
    const before = fingerprint(project);
    const expected: Record<string, string[]> = {
      keep: ['remove-worktree', 'unregister'],
      merge: ['merge', 'remove-worktree', 'delete-branch', 'unregister'],
      pr: ['push', 'create-pr', 'remove-worktree', 'unregister'],
      abandon: ['archive', 'remove-worktree', 'delete-branch', 'unregister'],
    };
    for (const [strategy, planned] of Object.entries(expected)) {
      const result = pwt(project.main, ['rm', 'feat', '--strategy', strategy, '--dry-run', '--json'], gh.env);
      expect(result.code, result.stderr).toBe(0);
      expect(parseJson(result.stdout).dryRun).toBe(true);
      expect(ops(result.stdout)).toEqual(planned);
    }
    const human = pwt(project.main, ['rm', 'feat', '--strategy', 'merge', '--dry-run']);
    expect(human.stderr).toMatch(/Dry run.*\n.*1\. merge session\/feat into main \(fast-forward\)/);
    expect(fingerprint(project)).toBe(before);
    expect(gh.calls().filter((call) => call[0] === 'pr')).toEqual([]);
  }, 60_000);
});

describe('pwt remove --strategy merge', () => {
  it('fast-forwards the base checked out in the main worktree and deletes the branch', () => {
    const { session, pwt } = withSession();
    const tip = git(session, 'rev-parse', 'HEAD');
    const result = pwt(project.main, ['rm', 'feat', '--strategy', 'merge', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(parseJson(result.stdout).actions[0]).toMatchObject({ op: 'merge', mode: 'fast-forward', into: 'main' });
    expect(git(project.main, 'rev-parse', 'main')).toBe(tip);
    expect(readFileSync(join(project.main, 'feature.txt'), 'utf8')).toBe('feature\n');
    expect(git(project.main, 'status', '--porcelain')).toBe('');
    expect(branchExists('session/feat')).toBe(false);
    expect(sessionIds(project)).toEqual([]);
  }, 60_000);

  it('makes a merge commit when the base moved on without conflicts', () => {
    const { session, pwt } = withSession(['Add feature', 'Document it']);
    commitFile(project.sandbox, project.main, 'other.txt', 'other\n', 'meanwhile on main');
    const baseBefore = git(project.main, 'rev-parse', 'main');
    const tip = git(session, 'rev-parse', 'HEAD');
    const result = pwt(project.main, ['rm', 'feat', '--strategy', 'merge', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(parseJson(result.stdout).actions[0]).toMatchObject({ op: 'merge', mode: 'merge-commit' });
    expect(git(project.main, 'rev-parse', 'main^1', 'main^2').split('\n')).toEqual([baseBefore, tip]);
    expect(git(project.main, 'log', '-1', '--format=%B', 'main')).toMatch(/Merge branch 'session\/feat' into main[\s\S]*- Document it/);
    expect(readFileSync(join(project.main, 'feature.txt'), 'utf8')).toBe('feature\n');
    expect(git(project.main, 'status', '--porcelain')).toBe('');
  }, 60_000);

  it('exits 4 listing the conflicting files and changes nothing anywhere', () => {
    const { session, pwt } = withSession();
    commitFile(project.sandbox, session, 'README.md', '# session version\n');
    commitFile(project.sandbox, project.main, 'README.md', '# main version\n');
    const before = fingerprint(project);
    const result = pwt(project.main, ['rm', 'feat', '--strategy', 'merge']);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/conflicts in: README\.md.*Nothing was changed/);
    expect(fingerprint(project)).toBe(before);
    expect(existsSync(join(project.main, '.git', 'MERGE_HEAD'))).toBe(false);
    // --commit is checked against the commit it would make, still before anything changes.
    writeFileSync(join(session, 'extra.txt'), 'x\n');
    const withCommit = pwt(project.main, ['rm', 'feat', '--strategy', 'merge', '--commit', 'wip']);
    expect(withCommit.code).toBe(4);
    expect(git(session, 'status', '--porcelain')).toBe('?? extra.txt');
  }, 60_000);

  it('exits 3 when the base is checked out with uncommitted changes there', () => {
    const { pwt } = withSession();
    commitFile(project.sandbox, project.main, 'other.txt', 'other\n');
    writeFileSync(join(project.main, 'other.txt'), 'edited\n');
    const before = fingerprint(project);
    const result = pwt(project.main, ['rm', 'feat', '--strategy', 'merge']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/main is checked out in .* uncommitted change/);
    expect(fingerprint(project)).toBe(before);
  }, 60_000);

  it('updates a base that is checked out nowhere, merge commit included, without touching any worktree', () => {
    const { session, pwt } = withSession();
    commitFile(project.sandbox, project.main, 'other.txt', 'other\n', 'meanwhile on main');
    git(project.main, 'switch', '-q', '-c', 'elsewhere');
    writeFileSync(join(project.main, 'scratch.txt'), 'untracked in main\n');
    const baseBefore = git(project.main, 'rev-parse', 'main');
    const result = pwt(project.main, ['rm', 'feat', '--strategy', 'merge', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(parseJson(result.stdout).actions[0]).toMatchObject({ op: 'merge', mode: 'merge-commit' });
    expect(git(project.main, 'rev-parse', 'main^1')).toBe(baseBefore);
    expect(git(project.main, 'show', 'main:feature.txt')).toBe('feature');
    expect(git(project.main, 'branch', '--show-current')).toBe('elsewhere');
    expect(existsSync(join(project.main, 'feature.txt'))).toBe(false);
    expect(git(project.main, 'status', '--porcelain')).toBe('?? scratch.txt');
    expect(git(project.main, 'reflog', '-1', '--format=%gs', 'main')).toBe('pwt: merge session/feat into main');
    expect(existsSync(session)).toBe(false);
  }, 60_000);

  it('fast-forwards a base checked out in another linked worktree, files included', () => {
    const { session, pwt } = withSession();
    const elsewhere = join(project.sandbox.root, 'main-checkout');
    git(project.main, 'switch', '-q', '-c', 'scratch');
    git(project.main, 'worktree', 'add', '-q', elsewhere, 'main');
    const result = pwt(project.main, ['rm', 'feat', '--strategy', 'merge', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(parseJson(result.stdout).actions[0]).toMatchObject({ op: 'merge', mode: 'fast-forward', checkedOutAt: elsewhere });
    expect(readFileSync(join(elsewhere, 'feature.txt'), 'utf8')).toBe('feature\n');
    expect(git(elsewhere, 'status', '--porcelain')).toBe('');
    expect(existsSync(session)).toBe(false);
  }, 60_000);

  it("merges an adopted session (no recorded base) into the main worktree's branch", () => {
    project = makeProject();
    const path = join(project.sessionsDir, 'handmade');
    git(project.main, 'worktree', 'add', '-q', '-b', 'handmade', path);
    commitFile(project.sandbox, path, 'hand.txt', 'hand\n');
    expect(project.sandbox.pwt(project.main, ['cleanup', '--force']).code).toBe(0);
    const result = project.sandbox.pwt(project.main, ['rm', 'handmade', '--strategy', 'merge']);
    expect(result.code, result.stderr).toBe(0);
    expect(git(project.main, 'show', 'main:hand.txt')).toBe('hand');
    expect(branchExists('handmade')).toBe(false);
  }, 60_000);

  it('keep says when a squash-merged branch has nothing left to lose', () => {
    const { pwt } = withSession();
    const notMerged = pwt(project.main, ['rm', 'feat', '--dry-run']);
    expect(notMerged.stderr).not.toMatch(/already in main/);
    git(project.main, 'merge', '--squash', '-q', 'session/feat');
    git(project.main, 'commit', '-q', '-m', 'squash: add feature');
    const result = pwt(project.main, ['rm', 'feat']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Everything on session\/feat is already in main \(squash-merged or cherry-picked\).*git branch -D session\/feat/);
    expect(branchExists('session/feat')).toBe(true);
  }, 60_000);

  it('counts a squash-merged branch as merged: no new commit, branch deleted', () => {
    const { pwt } = withSession();
    git(project.main, 'merge', '--squash', '-q', 'session/feat');
    git(project.main, 'commit', '-q', '-m', 'squash: add feature');
    commitFile(project.sandbox, project.main, 'later.txt', 'later\n');
    const baseBefore = git(project.main, 'rev-parse', 'main');
    const result = pwt(project.main, ['rm', 'feat', '--strategy', 'merge', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(parseJson(result.stdout).actions[0]).toMatchObject({ op: 'merge', mode: 'already-merged' });
    expect(git(project.main, 'rev-parse', 'main')).toBe(baseBefore);
    expect(branchExists('session/feat')).toBe(false);
  }, 60_000);
});

describe('pwt remove --strategy pr', () => {
  it('pushes with upstream, opens the PR with gh, keeps the branch and removes the worktree', () => {
    const { session, pwt } = withSession(['Add feature', 'Write tests']);
    const gh = installFakeGh(project.sandbox);
    const tip = git(session, 'rev-parse', 'HEAD');
    const result = pwt(project.main, ['rm', 'feat', '--strategy', 'pr', '--json'], gh.env);
    expect(result.code, result.stderr).toBe(0);
    const actions = parseJson(result.stdout).actions;
    expect(actions.map((action: { op: string }) => action.op)).toEqual(['push', 'create-pr', 'remove-worktree', 'unregister']);
    expect(actions[1]).toMatchObject({ url: 'https://github.com/example/app/pull/1', base: 'main', head: 'session/feat' });
    const create = gh.calls().find((call) => call[0] === 'pr' && call[1] === 'create');
    expect(create).toEqual([
      'pr',
      'create',
      '--base',
      'main',
      '--head',
      'session/feat',
      '--title',
      'feat: Add feature',
      '--body',
      expect.stringContaining('- Add feature\n- Write tests'),
    ]);
    expect(gh.calls()).toContainEqual(['auth', 'status']);
    expect(git(project.origin, 'rev-parse', 'refs/heads/session/feat')).toBe(tip);
    expect(git(project.main, 'rev-parse', '--abbrev-ref', 'session/feat@{upstream}')).toBe('origin/session/feat');
    expect(git(project.main, 'rev-parse', 'session/feat')).toBe(tip);
    expect(existsSync(session)).toBe(false);
    expect(sessionIds(project)).toEqual([]);
    const human = pwt(project.main, ['create', 'two']);
    expect(human.code).toBe(0);
    commitFile(project.sandbox, join(project.sessionsDir, 'two'), 'two.txt', 'two\n');
    const second = pwt(project.main, ['rm', 'two', '--strategy', 'pr'], gh.env);
    expect(second.stderr).toContain('https://github.com/example/app/pull/2');
  }, 60_000);

  it('reports, without blocking, a base that moved on', () => {
    const { pwt } = withSession();
    const gh = installFakeGh(project.sandbox);
    commitFile(project.sandbox, project.main, 'other.txt', 'other\n');
    const result = pwt(project.main, ['rm', 'feat', '--strategy', 'pr'], gh.env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/main has 1 commit\(s\) that session\/feat lacks.*rebase/);
  }, 60_000);

  it('exits 3 before anything changes without gh, logged out, or without a remote', () => {
    const { pwt } = withSession();
    const gh = installFakeGh(project.sandbox);
    const before = fingerprint(project);
    const missing = pwt(project.main, ['rm', 'feat', '--strategy', 'pr'], { PATH: pathWithoutGh(project.sandbox) });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/gh\) is not installed.*cli\.github\.com/);
    const loggedOut = pwt(project.main, ['rm', 'feat', '--strategy', 'pr'], { ...gh.env, FAKE_GH_AUTH_FAIL: '1' });
    expect(loggedOut.code).toBe(3);
    expect(loggedOut.stderr).toMatch(/not logged in.*gh auth login/);
    expect(fingerprint(project)).toBe(before);
    git(project.main, 'remote', 'remove', 'origin');
    const noRemote = pwt(project.main, ['rm', 'feat', '--strategy', 'pr'], gh.env);
    expect(noRemote.code).toBe(3);
    expect(noRemote.stderr).toMatch(/no remote "origin"/);
    expect(sessionIds(project)).toEqual(['feat']);
    expect(gh.calls().filter((call) => call[0] === 'pr')).toEqual([]);
  }, 60_000);

  it('a rejected push leaves the session as it was; a second remove finishes', () => {
    const { session, pwt } = withSession();
    const gh = installFakeGh(project.sandbox);
    const hook = join(project.origin, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "rejected by policy" >&2\nexit 1\n', { mode: 0o755 });
    const failed = pwt(project.main, ['rm', 'feat', '--strategy', 'pr'], gh.env);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toMatch(/push session\/feat.*failed.*rejected by policy[\s\S]*pwt remove feat again/);
    const status = parseJson(pwt(project.main, ['status', '--json']).stdout);
    expect(status.sessions).toMatchObject([{ id: 'feat', exists: true }]);
    expect(status.orphans).toEqual([]);
    expect(gh.calls().filter((call) => call[0] === 'pr')).toEqual([]);
    rmSync(hook);
    const retried = pwt(project.main, ['rm', 'feat', '--strategy', 'pr', '--json'], gh.env);
    expect(retried.code, retried.stderr).toBe(0);
    expect(existsSync(session)).toBe(false);
    expect(sessionIds(project)).toEqual([]);
  }, 60_000);

  it('a kill during the push leaves a truthful state that a second remove finishes', async () => {
    const { session } = withSession();
    const gh = installFakeGh(project.sandbox);
    const marker = join(project.sandbox.root, 'push-started');
    const hook = join(project.origin, 'hooks', 'pre-receive');
    writeFileSync(hook, `#!/bin/sh\ntouch '${marker}'\nsleep 3\nexit 1\n`, { mode: 0o755 });
    const child = project.sandbox.pwtAsync(project.main, ['rm', 'feat', '--strategy', 'pr'], gh.env);
    const exited = new Promise((done) => child.on('exit', done));
    for (let i = 0; i < 300 && !existsSync(marker); i++) await new Promise((done) => setTimeout(done, 50));
    expect(existsSync(marker)).toBe(true);
    child.kill('SIGKILL');
    await exited;
    const status = parseJson(project.sandbox.pwt(project.main, ['status', '--json']).stdout);
    expect(status.sessions).toMatchObject([{ id: 'feat', exists: true, dirty: false }]);
    rmSync(hook);
    // The killed pwt's git push still runs inside the session until its hook ends: remove refuses (changing nothing) until then.
    let retried = project.sandbox.pwt(project.main, ['rm', 'feat', '--strategy', 'pr'], gh.env);
    for (let i = 0; i < 100 && retried.code === 3 && /still run inside/.test(retried.stderr); i++) {
      await new Promise((done) => setTimeout(done, 100));
      retried = project.sandbox.pwt(project.main, ['rm', 'feat', '--strategy', 'pr'], gh.env);
    }
    expect(retried.code, retried.stderr).toBe(0);
    expect(existsSync(session)).toBe(false);
    expect(sessionIds(project)).toEqual([]);
    expect(branchExists('session/feat')).toBe(true);
  }, 60_000);

  it('a failing gh after the push keeps the session; the retry pushes again and opens the PR', () => {
    const { session, pwt } = withSession();
    const gh = installFakeGh(project.sandbox);
    const failed = pwt(project.main, ['rm', 'feat', '--strategy', 'pr'], { ...gh.env, FAKE_GH_PR_FAIL: '1' });
    expect(failed.code).toBe(3);
    expect(failed.stderr).toMatch(/gh pr create failed: GraphQL.*run pwt remove again/);
    expect(git(project.origin, 'rev-parse', 'refs/heads/session/feat')).toBe(git(session, 'rev-parse', 'HEAD'));
    expect(existsSync(session)).toBe(true);
    expect(manifest(project).sessions[0].pr).toBeUndefined();
    const retried = pwt(project.main, ['rm', 'feat', '--strategy', 'pr', '--json'], gh.env);
    expect(retried.code, retried.stderr).toBe(0);
    expect(parseJson(retried.stdout).actions[1].url).toMatch(/pull\/\d+$/);
    expect(sessionIds(project)).toEqual([]);
  }, 60_000);
});

describe('pwt remove --strategy abandon', () => {
  it('needs --yes when nobody can be asked, and --force for uncommitted work', () => {
    const { session, pwt } = withSession();
    const before = fingerprint(project);
    const noYes = pwt(project.main, ['rm', 'feat', '--strategy', 'abandon']);
    expect(noYes.code).toBe(3);
    expect(noYes.stderr).toMatch(/needs confirmation.*--yes/);
    writeFileSync(join(session, 'draft.txt'), 'draft\n');
    const dirty = pwt(project.main, ['rm', 'feat', '--strategy', 'abandon', '--yes']);
    expect(dirty.code).toBe(3);
    expect(dirty.stderr).toMatch(/--force to archive them/);
    rmSync(join(session, 'draft.txt'));
    expect(fingerprint(project)).toBe(before);
  }, 60_000);

  it('archives tip and uncommitted work under refs/pwt/archive before deleting anything', () => {
    const { session, pwt } = withSession();
    const tip = git(session, 'rev-parse', 'HEAD');
    writeFileSync(join(session, 'feature.txt'), 'edited, not committed\n');
    writeFileSync(join(session, 'draft.txt'), 'untracked draft\n');
    const result = pwt(project.main, ['rm', 'feat', '--strategy', 'abandon', '--yes', '--force']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Archived as refs\/pwt\/archive\/feat\/\d{8}T\d{6}Z.*pwt restore feat/);
    const ref = git(project.main, 'for-each-ref', '--format=%(refname)', 'refs/pwt/archive/feat/');
    expect(git(project.main, 'rev-parse', `${ref}^1`)).toBe(tip);
    expect(git(project.main, 'show', `${ref}:draft.txt`)).toBe('untracked draft');
    expect(git(project.main, 'show', `${ref}:feature.txt`)).toBe('edited, not committed');
    expect(branchExists('session/feat')).toBe(false);
    expect(existsSync(session)).toBe(false);
    expect(sessionIds(project)).toEqual([]);
  }, 60_000);
});

describe('pwt remove --json prints the plan', () => {
  it('a real run reports the operations the dry run planned, each with the same fields, plus only what its step learned', () => {
    const { pwt } = withSession();
    const { sandbox, main } = project;
    writeFileSync(join(main, '.pwt.json'), JSON.stringify({ hooks: { 'pre-merge': 'true', 'post-remove': 'true' } }));
    commitFile(sandbox, main, '.pwt.json', readFileSync(join(main, '.pwt.json'), 'utf8'), 'hooks');
    writeFileSync(join(project.sessionsDir, 'feat', 'draft.txt'), 'draft\n');
    const args = ['remove', 'feat', '--strategy', 'merge', '--commit', 'draft', '--trust-hooks', '--json'];
    const planned = parseJson(pwt(main, [...args, '--dry-run']).stdout).actions as Array<Record<string, unknown>>;
    const ran = pwt(main, args);
    expect(ran.code, ran.stderr).toBe(0);
    const reported = parseJson(ran.stdout).actions as Array<Record<string, unknown>>;
    expect(reported.map((action) => action.op)).toEqual(planned.map((action) => action.op));
    expect(planned.map((action) => `${action.op}${action.event ? `:${action.event}` : ''}`)).toEqual([
      'hook:pre-merge',
      'commit',
      'merge',
      'remove-worktree',
      'delete-branch',
      'unregister',
      'hook:post-remove',
    ]);
    const learned: Record<string, string[]> = { hook: ['outcomes'], merge: ['commit'] };
    reported.forEach((action, index) => {
      const plannedKeys = Object.keys(planned[index]!).sort();
      expect(
        Object.keys(action).filter((key) => !plannedKeys.includes(key)),
        String(action.op),
      ).toEqual(learned[String(action.op)] ?? []);
      expect(
        plannedKeys.filter((key) => !(key in action)),
        String(action.op),
      ).toEqual([]);
    });
    // The merge lands the commit it planned: target and what it made are one.
    const merge = reported.find((action) => action.op === 'merge')!;
    expect(merge.commit).toBe(merge.target);
    expect(git(main, 'rev-parse', 'main')).toBe(merge.target);
  }, 60_000);
});
