import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installFakeGh } from './helpers/fake-gh.js';
import { commitFile, makeProject, parseJson, type Project } from './helpers/sandbox.js';
import { fingerprint, manifest, sessionIds } from './remove-harness.js';

/**
 * What agents really leave in a worktree, and proof with git itself that
 * ending the session loses none of it: every commit stays reachable from a
 * ref (`git rev-list --all`), every file is somewhere pwt said it would be.
 */
let project: Project;
afterEach(() => project?.sandbox.cleanup());

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
  });

  it('at the branch tip (nothing of its own): keep goes ahead and the branch stays', () => {
    const session = withSession();
    const tip = git(session, 'rev-parse', 'HEAD');
    git(session, 'checkout', '--quiet', '--detach');
    const result = pwt(['rm', 'feat', '--strategy', 'keep']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/the branch session\/feat stays/);
    expect(git(project.main, 'rev-parse', 'session/feat')).toBe(tip);
  });

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
  });
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
  });

  it('status marks it (other-branch) in the table and in --json notes', () => {
    const session = withSession();
    git(session, 'switch', '--quiet', '-c', 'feature-two');
    const status = parseJson(pwt(['status', '--json']).stdout);
    expect(status.sessions[0].notes).toContainEqual({ kind: 'other-branch', detail: expect.stringContaining('feature-two') });
  });
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
  });
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
  });

  it('an untracked nested repository does not count as uncommitted work of the session, and keep keeps it', () => {
    const session = withSession();
    project.sandbox.git(session, 'init', '--quiet', 'scratch');
    commitFile(project.sandbox, join(session, 'scratch'), 'a.txt', 'a\n');
    const result = pwt(['rm', 'feat', '--strategy', 'keep', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const copy = parseJson(result.stdout).actions.find((action: { op: string }) => action.op === 'archive-nested');
    expect(readFileSync(join(copy.to, 'scratch', 'a.txt'), 'utf8')).toBe('a\n');
    // The session branch got no gitlink of it.
    expect(git(project.main, 'ls-tree', '-r', '--name-only', 'session/feat')).not.toMatch(/scratch/);
  });

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
  });
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
  });

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
  });

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
  });
});
