import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { DOOR_ERRORS, doorRefusal, isDoorError, userProblem } from '../../../src/core/infra/door-errors.js';
import { DoorError, Exit, PwtError, type DoorKind } from '../../../src/core/infra/errors.js';
import { git, GitError } from '../../../src/core/git/git.js';
import { runProcess } from '../../../src/core/infra/process.js';
import { acquireLock } from '../../../src/core/infra/lock.js';
import { withSessionLock } from '../../../src/core/sessions/lock.js';
import type { Project } from '../../../src/core/project/project.js';
import { tmux, tmuxRaw, TmuxError, TmuxUnavailable } from '../../../src/core/tmux/tmux.js';

/**
 * Door errors: each kind from the real failure (a real git, a real lock, a
 * stand-in tmux), and the one table that words them: one line, what to do, exit 3.
 */
let root: string;
const env = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@e.test',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@e.test',
};
const sh = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'pwt-door-')));
  mkdirSync(join(root, 'repo'));
  sh(join(root, 'repo'), 'init', '--quiet', '--initial-branch=main');
  writeFileSync(join(root, 'repo', 'a.txt'), 'a\n');
  sh(join(root, 'repo'), 'add', 'a.txt');
  sh(join(root, 'repo'), 'commit', '--quiet', '-m', 'one');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The error a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

/** What pwt prints for it: one line (message + hint), exit 3, and the kind it carries. */
function expectDoor(error: unknown, kind: DoorKind, line: RegExp): void {
  expect((error as { kind?: string }).kind).toBe(kind);
  const problem = userProblem(error);
  expect(problem).not.toBeNull();
  expect(problem!.exitCode).toBe(Exit.precondition);
  expect(problem!.hint).toBeTruthy();
  const printed = `${problem!.message} ${problem!.hint}`;
  expect(printed).not.toContain('\n');
  expect(printed).toMatch(line);
}

describe('the door error table', () => {
  it('words every kind in one line with what to do', () => {
    for (const [kind, word] of Object.entries(DOOR_ERRORS)) {
      const { message, hint } = word({ program: 'git', args: ['status'], path: '/p', said: 'it said so', what: 'the manifest', holder: 42, seconds: 10 });
      expect(message, kind).toMatch(/\S/);
      expect(hint, kind).toMatch(/\S/);
      expect(`${message}${hint}`, kind).not.toContain('\n');
    }
  });

  it('knows a door error by its shape, as src/cli.ts (a bundle of its own) sees it', () => {
    const foreign = Object.assign(new Error('git status failed'), { kind: 'git-failed', facts: { args: ['status'], path: '/p', said: 'boom' } });
    expect(isDoorError(foreign)).toBe(true);
    expect(userProblem(foreign)).toMatchObject({ exitCode: 3, message: 'git status failed in /p: boom.' });
    expect(isDoorError(Object.assign(new Error('x'), { kind: 'no-such-kind', facts: {} }))).toBe(false);
  });

  it('leaves a bug a bug, and a PwtError as it was worded', () => {
    expect(userProblem(new TypeError('undefined is not a function'))).toBeNull();
    expect(userProblem(new PwtError('No.', Exit.conflict, 'Do this.'))).toEqual({ message: 'No.', hint: 'Do this.', exitCode: Exit.conflict });
    expect(doorRefusal('program-missing', { program: 'git' })).toMatchObject({
      kind: 'program-missing',
      exitCode: 3,
      message: 'git is not installed or not on PATH.',
    });
  });
});

