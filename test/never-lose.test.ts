import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installFakeGh } from './helpers/fake-gh.js';
import { CLI, NODE, commitFile, makeProject, parseJson, type Project } from './helpers/sandbox.js';
import { fingerprint, manifest, sessionIds, TmuxPwt } from './remove-harness.js';

/**
 * What agents really leave in a worktree, and proof with git itself that
 * ending the session loses none of it: every commit stays reachable from a
 * ref (`git rev-list --all`), every file is somewhere pwt said it would be.
 */
let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

function withSession(name = 'feat'): string {
  project = makeProject();
  const created = project.sandbox.pwt(project.main, ['create', name, '--goal', 'Add feature']);
  expect(created.code, created.stderr).toBe(0);
  const session = join(project.sessionsDir, name);
  commitFile(project.sandbox, session, 'feature.txt', 'feature\n', 'add feature');
  return session;
}

const git = (cwd: string, ...args: string[]) => project.sandbox.git(cwd, ...args).trim();
const pwt = (args: string[], env?: NodeJS.ProcessEnv, cwd = project.main) => project.sandbox.pwt(cwd, args, env);
/** True when a ref (any ref, archives included) still reaches the commit. */
const reachable = (commit: string) => git(project.main, 'rev-list', '--all').split('\n').includes(commit);
const archiveRefs = () => git(project.main, 'for-each-ref', '--format=%(refname)', 'refs/pwt/archive/').split('\n').filter(Boolean);

