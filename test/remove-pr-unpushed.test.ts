import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installFakeGh, type FakeGh } from './helpers/fake-gh.js';
import { commitFile, makeProject, parseJson, type Project } from './helpers/sandbox.js';
import { fingerprint, sessionIds, TmuxPwt } from './remove-harness.js';

/**
 * `pwt remove --strategy pr` when the session branch holds commits of the
 * local base that `<remote>/<base>` lacks (never pushed): the pull request
 * would carry them. Real git (a bare origin and its clone), the stand-in gh.
 */
let project: Project;
let term: TmuxPwt | undefined;
afterEach(() => {
  term?.kill();
  term = undefined;
  project?.sandbox.cleanup();
}, 60_000);

const git = (cwd: string, ...args: string[]) => project.sandbox.git(cwd, ...args).trim();
const prCalls = (gh: FakeGh) => gh.calls().filter((call) => call[0] === 'pr' && call[1] === 'create');
const WARNING =
  /session\/feat carries 2 commit\(s\) of main that origin\/main lacks: the pull request would include them\. Push main first \(git push origin main\), or move the session onto origin\/main without them \(git -C \S+ rebase --onto origin\/main main\)\./;

/** main gets 2 commits that are not pushed; session feat starts from there and adds 1 of its own. */
function sessionOnUnpushedBase(): { session: string; gh: FakeGh; unpushed: string[] } {
  project = makeProject();
  const { sandbox, main } = project;
  commitFile(sandbox, main, 'local1.txt', '1\n', 'local one');
  commitFile(sandbox, main, 'local2.txt', '2\n', 'local two');
  const created = sandbox.pwt(main, ['create', 'feat', '--goal', 'Add feature']);
  expect(created.code, created.stderr).toBe(0);
  const session = join(project.sessionsDir, 'feat');
  commitFile(sandbox, session, 'feature.txt', 'feature\n', 'add feature');
  // What git says: the branch holds 3 commits origin/main lacks, 2 of them main's.
  expect(git(main, 'rev-list', '--count', 'session/feat', '^origin/main')).toBe('3');
  expect(git(main, 'rev-list', '--count', 'session/feat', '^origin/main', '^main')).toBe('1');
  return { session, gh: installFakeGh(sandbox), unpushed: git(main, 'rev-list', 'main', '^origin/main').split('\n') };
}

