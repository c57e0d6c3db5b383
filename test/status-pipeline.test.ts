import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installFakeGh } from './helpers/fake-gh.js';
import { commitFile, makeProject, parseJson, type Project } from './helpers/sandbox.js';

/**
 * The fewest-process status pipeline (one for-each-ref for the counts, git
 * status loops for the changes) must report what git itself says, per
 * worktree, in the cases where its shortcut does not apply too.
 */
let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

/** What git itself says about one worktree: porcelain entries and left/right counts against the base. */
function gitTruth(p: Project, path: string, base: string) {
  const changes = p.sandbox.git(path, 'status', '--porcelain', '--untracked-files=normal').split('\n').filter(Boolean).length;
  const [behind, ahead] = p.sandbox
    .git(p.main, 'rev-list', '--left-right', '--count', `${base}...${p.sandbox.git(path, 'rev-parse', 'HEAD').trim()}`)
    .trim()
    .split(/\s+/)
    .map(Number);
  return { changes, ahead, behind };
}

describe('pwt status pipeline', () => {
  it('matches git status and rev-list for every session, whatever its state', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    const names = ['fresh', 'ahead', 'dirty', 'folder', 'upstream', 'detached', 'other', 'gone-base', 'dev-based'];
    sandbox.git(main, 'branch', 'dev');
    sandbox.git(main, 'branch', 'doomed');
    for (const name of names) {
      const base = name === 'gone-base' ? ['--base', 'doomed'] : name === 'dev-based' ? ['--base', 'dev'] : [];
      expect(sandbox.pwt(main, ['create', name, ...base]).code).toBe(0);
    }
    const at = (name: string) => join(sessionsDir, name);
    commitFile(sandbox, at('ahead'), 'a.txt', 'a\n');
    commitFile(sandbox, at('ahead'), 'b.txt', 'b\n');
    writeFileSync(join(at('dirty'), 'README.md'), 'edited\n');
    writeFileSync(join(at('dirty'), 'new.txt'), 'new\n');
    mkdirSync(join(at('folder'), 'nested'));
    writeFileSync(join(at('folder'), 'nested', 'one.txt'), '1\n');
    writeFileSync(join(at('folder'), 'nested', 'two.txt'), '2\n');
    // A branch the repository's config already tracks (as after `git push -u`): its upstream is not the base, its push side is.
    commitFile(sandbox, at('upstream'), 'u.txt', 'u\n');
    sandbox.git(main, 'config', 'branch.session/upstream.remote', 'origin');
    sandbox.git(main, 'config', 'branch.session/upstream.merge', 'refs/heads/session/upstream');
    commitFile(sandbox, at('detached'), 'd.txt', 'd\n');
    sandbox.git(at('detached'), 'checkout', '--quiet', '--detach', 'HEAD~1');
    sandbox.git(at('other'), 'checkout', '--quiet', '-b', 'elsewhere');
    commitFile(sandbox, at('other'), 'o.txt', 'o\n');
    commitFile(sandbox, at('gone-base'), 'g.txt', 'g\n');
    const doomedTip = sandbox.git(main, 'rev-parse', 'doomed').trim();
    sandbox.git(main, 'branch', '-D', 'doomed');
    commitFile(sandbox, main, 'main.txt', 'main moves\n');
    commitFile(sandbox, main, 'main2.txt', 'again\n');

    const report = parseJson(sandbox.pwt(main, ['status', '--json']).stdout);
    const byId = new Map(report.sessions.map((s: { id: string }) => [s.id, s]));
    for (const name of names) {
      const base = name === 'gone-base' ? doomedTip : name === 'dev-based' ? 'dev' : 'main';
      const truth = gitTruth(project, at(name), base);
      expect(byId.get(name), name).toMatchObject({ exists: true, dirty: truth.changes > 0, ...truth });
    }
    // The shortcut's cases are really different: otherwise this test could not fail.
    expect(byId.get('ahead')).toMatchObject({ ahead: 2, behind: 2 });
    expect(byId.get('folder')).toMatchObject({ changes: 1 });
    expect(byId.get('upstream')).toMatchObject({ ahead: 1, behind: 2 });
    expect(byId.get('detached')).toMatchObject({ ahead: 0, behind: 2 });
    expect(byId.get('other')).toMatchObject({ ahead: 1, behind: 2 });
    expect(byId.get('gone-base')).toMatchObject({ ahead: 1, behind: 0 });
    expect(byId.get('dev-based')).toMatchObject({ ahead: 0, behind: 0 });
    // Nothing was written to the repository's config.
    expect(sandbox.git(main, 'config', '--get-regexp', '^branch\\.').trim().split('\n').sort()).toEqual(
      [
        'branch.main.merge refs/heads/main',
        'branch.main.remote origin',
        'branch.session/upstream.merge refs/heads/session/upstream',
        'branch.session/upstream.remote origin',
      ].sort(),
    );
  }, 60_000);

  it("notes a nested repository among the untracked folders git lists, and nothing for pwt's own git calls", () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    expect(sandbox.pwt(main, ['create', 'nest']).code).toBe(0);
    expect(sandbox.pwt(main, ['create', 'plain']).code).toBe(0);
    const nest = join(sessionsDir, 'nest');
    sandbox.git(main, 'init', '--quiet', join(nest, 'vendor-lib'));
    sandbox.git(main, 'init', '--quiet', join(nest, 'deep', 'inner'));
    mkdirSync(join(nest, 'just-files'));
    writeFileSync(join(nest, 'just-files', 'a.txt'), 'a\n');
    mkdirSync(join(sessionsDir, 'plain', 'scratch'));
    writeFileSync(join(sessionsDir, 'plain', 'scratch', 'b.txt'), 'b\n');

    const report = parseJson(sandbox.pwt(main, ['status', '--json']).stdout);
    expect(report.sessions[0]).toMatchObject({ id: 'nest', changes: 3, notes: [{ kind: 'nested-repo', detail: 'deep/inner, vendor-lib' }] });
    expect(report.sessions[1]).toMatchObject({ id: 'plain', changes: 1, notes: [] });
  }, 60_000);

  it('many sessions: the first rows and the rest are counted apart, each row still its own', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    const ids = Array.from({ length: 24 }, (_, i) => `s${i}`);
    sandbox.sh('sh', ['-c', 'for id do git worktree add --quiet -b "session/$id" "$0/$id" main || exit 1; done', sessionsDir, ...ids], main);
    const startedAt = '2026-01-01T00:00:00.000Z';
    const sessions = ids.map((id) => ({
      id,
      branch: `session/${id}`,
      worktree: `../app-sessions/${id}`,
      startedAt,
      goals: [],
      status: 'active',
      base: 'main',
    }));
    writeFileSync(join(sessionsDir, '.manifest.json'), JSON.stringify({ version: 1, project: 'app', sessions }));
    for (const [id, commits] of [
      ['s0', 1],
      ['s9', 2],
      ['s10', 3],
      ['s23', 4],
    ] as const) {
      for (let i = 0; i < commits; i++) commitFile(sandbox, join(sessionsDir, id), `${id}-${i}.txt`, `${i}\n`);
    }
    writeFileSync(join(sessionsDir, 's17', 'untracked.txt'), 'x\n');
    commitFile(sandbox, main, 'main.txt', 'main moves\n');

    const report = parseJson(sandbox.pwt(main, ['status', '--json']).stdout);
    expect(report.sessions.map((s: { id: string }) => s.id)).toEqual(ids);
    const ahead: Record<string, number> = { s0: 1, s9: 2, s10: 3, s23: 4 };
    for (const session of report.sessions) {
      expect(session, session.id).toMatchObject({ exists: true, ahead: ahead[session.id] ?? 0, behind: 1, changes: session.id === 's17' ? 1 : 0 });
    }
    const piped = sandbox
      .pwt(main, ['status'])
      .stdout.split('\n')
      .filter((line) => /^s\d+ /.test(line));
    expect(piped.map((line) => line.split(/\s+/)[0])).toEqual(ids);
    expect(piped[23]).toMatch(/^s23\s.*clean\s+\+4\/-1/);
  }, 60_000);

  it('--all lists kept session branches without a worktree, with how far ahead of main they are', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    expect(sandbox.pwt(main, ['create', 'kept']).code).toBe(0);
    expect(sandbox.pwt(main, ['create', 'live']).code).toBe(0);
    commitFile(sandbox, join(sessionsDir, 'kept'), 'k.txt', 'k\n');
    expect(sandbox.pwt(main, ['remove', 'kept', '--strategy', 'keep']).code).toBe(0);
    // A session based on dev, which has a commit main lacks: counted against dev, its recorded base.
    sandbox.git(main, 'checkout', '--quiet', '-b', 'dev');
    commitFile(sandbox, main, 'dev.txt', 'dev\n');
    sandbox.git(main, 'checkout', '--quiet', 'main');
    expect(sandbox.pwt(main, ['create', 'on-dev', '--base', 'dev']).code).toBe(0);
    commitFile(sandbox, join(sessionsDir, 'on-dev'), 'd1.txt', '1\n');
    commitFile(sandbox, join(sessionsDir, 'on-dev'), 'd2.txt', '2\n');
    expect(sandbox.pwt(main, ['remove', 'on-dev', '--strategy', 'keep']).code).toBe(0);
    sandbox.git(main, 'branch', 'feature/not-a-session');

    expect(parseJson(sandbox.pwt(main, ['status', '--json']).stdout).kept).toBeUndefined();
    const report = parseJson(sandbox.pwt(main, ['status', '--all', '--json']).stdout);
    expect(report.kept).toEqual([
      { branch: 'session/kept', ahead: 1, base: 'main' },
      { branch: 'session/on-dev', ahead: 2, base: 'dev' },
    ]);
    expect(report.sessions.map((s: { id: string }) => s.id)).toEqual(['live']);

    const human = sandbox.pwt(main, ['status', '--all']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      /Kept branches without a worktree \(2\) - pwt open <branch> brings one back:\nBRANCH\s+BASE\s+AHEAD\nsession\/kept\s+main\s+\+1$/m,
    );
  }, 60_000);

  it('--all counts a kept branch that was pushed with its upstream set (--strategy pr) against its base, as git does', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    expect(sandbox.pwt(main, ['create', 'pushed']).code).toBe(0);
    commitFile(sandbox, join(sessionsDir, 'pushed'), 'p1.txt', '1\n');
    commitFile(sandbox, join(sessionsDir, 'pushed'), 'p2.txt', '2\n');
    const gh = installFakeGh(sandbox);
    const ended = sandbox.pwt(main, ['remove', 'pushed', '--strategy', 'pr'], gh.env);
    expect(ended.code, ended.stderr).toBe(0);
    // The branch now tracks its copy on origin (what made the count "-").
    expect(sandbox.git(main, 'config', 'branch.session/pushed.merge').trim()).toBe('refs/heads/session/pushed');
    commitFile(sandbox, main, 'main.txt', 'main moves\n');
    const [behind, ahead] = sandbox.git(main, 'rev-list', '--left-right', '--count', 'main...session/pushed').trim().split(/\s+/).map(Number);
    expect([ahead, behind]).toEqual([2, 1]);

    const report = parseJson(sandbox.pwt(main, ['status', '--all', '--json']).stdout);
    expect(report.kept).toEqual([{ branch: 'session/pushed', ahead, base: 'main' }]);
    expect(sandbox.pwt(main, ['status', '--all']).stdout).toMatch(/^session\/pushed\s+main\s+\+2$/m);
    // Nothing was written to the repository's config for the count.
    expect(sandbox.sh('git', ['config', '--get-regexp', 'pwt-counts|pushremote'], main)).toMatchObject({ code: 1, stdout: '' });
  }, 60_000);
});