describe('a detached HEAD', () => {
  it('with a commit: keep and merge refuse naming it and change nothing; --force archives it', () => {
    const session = withSession();
    git(session, 'checkout', '--quiet', '--detach');
    commitFile(project.sandbox, session, 'detached.txt', 'only here\n', 'detached work');
    const detached = git(session, 'rev-parse', 'HEAD');
    const before = fingerprint(project);
    for (const strategy of ['keep', 'merge', 'pr']) {
      const result = pwt(['rm', 'feat', '--strategy', strategy], installFakeGh(project.sandbox).env);
      expect(result.code, `${strategy}: ${result.stderr}`).toBe(3);
      expect(result.stderr).toMatch(/HEAD is detached at .*1 commit\(s\) no branch holds.*--force/);
    }
    expect(fingerprint(project)).toBe(before);

    const forced = pwt(['rm', 'feat', '--strategy', 'keep', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/archived as refs\/pwt\/archive\/feat\//);
    expect(existsSync(session)).toBe(false);
    expect(reachable(detached)).toBe(true);
    expect(git(project.main, 'show', `${archiveRefs()[0]}^1:detached.txt`)).toBe('only here');
    expect(git(project.main, 'rev-parse', 'session/feat')).not.toBe(detached);
  }, 60_000);

  it('at the branch tip (nothing of its own): keep goes ahead and the branch stays', () => {
    const session = withSession();
    const tip = git(session, 'rev-parse', 'HEAD');
    git(session, 'checkout', '--quiet', '--detach');
    const result = pwt(['rm', 'feat', '--strategy', 'keep']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/the branch session\/feat stays/);
    expect(git(project.main, 'rev-parse', 'session/feat')).toBe(tip);
  }, 60_000);

  it('of a worktree adopted by the post-checkout hook: merge refuses (no branch), keep archives its commit', () => {
    project = makeProject();
    expect(pwt(['hooks', 'install']).code).toBe(0);
    const path = join(project.sessionsDir, 'x');
    project.sandbox.git(project.main, 'worktree', 'add', '--quiet', '--detach', path);
    expect(sessionIds(project)).toEqual(['x']);
    commitFile(project.sandbox, path, 'x.txt', 'x\n', 'work on a detached worktree');
    const commit = git(path, 'rev-parse', 'HEAD');
    const mainBefore = git(project.main, 'rev-parse', 'main');

    const merge = pwt(['rm', 'x', '--strategy', 'merge']);
    expect(merge.code).toBe(3);
    expect(merge.stderr).toMatch(/has no branch to merge.*switch -c session\/x/);
    expect(merge.stderr).not.toMatch(/Merged/);
    expect(git(project.main, 'rev-parse', 'main')).toBe(mainBefore);

    const keep = pwt(['rm', 'x', '--strategy', 'keep']);
    expect(keep.code, keep.stderr).toBe(0);
    expect(reachable(commit)).toBe(true);
    expect(existsSync(path)).toBe(false);
  }, 60_000);
});

describe('a worktree whose HEAD moved to another branch (no hooks)', () => {
  it('merge refuses and deletes nothing; the other branch and the session branch stay', () => {
    const session = withSession();
    const sessionTip = git(session, 'rev-parse', 'HEAD');
    git(session, 'switch', '--quiet', '-c', 'feature-two');
    commitFile(project.sandbox, session, 'two.txt', 'two\n', 'work on feature-two');
    const before = fingerprint(project);
    const merge = pwt(['rm', 'feat', '--strategy', 'merge']);
    expect(merge.code).toBe(3);
    expect(merge.stderr).toMatch(/has feature-two checked out, not session\/feat/);
    expect(merge.stderr).not.toMatch(/already merged|Merged/);
    expect(fingerprint(project)).toBe(before);
    expect(git(project.main, 'rev-parse', 'session/feat')).toBe(sessionTip);
  }, 60_000);

  it('status marks it (other-branch) in the table and in --json notes', () => {
    const session = withSession();
    git(session, 'switch', '--quiet', '-c', 'feature-two');
    const status = parseJson(pwt(['status', '--json']).stdout);
    expect(status.sessions[0].notes).toContainEqual({ kind: 'other-branch', detail: expect.stringContaining('feature-two') });
  }, 60_000);
});

describe('commits only the reflog holds', () => {
  it('a reset --hard away commit is archived by keep, so git still reaches it', () => {
    const session = withSession();
    commitFile(project.sandbox, session, 'oops.txt', 'dropped\n', 'to be reset away');
    const dropped = git(session, 'rev-parse', 'HEAD');
    git(session, 'reset', '--quiet', '--hard', 'HEAD~1');
    const result = pwt(['rm', 'feat', '--strategy', 'keep']);
    expect(result.code, result.stderr).toBe(0);
    expect(reachable(dropped)).toBe(true);
  }, 60_000);
});

describe('nested repositories and submodules', () => {
  it('a nested repository with commits survives abandon --force: copied with its history into .archive', () => {
    const session = withSession();
    const nested = join(session, 'vendor-lib');
    project.sandbox.git(session, 'init', '--quiet', 'vendor-lib');
    commitFile(project.sandbox, nested, 'lib.txt', 'lib\n', 'nested work');
    const nestedCommit = git(nested, 'rev-parse', 'HEAD');
    const result = pwt(['rm', 'feat', '--strategy', 'abandon', '--yes', '--force', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const copy = parseJson(result.stdout).actions.find((action: { op: string }) => action.op === 'archive-nested');
    expect(copy.paths).toEqual(['vendor-lib']);
    const kept = join(copy.to, 'vendor-lib');
    expect(git(kept, 'rev-parse', 'HEAD')).toBe(nestedCommit);
    expect(readFileSync(join(kept, 'lib.txt'), 'utf8')).toBe('lib\n');
    expect(existsSync(session)).toBe(false);
  }, 60_000);

  it('an untracked nested repository does not count as uncommitted work of the session, and keep keeps it', () => {
    const session = withSession();
    project.sandbox.git(session, 'init', '--quiet', 'scratch');
    commitFile(project.sandbox, join(session, 'scratch'), 'a.txt', 'a\n');
    expect(parseJson(pwt(['status', '--json']).stdout).sessions[0].notes).toContainEqual({ kind: 'nested-repo', detail: 'scratch' });
    const result = pwt(['rm', 'feat', '--strategy', 'keep', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const copy = parseJson(result.stdout).actions.find((action: { op: string }) => action.op === 'archive-nested');
    expect(readFileSync(join(copy.to, 'scratch', 'a.txt'), 'utf8')).toBe('a\n');
    // The session branch got no gitlink of it.
    expect(git(project.main, 'ls-tree', '-r', '--name-only', 'session/feat')).not.toMatch(/scratch/);
  }, 60_000);

  it('initialised submodules: create initialises them, keep removes the worktree, unpushed submodule commits are kept', () => {
    project = makeProject();
    const { sandbox, main } = project;
    const lib = join(sandbox.root, 'lib');
    sandbox.git(sandbox.root, 'init', '--quiet', '--initial-branch=main', lib);
    commitFile(sandbox, lib, 'lib.txt', 'lib\n');
    sandbox.git(main, '-c', 'protocol.file.allow=always', 'submodule', 'add', '--quiet', lib, 'lib');
    sandbox.git(main, 'commit', '--quiet', '-m', 'add lib');
    const created = sandbox.pwt(main, ['create', 'sub'], { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'protocol.file.allow', GIT_CONFIG_VALUE_0: 'always' });
    expect(created.code, created.stderr).toBe(0);
    const session = join(project.sessionsDir, 'sub');
    expect(readFileSync(join(session, 'lib', 'lib.txt'), 'utf8')).toBe('lib\n');
    commitFile(sandbox, join(session, 'lib'), 'more.txt', 'more\n', 'unpushed submodule work');
    const subCommit = git(join(session, 'lib'), 'rev-parse', 'HEAD');
    sandbox.git(session, 'commit', '--quiet', '-am', 'bump lib');
    const result = pwt(['rm', 'sub', '--strategy', 'keep', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(session)).toBe(false);
    const copy = parseJson(result.stdout).actions.find((action: { op: string }) => action.op === 'archive-nested');
    expect(git(join(copy.to, 'lib'), 'rev-parse', 'HEAD')).toBe(subCommit);
    expect(git(join(copy.to, 'lib'), 'status', '--porcelain')).toBe('');
  }, 60_000);
});

describe('ignored files and running processes', () => {
  it('a rotated .env (ignored, differs from main) is copied to .archive before the worktree goes', () => {
    const session = withSession();
    writeFileSync(join(project.main, '.env'), 'TOKEN=old\n');
    writeFileSync(join(session, '.env'), 'TOKEN=rotated\n');
    writeFileSync(join(session, '.env.local'), 'LOCAL=1\n');
    const result = pwt(['rm', 'feat', '--strategy', 'keep', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const copy = parseJson(result.stdout).actions.find((action: { op: string }) => action.op === 'archive-ignored');
    expect(copy.files).toEqual(['.env', '.env.local']);
    expect(readFileSync(join(copy.to, '.env'), 'utf8')).toBe('TOKEN=rotated\n');
  }, 60_000);

  it('a process running inside the worktree blocks removal (exit 3 naming it) until --force', async () => {
    const session = withSession();
    const server = spawn('sleep', ['600'], { cwd: session, stdio: 'ignore' });
    try {
      const before = fingerprint(project);
      const refused = pwt(['rm', 'feat']);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(new RegExp(`process\\(es\\) still run inside .*${server.pid} sleep 600.*--force`));
      expect(fingerprint(project)).toBe(before);
      const status = parseJson(pwt(['status', '--json']).stdout);
      expect(status.sessions[0].notes).toContainEqual({ kind: 'processes-running', detail: expect.stringContaining(`${server.pid} sleep 600`) });
      const forced = pwt(['rm', 'feat', '--force']);
      expect(forced.code, forced.stderr).toBe(0);
      expect(git(project.main, 'rev-parse', 'session/feat')).toBeTruthy();
    } finally {
      server.kill();
    }
  }, 60_000);

  it('a locked worktree is refused until --force, and dry-run shows the inventory', () => {
    const session = withSession();
    project.sandbox.git(project.main, 'worktree', 'lock', '--reason', 'agent busy', session);
    const dry = pwt(['rm', 'feat', '--dry-run', '--force', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(parseJson(dry.stdout).inventory).toContain('the worktree is locked (agent busy)');
    const refused = pwt(['rm', 'feat']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/is locked \(agent busy\).*git worktree unlock/);
    expect(parseJson(pwt(['status', '--json']).stdout).sessions[0].notes).toContainEqual({ kind: 'locked', detail: 'git worktree lock: agent busy' });
    const forced = pwt(['rm', 'feat', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(existsSync(session)).toBe(false);
    expect(manifest(project).sessions).toEqual([]);
  }, 60_000);

  it('a rebase in progress is refused for keep, and abandon archives it', () => {
    const session = withSession();
    commitFile(project.sandbox, project.main, 'feature.txt', 'main side\n', 'conflicting change on main');
    const rebase = project.sandbox.sh('git', ['rebase', 'main'], session);
    expect(rebase.code).not.toBe(0);
    const keep = pwt(['rm', 'feat']);
    expect(keep.code).toBe(3);
    expect(keep.stderr).toMatch(/A rebase is in progress/);
    expect(parseJson(pwt(['status', '--json']).stdout).sessions[0].notes.map((note: { kind: string }) => note.kind)).toContain('operation-in-progress');
    const rebasing = git(session, 'rev-parse', 'HEAD');
    const abandon = pwt(['rm', 'feat', '--strategy', 'abandon', '--yes', '--force']);
    expect(abandon.code, abandon.stderr).toBe(0);
    const [ref] = archiveRefs();
    // The half-done rebase (HEAD), the branch tip and the conflicted files are all in the archive.
    expect(git(project.main, 'rev-parse', `${ref}^1`)).toBe(rebasing);
    expect(reachable(git(project.main, 'rev-parse', `${ref}^2`))).toBe(true);
    expect(git(project.main, 'show', `${ref}:feature.txt`)).toMatch(/<<<<<<<[\s\S]*main side[\s\S]*feature/);
  }, 60_000);
});

describe('creating again where a session was', () => {
  it('after keep, create with the same name never advises git branch -D for a branch with unmerged commits', () => {
    withSession();
    expect(pwt(['rm', 'feat', '--strategy', 'keep']).code).toBe(0);
    const again = pwt(['create', 'feat']);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/The branch session\/feat already exists.*1 commit\(s\) no other branch holds.*pwt open feat/);
    expect(again.stderr).not.toMatch(/branch -D/);
  }, 60_000);

  it('a create killed after git worktree add: the retry says it was interrupted and that pwt cleanup adopts it', () => {
    project = makeProject();
    const path = join(project.sessionsDir, 'half');
    project.sandbox.git(project.main, 'worktree', 'add', '--quiet', '-b', 'session/half', path);
    const again = pwt(['create', 'half']);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/A previous pwt create half was interrupted.*pwt cleanup adopts it/);
    expect(again.stderr).not.toMatch(/branch -D/);
  }, 60_000);

  it('a lock left by a killed create is taken over at once; a live one is waited for, saying so', () => {
    project = makeProject();
    mkdirSync(project.sessionsDir, { recursive: true });
    const lock = join(project.sessionsDir, '.worktree-add.lock');
    const dead = spawnSync('true').pid as number;
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), `${dead}\n`);
    const started = Date.now();
    const created = pwt(['create', 'after-kill']);
    expect(created.code, created.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(existsSync(lock)).toBe(false);

    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), `${process.pid}\n`);
    const waiting = pwt(['create', 'waits'], { PWT_LOCK_TIMEOUT_MS: '1000' });
    expect(waiting.code).toBe(3);
    expect(waiting.stderr).toMatch(/Waiting for git worktree add: .*held by another pwt \(pid \d+\)/);
    expect(existsSync(join(project.sessionsDir, 'waits'))).toBe(false);
  }, 60_000);
});

describe('base protection from inside a session', () => {
  it('refuses git push origin HEAD:main and <sha>:main from a session; the main worktree still pushes main', () => {
    const session = withSession();
    expect(pwt(['hooks', 'install']).code).toBe(0);
    const originMain = git(project.origin, 'rev-parse', 'refs/heads/main');
    for (const source of ['HEAD', git(session, 'rev-parse', 'HEAD')]) {
      const pushed = project.sandbox.sh('git', ['push', 'origin', `${source}:main`], session);
      expect(pushed.code, source).not.toBe(0);
      expect(pushed.stderr).toMatch(/Refusing to push .* to main on origin: main is the base of session feat/);
    }
    expect(git(project.origin, 'rev-parse', 'refs/heads/main')).toBe(originMain);
    commitFile(project.sandbox, project.main, 'main.txt', 'main\n');
    expect(project.sandbox.sh('git', ['push', '--quiet', 'origin', 'main'], project.main).code).toBe(0);
  }, 60_000);
});

describe('bases are stored as meant', () => {
  it('--base HEAD~1, --base origin/main and a detached main worktree all store the branch main plus the commit', () => {
    project = makeProject();
    const { sandbox, main } = project;
    commitFile(sandbox, main, 'two.txt', 'two\n');
    const first = git(main, 'rev-parse', 'HEAD~1');
    expect(pwt(['create', 'older', '--base', 'HEAD~1']).code).toBe(0);
    expect(pwt(['create', 'remote', '--base', 'origin/main']).code).toBe(0);
    sandbox.git(main, 'checkout', '--quiet', '--detach');
    expect(pwt(['create', 'detached']).code).toBe(0);
    const sessions = manifest(project).sessions;
    expect(sessions.map((each: { id: string; base: string; baseCommit: string }) => [each.id, each.base, each.baseCommit])).toEqual([
      ['older', 'main', first],
      ['remote', 'main', git(main, 'rev-parse', 'origin/main')],
      ['detached', 'main', git(main, 'rev-parse', 'HEAD')],
    ]);
  }, 60_000);

  it('a base branch deleted later shows as base-gone in status', () => {
    project = makeProject();
    project.sandbox.git(project.main, 'branch', 'doomed');
    expect(pwt(['create', 'x', '--base', 'doomed']).code).toBe(0);
    project.sandbox.git(project.main, 'branch', '-D', 'doomed');
    expect(parseJson(pwt(['status', '--json']).stdout).sessions[0].notes).toContainEqual({
      kind: 'base-gone',
      detail: 'the base branch doomed no longer exists',
    });
  }, 60_000);
});

describe('refusals before anything changes', () => {
  it('pr for a session with no commits beyond its base: exit 3, nothing pushed, gh never asked to create', () => {
    project = makeProject();
    expect(pwt(['create', 'empty']).code).toBe(0);
    const gh = installFakeGh(project.sandbox);
    const before = fingerprint(project);
    const result = pwt(['rm', 'empty', '--strategy', 'pr'], gh.env);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/session\/empty has no commits beyond main: a pull request would be empty/);
    expect(gh.calls().some((call) => call[0] === 'pr')).toBe(false);
    expect(fingerprint(project)).toBe(before);
  }, 60_000);

  it('a committed .pwt.json with envFiles ["../x"] is refused, naming the field', () => {
    project = makeProject();
    writeFileSync(join(project.main, '.pwt.json'), JSON.stringify({ envFiles: ['../x'] }));
    const result = pwt(['create', 'x']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/"envFiles" has "\.\.\/x", which points outside the repository/);
  }, 60_000);
});

describe('environment problems are one line and exit 3', () => {
  it('after pwt remove from inside the session, pwt path, pcd (no name) and pwt status still work', () => {
    const session = withSession();
    const script = `cd '${session}' && "$0" "$1" rm feat >/dev/null 2>&1; echo "rm=$?"; "$0" "$1" path; echo "path=$?"; "$0" "$1" status --json >/dev/null; echo "status=$?"`;
    const result = project.sandbox.sh('sh', ['-c', script, NODE, CLI], project.main);
    expect(result.stderr).not.toMatch(/uv_cwd|unexpected error/);
    expect(result.stdout).toBe(`rm=0\n${project.main}\npath=0\nstatus=0\n`);
    const bin = join(project.sandbox.root, 'bin');
    mkdirSync(bin);
    // As npm installs it: a link to the CLI (a sh wrapper would forget $PWD in a deleted folder).
    symlinkSync(CLI, join(bin, 'pwt'));
    const flow = `eval "$(pwt shell-init bash)"; pwt create tmp >/dev/null 2>&1; pcd tmp && pwt rm tmp >/dev/null 2>&1; pcd; pwd`;
    const pcd = project.sandbox.sh('bash', ['--norc', '--noprofile', '-c', flow], project.main, { PATH: `${bin}:${project.sandbox.env.PATH}` });
    expect(pcd.stdout.trim().split('\n').pop()).toBe(project.main);
  }, 60_000);

  it('a sessions dir that is a file: create and status exit 3 with one line, no stack', () => {
    project = makeProject();
    const file = join(project.sandbox.root, 'not-a-dir');
    writeFileSync(file, 'x');
    for (const args of [['create', 'x'], ['status']]) {
      const result = pwt(args, { PWT_SESSIONS_DIR: file });
      expect(result.code, args.join(' ')).toBe(3);
      expect(result.stderr).not.toMatch(/unexpected error|    at /);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  }, 60_000);
});

describe('a damaged manifest', () => {
  it('one wrong-typed field sets aside only that entry, by name; the others keep goals and bases; status rewrites nothing', () => {
    project = makeProject();
    for (const name of ['a', 'b', 'c']) expect(pwt(['create', name, '--goal', `goal ${name}`]).code).toBe(0);
    const file = join(project.sessionsDir, '.manifest.json');
    const data = parseJson(readFileSync(file, 'utf8'));
    data.sessions[1].goals = 'not a list';
    const text = JSON.stringify(data, null, 2);
    writeFileSync(file, text);
    const status = pwt(['status', '--json']);
    expect(status.code).toBe(0);
    expect(status.stderr).toMatch(/unusable entries: "b": sessions\[1\]\.goals is not an array of strings/);
    expect(readFileSync(file, 'utf8')).toBe(text);
    const rows = parseJson(status.stdout).sessions;
    expect(
      rows.map((row: { id: string; goals: string[]; base: string; baseCommit: string }) => [row.id, row.goals, row.base, Boolean(row.baseCommit)]),
    ).toEqual([
      ['a', ['goal a'], 'main', true],
      ['c', ['goal c'], 'main', true],
    ]);
    // The next change keeps b under setAside (and a copy of the file), where the user can fix it and move it back.
    const created = pwt(['create', 'd']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toMatch(/under "setAside" in the manifest/);
    const after = parseJson(readFileSync(file, 'utf8'));
    expect(after.sessions.map((s: { id: string }) => s.id)).toEqual(['a', 'c', 'd']);
    expect(after.setAside).toMatchObject([{ entry: { id: 'b', goals: 'not a list' }, reason: expect.stringContaining('"b"') }]);
  }, 60_000);
});

describe('one pwt per session', () => {
  it('remove, restore and cleanup refuse while another pwt holds the session, changing nothing', () => {
    withSession();
    const locks = join(project.sessionsDir, '.pwt', 'locks');
    mkdirSync(join(locks, 'feat.lock'), { recursive: true });
    // This test process stands for the other pwt: alive, so its lock is not taken over.
    writeFileSync(join(locks, 'feat.lock', 'pid'), `${process.pid}\n`);
    const before = fingerprint(project);
    const removed = pwt(['rm', 'feat', '--strategy', 'keep']);
    expect(removed.code).toBe(3);
    expect(removed.stderr).toMatch(/Another pwt is working on session feat right now/);
    expect(pwt(['restore', 'feat']).stderr).toMatch(/Another pwt is working on session feat/);
    expect(fingerprint(project)).toBe(before);
  }, 60_000);
});

describe('cleanup removing an unregistered worktree (at a terminal)', () => {
  it('archives a detached commit and a differing ignored file, like pwt remove', async () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    const path = join(sessionsDir, 'handmade');
    sandbox.git(main, 'worktree', 'add', '-q', '--detach', path);
    commitFile(sandbox, path, 'hand.txt', 'committed\n', 'detached, on no branch');
    const commit = git(path, 'rev-parse', 'HEAD');
    writeFileSync(join(path, '.env'), 'SECRET=only-here\n');
    const term = new TmuxPwt(sandbox, main, ['cleanup']);
    try {
      await term.waitFor(/Unregistered worktree .*handmade \(detached\):[\s\S]*● adopt/);
      term.keys(['Down']);
      await term.waitFor(/● remove/);
      term.keys(['Enter']);
      const { code, screen } = await term.exit();
      expect(code, screen).toBe(0);
    } finally {
      term.kill();
    }
    expect(existsSync(path)).toBe(false);
    expect(reachable(commit)).toBe(true);
    const [ref] = archiveRefs();
    const stamp = (ref as string).split('/').pop() as string;
    expect(readFileSync(join(sessionsDir, '.archive', 'handmade', stamp, 'ignored', '.env'), 'utf8')).toBe('SECRET=only-here\n');
  }, 60_000);
});