describe('pwt remove --strategy pr with base commits never pushed', () => {
  it('without a terminal (and with --json) refuses with exit 3 and one line saying what to do; nothing changes', () => {
    const { gh } = sessionOnUnpushedBase();
    const before = fingerprint(project);
    for (const extra of [[], ['--json']]) {
      const result = project.sandbox.pwt(project.main, ['rm', 'feat', '--strategy', 'pr', ...extra], gh.env);
      expect(result.code, result.stderr).toBe(3);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(WARNING);
      expect(result.stderr).toMatch(/Nothing was changed\. To open it with them anyway: pwt remove feat --strategy pr --yes$/m);
    }
    expect(fingerprint(project)).toBe(before);
    expect(prCalls(gh)).toEqual([]);
    expect(project.sandbox.sh('git', ['rev-parse', '--verify', '--quiet', 'refs/heads/session/feat'], project.origin).code).toBe(1);
    expect(sessionIds(project)).toEqual(['feat']);
  }, 60_000);

  it('--dry-run shows the warning (and --json lists it under warnings) and changes nothing', () => {
    const { gh } = sessionOnUnpushedBase();
    const before = fingerprint(project);
    const human = project.sandbox.pwt(project.main, ['rm', 'feat', '--strategy', 'pr', '--dry-run'], gh.env);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stderr).toMatch(WARNING);
    expect(human.stderr).toMatch(/Dry run: pwt remove feat --strategy pr would do:/);
    const json = project.sandbox.pwt(project.main, ['rm', 'feat', '--strategy', 'pr', '--dry-run', '--json'], gh.env);
    expect(json.code, json.stderr).toBe(0);
    const report = parseJson(json.stdout);
    expect(report.dryRun).toBe(true);
    expect(report.warnings).toEqual([{ kind: 'unpushed-base', base: 'main', remote: 'origin', commits: 2, message: expect.stringMatching(WARNING) }]);
    expect(report.actions.map((action: { op: string }) => action.op)).toEqual(['push', 'create-pr', 'remove-worktree', 'unregister']);
    expect(fingerprint(project)).toBe(before);
    expect(prCalls(gh)).toEqual([]);
  }, 60_000);

  it('--yes opens the PR with them, says so, and loses nothing', () => {
    const { session, gh, unpushed } = sessionOnUnpushedBase();
    const tip = git(session, 'rev-parse', 'HEAD');
    const mainBefore = git(project.main, 'rev-parse', 'main');
    const result = project.sandbox.pwt(project.main, ['rm', 'feat', '--strategy', 'pr', '--yes', '--json'], gh.env);
    expect(result.code, result.stderr).toBe(0);
    const report = parseJson(result.stdout);
    expect(report.warnings).toMatchObject([{ kind: 'unpushed-base', commits: 2 }]);
    expect(report.actions.map((action: { op: string }) => action.op)).toEqual(['push', 'create-pr', 'remove-worktree', 'unregister']);
    expect(prCalls(gh)).toHaveLength(1);
    // The branch is on origin and kept here; main and its unpushed commits are as they were.
    expect(git(project.origin, 'rev-parse', 'refs/heads/session/feat')).toBe(tip);
    expect(git(project.main, 'rev-parse', 'session/feat')).toBe(tip);
    expect(git(project.main, 'rev-parse', 'main')).toBe(mainBefore);
    expect(git(project.main, 'rev-list', 'main', '^origin/main').split('\n')).toEqual(unpushed);
    expect(existsSync(session)).toBe(false);

    const human = project.sandbox.pwt(project.main, ['create', 'two']);
    expect(human.code).toBe(0);
    commitFile(project.sandbox, join(project.sessionsDir, 'two'), 'two.txt', 'two\n');
    const said = project.sandbox.pwt(project.main, ['rm', 'two', '--strategy', 'pr', '--yes'], gh.env);
    expect(said.code, said.stderr).toBe(0);
    expect(said.stderr).toMatch(/session\/two carries 2 commit\(s\) of main that origin\/main lacks/);
  }, 60_000);

  it('says nothing once the base is pushed, or when there is no remote-tracking ref to compare with', () => {
    const { gh } = sessionOnUnpushedBase();
    const tracking = git(project.main, 'rev-parse', 'refs/remotes/origin/main');
    git(project.main, 'update-ref', '-d', 'refs/remotes/origin/main');
    const untracked = project.sandbox.pwt(project.main, ['rm', 'feat', '--strategy', 'pr', '--dry-run', '--json'], gh.env);
    expect(untracked.code, untracked.stderr).toBe(0);
    expect(parseJson(untracked.stdout).warnings).toBeUndefined();
    git(project.main, 'update-ref', 'refs/remotes/origin/main', tracking);
    git(project.main, 'push', '--quiet', 'origin', 'main');
    const result = project.sandbox.pwt(project.main, ['rm', 'feat', '--strategy', 'pr'], gh.env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/carries/);
    expect(prCalls(gh)).toHaveLength(1);
  }, 60_000);

  it('the rebase the warning names takes them out: the PR then carries only the session commit', () => {
    const { session, gh } = sessionOnUnpushedBase();
    const refused = project.sandbox.pwt(project.main, ['rm', 'feat', '--strategy', 'pr'], gh.env);
    expect(refused.code).toBe(3);
    const command = /\(git -C (\S+) rebase --onto origin\/main main\)/.exec(refused.stderr);
    expect(command?.[1]).toBe(session);
    git(session, 'rebase', '--quiet', '--onto', 'origin/main', 'main');
    const result = project.sandbox.pwt(project.main, ['rm', 'feat', '--strategy', 'pr'], gh.env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/carries/);
    expect(git(project.origin, 'log', '--format=%s', 'main..session/feat')).toBe('add feature');
    expect(git(project.main, 'rev-list', '--count', 'main', '^origin/main')).toBe('2');
  }, 60_000);
});

describe('pwt remove --strategy pr with base commits never pushed, at a terminal', () => {
  const QUESTION = /carries 2 commit\(s\) of main that origin\/main lacks[\s\S]*Open the pull request with them anyway\?/;

  it('asks; Enter takes the default, no: exit 130, nothing changed, nothing pushed', async () => {
    const { gh } = sessionOnUnpushedBase();
    const before = fingerprint(project);
    term = new TmuxPwt(project.sandbox, project.main, ['rm', 'feat', '--strategy', 'pr'], gh.env);
    await term.waitFor(QUESTION);
    term.keys(['Enter']);
    const { code, screen } = await term.exit();
    expect(code, screen).toBe(130);
    expect(screen).toMatch(/Cancelled; nothing was changed/);
    expect(fingerprint(project)).toBe(before);
    expect(prCalls(gh)).toEqual([]);
  }, 60_000);

  it('asks; yes opens the PR, the warning not repeated after', async () => {
    const { gh } = sessionOnUnpushedBase();
    term = new TmuxPwt(project.sandbox, project.main, ['rm', 'feat', '--strategy', 'pr'], gh.env);
    await term.waitFor(QUESTION);
    term.keys(['y']);
    const { code, screen } = await term.exit();
    expect(code, screen).toBe(0);
    expect(screen).toMatch(/Opened https:\/\/github\.com\/example\/app\/pull\/1/);
    expect(screen.match(/carries 2 commit\(s\)/g)).toHaveLength(1);
    expect(prCalls(gh)).toHaveLength(1);
  }, 60_000);
});
