import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitFile, makeProject, parseJson, type Project } from './helpers/sandbox.js';
import { fingerprint, manifest } from './remove-harness.js';

let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

const branchList = (p: Project) => p.sandbox.git(p.main, 'for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads/');

describe('pwt open', () => {
  it('reopens a kept session on its branch with its goals and base, and copies the env files', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    writeFileSync(join(main, '.env'), 'SECRET=1\n');
    sandbox.pwt(main, ['create', 'kept', '--goal', 'Fix the login', '--goal', 'Add tests']);
    commitFile(sandbox, join(sessionsDir, 'kept'), 'login.txt', 'fixed\n');
    const tip = sandbox.git(main, 'rev-parse', 'session/kept').trim();
    expect(sandbox.pwt(main, ['remove', 'kept', '--strategy', 'keep']).code).toBe(0);
    expect(existsSync(join(sessionsDir, 'kept'))).toBe(false);
    const branchesBefore = branchList(project);

    const result = sandbox.pwt(main, ['open', 'kept']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Opened session kept on session/kept');
    expect(result.stderr).toContain('Goals restored (from the manifest): Fix the login; Add tests');
    const path = join(sessionsDir, 'kept');
    expect(sandbox.git(path, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('session/kept');
    expect(sandbox.git(path, 'rev-parse', 'HEAD').trim()).toBe(tip);
    expect(readFileSync(join(path, '.env'), 'utf8')).toBe('SECRET=1\n');
    expect(branchList(project)).toBe(branchesBefore);
    const entry = manifest(project).sessions.find((s: any) => s.id === 'kept');
    expect(entry).toMatchObject({
      branch: 'session/kept',
      goals: ['Fix the login', 'Add tests'],
      base: 'main',
      status: 'active',
      worktree: '../app-sessions/kept',
    });
    expect(entry.endedAt).toBeUndefined();

    // Opening it again changes nothing and says where it is.
    const before = fingerprint(project);
    const again = sandbox.pwt(main, ['open', 'kept', '--json']);
    expect(again.code).toBe(0);
    expect(parseJson(again.stdout)).toMatchObject({ id: 'kept', alreadyOpen: true, path });
    expect(fingerprint(project)).toBe(before);
  }, 60_000);

  it('opens a branch that exists only on the remote as a new local branch tracking it, fetching it first', () => {
    project = makeProject();
    const { sandbox, main, origin, root } = { ...project, root: project.sandbox.root };
    // A colleague pushes a PR branch from their own clone.
    const other = join(root, 'colleague');
    sandbox.git(root, 'clone', '--quiet', origin, other);
    sandbox.git(other, 'switch', '--quiet', '-c', 'feature/login');
    commitFile(sandbox, other, 'login.js', 'login\n');
    sandbox.git(other, 'push', '--quiet', 'origin', 'feature/login');
    const pushed = sandbox.git(other, 'rev-parse', 'HEAD').trim();

    const result = sandbox.pwt(main, ['open', 'feature/login', '--goal', 'Address review comments', '--json']);
    expect(result.code).toBe(0);
    const session = parseJson(result.stdout);
    expect(session).toMatchObject({ id: 'feature-login', branch: 'feature/login', goals: ['Address review comments'], base: 'main', alreadyOpen: false });
    expect(sandbox.git(session.path, 'rev-parse', 'HEAD').trim()).toBe(pushed);
    expect(sandbox.git(main, 'rev-parse', '--abbrev-ref', 'feature/login@{upstream}').trim()).toBe('origin/feature/login');
    expect(session.actions.map((a: any) => a.op)).toEqual(['add-worktree', 'copy-env', 'register']);
  }, 60_000);

  it('opens any local branch under its own name without creating a branch; origin/<branch> works too', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    sandbox.git(main, 'branch', 'fix-1');
    sandbox.git(main, 'push', '--quiet', 'origin', 'main:other');
    sandbox.git(main, 'fetch', '--quiet', 'origin');
    expect(sandbox.pwt(main, ['open', 'fix-1']).code).toBe(0);
    expect(sandbox.git(join(sessionsDir, 'fix-1'), 'symbolic-ref', '--short', 'HEAD').trim()).toBe('fix-1');
    const named = sandbox.pwt(main, ['open', 'origin/other', '--name', 'mine']);
    expect(named.code).toBe(0);
    expect(sandbox.git(join(sessionsDir, 'mine'), 'symbolic-ref', '--short', 'HEAD').trim()).toBe('other');
    expect(
      manifest(project)
        .sessions.map((s: any) => s.id)
        .sort(),
    ).toEqual(['fix-1', 'mine']);
  }, 60_000);

  it('restores goals from the archive of a session abandoned after it was pushed', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    sandbox.pwt(main, ['create', 'gone', '--goal', 'Archived goal']);
    commitFile(sandbox, join(sessionsDir, 'gone'), 'x.txt', 'x\n');
    sandbox.git(join(sessionsDir, 'gone'), 'push', '--quiet', 'origin', 'session/gone');
    // An abandon whose manifest history is lost (an older pwt wrote none): only the archive knows.
    expect(sandbox.pwt(main, ['remove', 'gone', '--strategy', 'abandon', '--yes']).code).toBe(0);
    const file = join(sessionsDir, '.manifest.json');
    const data = parseJson(readFileSync(file, 'utf8'));
    delete data.history;
    writeFileSync(file, JSON.stringify(data));

    const result = sandbox.pwt(main, ['open', 'gone']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Goals restored (from the archive): Archived goal');
    expect(manifest(project).sessions[0]).toMatchObject({ id: 'gone', branch: 'session/gone', goals: ['Archived goal'] });
  }, 60_000);

  it('refuses a branch checked out in the main worktree, an unknown branch and a taken name, changing nothing', () => {
    project = makeProject();
    const { sandbox, main } = project;
    sandbox.pwt(main, ['create', 'taken']);
    sandbox.git(main, 'branch', 'taken-too');
    const before = fingerprint(project);
    const checkedOut = sandbox.pwt(main, ['open', 'main']);
    expect(checkedOut.code).toBe(3);
    expect(checkedOut.stderr).toMatch(/main is already checked out in the main worktree/);
    const unknown = sandbox.pwt(main, ['open', 'no-such-branch']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/No branch "no-such-branch" here or on origin/);
    const clash = sandbox.pwt(main, ['open', 'taken-too', '--name', 'taken']);
    expect(clash.code).toBe(3);
    expect(clash.stderr).toMatch(/session named "taken" exists already/);
    expect(fingerprint(project)).toBe(before);
  }, 60_000);
});