describe('git failures carry their kind', () => {
  it('program-missing: git not on PATH', async () => {
    const error = await failure(git(join(root, 'repo'), ['status'], { PATH: join(root, 'no-bin') }));
    expect(error).toBeInstanceOf(PwtError);
    expectDoor(error, 'program-missing', /git is not installed or not on PATH\. Install git/);
  });

  it('folder-missing: the folder git should run in is gone (not "git is not installed")', async () => {
    const error = await failure(git(join(root, 'gone'), ['status']));
    expect(error).toBeInstanceOf(DoorError);
    expectDoor(error, 'folder-missing', /Cannot run git in .*gone: the folder is gone\./);
  });

  it('not-a-repository: a folder with files that is no repository', async () => {
    const folder = join(root, 'plain');
    mkdirSync(folder);
    writeFileSync(join(folder, 'x'), 'x');
    const error = await failure(git(folder, ['rev-parse', 'HEAD']));
    expect(error).toBeInstanceOf(GitError);
    expectDoor(error, 'not-a-repository', /plain is not in a git repository/);
  });

  it('worktree-broken: an emptied worktree folder, or a .git file that points nowhere', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    expectDoor(await failure(git(empty, ['rev-parse', 'HEAD'])), 'worktree-broken', /The git worktree .*empty is empty or broken.*pwt cleanup/);
    const dangling = join(root, 'dangling');
    mkdirSync(dangling);
    writeFileSync(join(dangling, '.git'), `gitdir: ${join(root, 'nowhere')}\n`);
    expectDoor(await failure(git(dangling, ['status'])), 'worktree-broken', /dangling is empty or broken \(not a git repository: /);
  });

  it('repository-busy: another git holds the index lock', async () => {
    const repo = join(root, 'repo');
    writeFileSync(join(repo, '.git', 'index.lock'), '');
    try {
      writeFileSync(join(repo, 'a.txt'), 'changed\n');
      expectDoor(await failure(git(repo, ['add', 'a.txt'])), 'repository-busy', /Another git is working in .*repo .*index\.lock.*delete the \.lock file/);
    } finally {
      rmSync(join(repo, '.git', 'index.lock'));
    }
  });

  it('repository-unsafe: a repository owned by another user', async () => {
    const other = join(root, 'other');
    mkdirSync(other);
    sh(other, 'init', '--quiet');
    // git's own switch for this check (its test suite uses it): the folder's owner counts as someone else, without root.
    expectDoor(
      await failure(git(other, ['status'], { GIT_TEST_ASSUME_DIFFERENT_OWNER: '1' })),
      'repository-unsafe',
      /belongs to another user.*safe\.directory .*other/,
    );
  });

  it('git-failed: any other failure, with what git said', async () => {
    expectDoor(
      await failure(git(join(root, 'repo'), ['rev-parse', '--verify', 'no-such-ref^{commit}'])),
      'git-failed',
      /git rev-parse --verify no-such-ref\^\{commit\} failed in .*repo.*PWT_DEBUG=1/,
    );
  });

  it('runProcess says which: a missing program or a missing folder', async () => {
    expect(await failure(runProcess('no-such-program-pwt', [], { cwd: root }))).toMatchObject({ kind: 'program-missing' });
    expect(await failure(runProcess('git', ['status'], { cwd: join(root, 'gone') }))).toMatchObject({ kind: 'folder-missing' });
  });
});

describe('locks and tmux carry their kind', () => {
  it('lock-busy: a lock a live process holds, recognised by kind', async () => {
    const path = join(root, 'busy.lock');
    const release = await acquireLock(path, { what: 'the test', timeoutMs: 5_000 });
    try {
      const error = await failure(acquireLock(path, { what: 'the test', timeoutMs: 100 }));
      expect(error).toBeInstanceOf(PwtError);
      expectDoor(error, 'lock-busy', /Could not lock the test within 0 s: .*busy\.lock is held by another pwt \(pid \d+\)\. Wait for the other pwt/);
    } finally {
      await release();
    }
  });

  it('the session lock knows a busy lock by its kind and says which session is being worked on', async () => {
    const project = { sessionsDir: join(root, 'sessions') } as Project;
    let ran = false;
    const error = await failure(withSessionLock(project, 'feat', () => withSessionLock(project, 'feat', async () => void (ran = true))));
    expect(ran).toBe(false);
    expect(error).toBeInstanceOf(PwtError);
    expect((error as PwtError).message).toMatch(/^Another pwt is working on session feat right now/);
    expect((error as PwtError).exitCode).toBe(Exit.precondition);
  }, 20_000);

  it('lock-in-the-way: a file where the lock folder goes', async () => {
    const path = join(root, 'file.lock');
    writeFileSync(path, '');
    expectDoor(await failure(acquireLock(path, { what: 'the test', timeoutMs: 100 })), 'lock-in-the-way', /file\.lock is in the way: .*rm /);
  });

  describe('with a stand-in tmux', () => {
    const bin = () => join(root, 'bin');
    let savedPath: string | undefined;
    beforeAll(() => {
      mkdirSync(bin(), { recursive: true });
      // Killed by a signal on every call: tmux "does not answer" (retried, then given up).
      writeFileSync(join(bin(), 'tmux'), '#!/bin/sh\ncase "$*" in *bogus*) echo "unknown command: bogus" >&2; exit 1;; esac\nkill -9 $$\n', { mode: 0o755 });
      savedPath = process.env.PATH;
      process.env.PATH = `${bin()}:${savedPath}`;
    });
    afterAll(() => {
      process.env.PATH = savedPath;
    });

    it('tmux-unreachable: the server does not answer', async () => {
      const error = await failure(tmuxRaw(['list-sessions']));
      expect(error).toBeInstanceOf(TmuxUnavailable);
      expectDoor(error, 'tmux-unreachable', /pwt's tmux server \(tmux -L pwt\) does not answer.*kill-server/);
    }, 20_000);

    it('tmux-failed: tmux answered with an error', async () => {
      const error = await failure(tmux(['bogus']));
      expect(error).toBeInstanceOf(TmuxError);
      expectDoor(error, 'tmux-failed', /tmux bogus failed: unknown command: bogus\./);
    }, 20_000);
  });
});
