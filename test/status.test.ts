import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitFile, makeProject, parseJson, type Project } from './helpers/sandbox.js';

let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

const statusJson = (p: Project, cwd = p.main) => {
  const result = p.sandbox.pwt(cwd, ['status', '--json']);
  expect(result.code, result.stderr).toBe(0);
  return parseJson(result.stdout);
};

describe('pwt status', () => {
  it('without sessions prints a friendly line and exits 0', () => {
    project = makeProject();
    const result = project.sandbox.pwt(project.main, ['status']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/No sessions yet/);
    expect(statusJson(project)).toEqual({
      project: 'app',
      sessionsDir: project.sessionsDir,
      main: { path: project.main, branch: 'main', dirty: false },
      sessions: [],
      orphans: [],
    });
  }, 60_000);

  it('reports per session: dirty, changes, ahead/behind its base, age and first goal', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    expect(sandbox.pwt(main, ['create', 'busy', '--goal', 'ship the thing', '--goal', 'second']).code).toBe(0);
    expect(sandbox.pwt(main, ['create', 'quiet']).code).toBe(0);
    const busy = join(sessionsDir, 'busy');
    commitFile(sandbox, busy, 'a.txt', 'a\n');
    commitFile(sandbox, busy, 'b.txt', 'b\n');
    writeFileSync(join(busy, 'README.md'), 'edited\n');
    writeFileSync(join(busy, 'new.txt'), 'untracked\n');
    commitFile(sandbox, main, 'main.txt', 'moved on\n');
    writeFileSync(join(main, 'scratch.txt'), 'x\n');

    const report = statusJson(project);
    expect(report.main).toEqual({ path: main, branch: 'main', dirty: true });
    const [first, second] = report.sessions;
    expect(first).toMatchObject({
      id: 'busy',
      path: busy,
      exists: true,
      dirty: true,
      changes: 2,
      ahead: 2,
      behind: 1,
      activeAgent: null,
      goals: ['ship the thing', 'second'],
    });
    expect(second).toMatchObject({ id: 'quiet', exists: true, dirty: false, changes: 0, ahead: 0, behind: 1 });
    expect(report.orphans).toEqual([]);

    const human = sandbox.pwt(main, ['ls']);
    expect(human.code).toBe(0);
    const row = human.stdout.split('\n').find((line) => line.startsWith('busy'));
    // Every branch is session/<name>, so the branch column is left out.
    expect(human.stdout).toMatch(/^SESSION\s+AGE\s+CHANGES\s+AHEAD\/BEHIND\s+AGENT\s+GOAL$/m);
    expect(row).toMatch(/^busy\s+just now\s+2 changed\s+\+2\/-1\s+-\s+ship the thing$/);
    expect(human.stdout).toMatch(/main worktree: main, dirty/);
  }, 60_000);

  it('works from inside a session worktree', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    expect(sandbox.pwt(main, ['create', 'inside']).code).toBe(0);
    const report = statusJson(project, join(sessionsDir, 'inside'));
    expect(report.main.path).toBe(main);
    expect(report.sessions.map((s: { id: string }) => s.id)).toEqual(['inside']);
  }, 60_000);

  it('detects each orphan kind', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    expect(sandbox.pwt(main, ['create', 'gone']).code).toBe(0);
    rmSync(join(sessionsDir, 'gone'), { recursive: true, force: true });
    sandbox.git(main, 'worktree', 'add', '--quiet', '-b', 'session/manual', join(sessionsDir, 'manual'));
    mkdirSync(join(sessionsDir, 'stray'));
    writeFileSync(join(sessionsDir, 'stray', 'keep.txt'), 'x\n');

    const report = statusJson(project);
    const kinds = report.orphans.map((o: { kind: string; id?: string; path?: string }) => `${o.kind}:${o.id ?? o.path}`).sort();
    expect(kinds).toEqual(['missing-worktree:gone', `prunable:${join(sessionsDir, 'gone')}`, 'stray-directory:stray', 'unregistered-worktree:manual'].sort());
    expect(report.orphans.find((o: { kind: string }) => o.kind === 'unregistered-worktree').branch).toBe('session/manual');
    expect(report.sessions[0]).toMatchObject({ id: 'gone', exists: false });

    const human = sandbox.pwt(main, ['status']);
    expect(human.stdout).toMatch(/Orphans \(4\)/);
    expect(human.stdout).toMatch(/stray-directory\s+stray/);
    // Reporting changes nothing.
    expect(existsSync(join(sessionsDir, 'stray', 'keep.txt'))).toBe(true);
  }, 60_000);

  it('reads a manifest cut short without rewriting it; the next change keeps a copy, naming it', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    expect(sandbox.pwt(main, ['create', 'a', '--goal', 'kept goal']).code).toBe(0);
    expect(sandbox.pwt(main, ['create', 'b']).code).toBe(0);
    const file = join(sessionsDir, '.manifest.json');
    const whole = readFileSync(file, 'utf8');
    // Cut inside the second entry: the first is complete and keeps its goal and base.
    const cut = whole.slice(0, whole.indexOf('"id": "b"') + 4);
    writeFileSync(file, cut);
    const result = sandbox.pwt(main, ['status', '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/manifest .* is damaged \(it is not valid JSON/);
    expect(readFileSync(file, 'utf8')).toBe(cut);
    const report = parseJson(result.stdout);
    expect(report.sessions.map((s: { id: string; goals: string[]; base?: string }) => [s.id, s.goals, s.base])).toEqual([['a', ['kept goal'], 'main']]);
    // b's entry was after the cut: its worktree shows as unregistered until the next change adopts it.
    expect(report.orphans).toMatchObject([{ kind: 'unregistered-worktree', id: 'b' }]);
    const changed = sandbox.pwt(main, ['create', 'c']);
    expect(changed.code, changed.stderr).toBe(0);
    const backups = readdirSync(sessionsDir).filter((f) => f.startsWith('.manifest.json.corrupt-'));
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(/^\.manifest\.json\.corrupt-\d{8}T\d{6}Z$/);
    expect(changed.stderr).toContain(backups[0]);
    expect(readFileSync(join(sessionsDir, backups[0] as string), 'utf8')).toBe(cut);
    expect(parseJson(readFileSync(file, 'utf8')).sessions.map((s: { id: string }) => s.id)).toEqual(['a', 'b', 'c']);
  }, 60_000);

  it('treats a manifest that parses but breaks the schema as corrupt', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    expect(sandbox.pwt(main, ['create', 'a']).code).toBe(0);
    writeFileSync(join(sessionsDir, '.manifest.json'), JSON.stringify({ version: 1, project: 'app', sessions: { a: 1 } }));
    const result = sandbox.pwt(main, ['create', 'b']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/is damaged \("sessions" is not an array\)/);
    expect(
      statusJson(project)
        .sessions.map((s: { id: string }) => s.id)
        .sort(),
    ).toEqual(['a', 'b']);
  }, 60_000);

  it('never rewrites a manifest from a newer pwt (exit 3)', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    mkdirSync(sessionsDir);
    const text = JSON.stringify({ version: 2, project: 'app', sessions: [], future: true });
    writeFileSync(join(sessionsDir, '.manifest.json'), text);
    for (const args of [['status'], ['create', 'x'], ['path', 'x']]) {
      const result = sandbox.pwt(main, args);
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/version 2.*Upgrade pwt/);
    }
    expect(readFileSync(join(sessionsDir, '.manifest.json'), 'utf8')).toBe(text);
    expect(existsSync(join(sessionsDir, 'x'))).toBe(false);
  }, 60_000);
});
