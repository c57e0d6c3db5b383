import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitFile, makeProject, parseJson, type Project } from './helpers/sandbox.js';

let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

const manifestOf = (p: Project) => parseJson(readFileSync(join(p.sessionsDir, '.manifest.json'), 'utf8'));
const branches = (p: Project) => p.sandbox.git(p.main, 'branch', '--format=%(refname:short)').trim().split('\n');

describe('pwt create', () => {
  it('makes a worktree on session/<name>, registers it and says how to go there', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    const result = sandbox.pwt(main, ['create', 'feat-a', '--goal', 'first goal', '--goal', 'second goal']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(join(sessionsDir, 'feat-a'));
    expect(result.stderr).toContain('pcd feat-a');
    expect(sandbox.git(join(sessionsDir, 'feat-a'), 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('session/feat-a');
    const manifest = manifestOf(project);
    expect(manifest).toMatchObject({ version: 1, project: 'app' });
    expect(manifest.sessions).toHaveLength(1);
    expect(manifest.sessions[0]).toMatchObject({
      id: 'feat-a',
      branch: 'session/feat-a',
      worktree: '../app-sessions/feat-a',
      goals: ['first goal', 'second goal'],
      status: 'active',
      base: 'main',
      baseCommit: sandbox.git(main, 'rev-parse', 'HEAD').trim(),
    });
    expect(Date.parse(manifest.sessions[0].startedAt)).not.toBeNaN();
  }, 60_000);

  it('--json prints the session object with its absolute path and nothing else', () => {
    project = makeProject();
    const result = project.sandbox.pwt(project.main, ['create', 'j1', '--json']);
    expect(result.code).toBe(0);
    const session = parseJson(result.stdout);
    expect(session).toMatchObject({ id: 'j1', branch: 'session/j1', path: join(project.sessionsDir, 'j1'), goals: [] });
  }, 60_000);

  it('--base starts from another branch and records it', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    sandbox.git(main, 'branch', 'develop');
    sandbox.git(main, 'checkout', '--quiet', 'develop');
    commitFile(sandbox, main, 'dev.txt', 'dev\n');
    sandbox.git(main, 'checkout', '--quiet', 'main');
    expect(sandbox.pwt(main, ['create', 'from-dev', '--base', 'develop']).code).toBe(0);
    expect(existsSync(join(sessionsDir, 'from-dev', 'dev.txt'))).toBe(true);
    expect(manifestOf(project).sessions[0].base).toBe('develop');
    const bad = sandbox.pwt(main, ['create', 'x', '--base', 'no-such-ref']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/does not name a commit/);
    expect(existsSync(join(sessionsDir, 'x'))).toBe(false);
  }, 60_000);

  it('copies env files keeping their mode, lists them, and never overwrites', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    writeFileSync(join(main, '.env'), 'SECRET=1\n');
    chmodSync(join(main, '.env'), 0o600);
    writeFileSync(join(main, '.env.local'), 'LOCAL=1\n');
    // A tracked .env.development.local in the base: the session's own copy must win.
    writeFileSync(join(main, '.env.development.local'), 'TRACKED=1\n');
    sandbox.git(main, 'add', '-f', '.env.development.local');
    sandbox.git(main, 'commit', '--quiet', '-m', 'tracked env');
    writeFileSync(join(main, '.env.development.local'), 'TRACKED=1\n');
    const result = sandbox.pwt(main, ['create', 'envs']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Copied env files: \.env, \.env\.local/);
    expect(result.stderr).toMatch(/Kept the session's own: \.env\.development\.local/);
    const copied = join(sessionsDir, 'envs', '.env');
    expect(readFileSync(copied, 'utf8')).toBe('SECRET=1\n');
    expect(statSync(copied).mode & 0o777).toBe(0o600);
    expect(sandbox.pwt(main, ['create', 'noenv', '--no-env']).code).toBe(0);
    expect(existsSync(join(sessionsDir, 'noenv', '.env'))).toBe(false);
  }, 60_000);

  describe('refuses bad names with exit 2 and creates nothing', () => {
    const names: [string, string[]][] = [
      ['spaces', ['create', 'has space']],
      ['..', ['create', 'a..b']],
      ['leading dash (as an option)', ['create', '-x']],
      ['leading dash (after --)', ['create', '--', '-x']],
      ['slash', ['create', 'a/b']],
      ['.lock', ['create', 'topic.lock']],
      ['65 characters', ['create', 'a'.repeat(65)]],
      ['command substitution', ['create', '$(touch pwned)']],
      ['backticks', ['create', '`touch pwned2`']],
      ['semicolon', ['create', 'x;touch pwned3']],
    ];
    for (const [what, args] of names) {
      it(
        what,
        () => {
          project = makeProject();
          const { sandbox, main, sessionsDir, root } = { ...project, root: project.sandbox.root };
          const before = branches(project);
          const result = sandbox.pwt(main, args);
          expect(result.code).toBe(2);
          expect(result.stderr.trim().split('\n')).toHaveLength(1);
          expect(result.stderr).toMatch(/^pwt: (Invalid session name|Unknown option)/);
          expect(branches(project)).toEqual(before);
          expect(existsSync(sessionsDir)).toBe(false);
          for (const dir of [root, main, project.sandbox.home]) expect(readdirSync(dir).filter((f) => f.startsWith('pwned'))).toEqual([]);
        },
        60_000,
      );
    }
  });

  it('needs a git repository', () => {
    project = makeProject();
    const outside = join(project.sandbox.root, 'plain');
    mkdirSync(outside);
    const result = project.sandbox.pwt(outside, ['create', 'x']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/Not inside a git repository/);
  }, 60_000);

  it('runs only from the main worktree', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    expect(sandbox.pwt(main, ['create', 'one']).code).toBe(0);
    const result = sandbox.pwt(join(sessionsDir, 'one'), ['create', 'two']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/not the main worktree/);
    expect(result.stderr).toContain(main);
  }, 60_000);

  it('refuses a duplicate session, branch or folder with exit 3', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    expect(sandbox.pwt(main, ['create', 'dup']).code).toBe(0);
    const again = sandbox.pwt(main, ['create', 'dup']);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/already exists/);

    sandbox.git(main, 'branch', 'session/taken');
    const branch = sandbox.pwt(main, ['create', 'taken']);
    expect(branch.code).toBe(3);
    expect(branch.stderr).toMatch(/branch session\/taken already exists/);

    mkdirSync(join(sessionsDir, 'folder'));
    writeFileSync(join(sessionsDir, 'folder', 'notes.txt'), 'mine\n');
    const folder = sandbox.pwt(main, ['create', 'folder']);
    expect(folder.code).toBe(3);
    expect(folder.stderr).toMatch(/folder .* already exists/);
    expect(readFileSync(join(sessionsDir, 'folder', 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(manifestOf(project).sessions.map((s: { id: string }) => s.id)).toEqual(['dup']);
  }, 60_000);

  it('refuses a dirty main worktree unless --allow-dirty', () => {
    project = makeProject();
    const { sandbox, main } = project;
    writeFileSync(join(main, 'README.md'), '# changed\n');
    const dirty = sandbox.pwt(main, ['create', 'd']);
    expect(dirty.code).toBe(3);
    expect(dirty.stderr).toMatch(/uncommitted change.*--allow-dirty/);
    expect(sandbox.pwt(main, ['create', 'd', '--allow-dirty']).code).toBe(0);
    expect(readFileSync(join(main, 'README.md'), 'utf8')).toBe('# changed\n');
  }, 60_000);

  it('rolls back the worktree and branch when the manifest write fails', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    expect(sandbox.pwt(main, ['create', 'keep', '--goal', 'g']).code).toBe(0);
    const before = readFileSync(join(sessionsDir, '.manifest.json'), 'utf8');
    const result = sandbox.pwt(main, ['create', 'doomed'], { PWT_FAULT: 'manifest-write' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Injected failure/);
    expect(existsSync(join(sessionsDir, 'doomed'))).toBe(false);
    expect(branches(project)).not.toContain('session/doomed');
    expect(sandbox.git(main, 'worktree', 'list', '--porcelain')).not.toContain('doomed');
    expect(readFileSync(join(sessionsDir, '.manifest.json'), 'utf8')).toBe(before);
    expect(readdirSync(sessionsDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);

  it('keeps manifest fields it does not know', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    expect(sandbox.pwt(main, ['create', 'a']).code).toBe(0);
    const file = join(sessionsDir, '.manifest.json');
    const manifest = manifestOf(project);
    manifest.teamNote = { keep: true };
    manifest.sessions[0].customField = [1, 2];
    writeFileSync(file, JSON.stringify(manifest));
    expect(sandbox.pwt(main, ['create', 'b']).code).toBe(0);
    const after = manifestOf(project);
    expect(after.teamNote).toEqual({ keep: true });
    expect(after.sessions[0].customField).toEqual([1, 2]);
    expect(after.sessions).toHaveLength(2);
  }, 60_000);

  it('answers --help and rejects unknown flags with exit 2', () => {
    project = makeProject();
    const help = project.sandbox.pwt(project.main, ['create', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--allow-dirty/);
    const unknown = project.sandbox.pwt(project.main, ['create', 'x', '--frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option --frobnicate/);
    const missing = project.sandbox.pwt(project.main, ['create']);
    expect(missing.code).toBe(2);
  }, 60_000);
});
