import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitFile, makeProject, NODE, type Project } from './helpers/sandbox.js';

/**
 * When git, tmux or the manifest fails for a reason of the machine's state,
 * pwt says so in one line with what to do, exit 3, never as a bug with a stack.
 */
let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

/** One line on stderr starting with `pwt: `, no stack, and the exit code. */
function expectOneLine(result: { code: number; stdout: string; stderr: string }, code: number, pattern: RegExp): void {
  expect(result.stderr).not.toMatch(/unexpected error|\n\s+at /);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(/^pwt: /);
  expect(result.stderr).toMatch(pattern);
  expect(result.code).toBe(code);
}

describe('door errors', () => {
  it('sync and diff on a session whose folder exists but is empty: exit 3, one line, what to do', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    expect(sandbox.pwt(main, ['create', 's']).code).toBe(0);
    const folder = join(sessionsDir, 's');
    for (const entry of readdirSync(folder)) rmSync(join(folder, entry), { recursive: true, force: true });
    const branchBefore = sandbox.git(main, 'rev-parse', 'session/s');
    for (const command of ['sync', 'diff']) {
      const result = sandbox.pwt(main, [command, 's']);
      expectOneLine(result, 3, /The worktree of "s" is empty or broken: .*s has no \.git\..*pwt cleanup/);
    }
    // From inside the empty folder (outside the repository now), with no name: one line too.
    expectOneLine(sandbox.pwt(folder, ['diff']), 3, /Not inside a git repository/);
    expect(sandbox.git(main, 'rev-parse', 'session/s')).toBe(branchBefore);
  }, 60_000);

  it('sync and diff on a session whose folder is gone: exit 3, one line', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    expect(sandbox.pwt(main, ['create', 's']).code).toBe(0);
    rmSync(join(sessionsDir, 's'), { recursive: true, force: true });
    for (const command of ['sync', 'diff']) expectOneLine(sandbox.pwt(main, [command, 's']), 3, /The worktree of "s" is gone .*pwt cleanup drops the entry/);
  }, 60_000);

  it('a session whose .git points nowhere: diff is exit 3, one line, not a GitError stack', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    expect(sandbox.pwt(main, ['create', 's']).code).toBe(0);
    writeFileSync(join(sessionsDir, 's', '.git'), `gitdir: ${join(sandbox.root, 'nowhere')}\n`);
    expectOneLine(sandbox.pwt(main, ['diff', 's']), 3, /The git worktree .*s is empty or broken \(not a git repository: .*nowhere\)\. .*pwt cleanup/);
  }, 60_000);

  it('git not on PATH: exit 3, one line, install git', () => {
    project = makeProject();
    const { sandbox, main } = project;
    const bin = join(sandbox.root, 'only-node');
    mkdirSync(bin);
    symlinkSync(NODE, join(bin, 'node'));
    expectOneLine(sandbox.pwt(main, ['status'], { PATH: bin }), 3, /git is not installed or not on PATH\. Install git/);
  }, 60_000);

  it("another git holds the session's index lock: sync is exit 3, one line, and the session is as it was", () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    expect(sandbox.pwt(main, ['create', 's']).code).toBe(0);
    const session = join(sessionsDir, 's');
    commitFile(sandbox, session, 'feature.txt', 'feature\n');
    commitFile(sandbox, main, 'main.txt', 'main\n');
    const head = sandbox.git(session, 'rev-parse', 'HEAD');
    const lock = sandbox.git(session, 'rev-parse', '--path-format=absolute', '--git-path', 'index.lock').trim();
    writeFileSync(lock, '');
    const sync = sandbox.pwt(main, ['sync', 's']);
    // The step's title comes first (a workflow says what it does), then the one line.
    expect(sync.stderr).toMatch(/^\[info\] merge main into session\/s/);
    expectOneLine(
      { ...sync, stderr: sync.stderr.replace(/^\[info\][^\n]*\n/, '') },
      3,
      /Another git is working in .*\(Unable to create .*index\.lock': File exists\)\. .*delete the \.lock file/,
    );
    rmSync(lock);
    expect(sandbox.git(session, 'rev-parse', 'HEAD')).toBe(head);
  }, 60_000);

  it('a manifest that cannot be read: exit 3, one line naming it', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    expect(sandbox.pwt(main, ['create', 's']).code).toBe(0);
    const file = join(sessionsDir, '.manifest.json');
    rmSync(file);
    symlinkSync(file, file); // a link to itself: ELOOP on every read
    expectOneLine(sandbox.pwt(main, ['status']), 3, /The manifest .*\.manifest\.json cannot be read/);
  }, 60_000);

  it('PWT_DEBUG=1 traces each program pwt starts (what the git-failed hint points to), and nothing without it', () => {
    project = makeProject();
    const { sandbox, main } = project;
    const traced = sandbox.pwt(main, ['status'], { PWT_DEBUG: '1' });
    expect(traced.code).toBe(0);
    expect(traced.stderr).toMatch(/^pwt: run git worktree list --porcelain -z {2}\(in .*app\)$/m);
    expect(sandbox.pwt(main, ['status']).stderr).not.toMatch(/pwt: run /);
  }, 60_000);
});
