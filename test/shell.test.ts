import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, parseJson, type Project } from './helpers/sandbox.js';
import { breakCd, loadInit, report, runShell, SHELL_NAMES, strict, withPwtOnPath } from './shell-harness.js';

/**
 * pcd / pstart / pend in the real shells, rc files off: the checks are $PWD
 * and exit codes after each call, with `set -u` on and `cd` broken by an
 * alias and a function.
 */
describe.each(SHELL_NAMES)('%s integration', (shell) => {
  let project: Project;
  let env: NodeJS.ProcessEnv;
  let alpha: string;
  let tmp: string;

  beforeAll(() => {
    project = makeProject();
    // pstart's temp file goes to $TMPDIR: a folder of our own shows it is removed.
    tmp = join(project.sandbox.root, 'tmp');
    mkdirSync(tmp);
    env = { ...withPwtOnPath(project.sandbox), TMPDIR: tmp };
    for (const name of ['alpha', 'beta']) {
      const created = project.sandbox.pwt(project.main, ['create', name]);
      expect(created.code, created.stderr).toBe(0);
    }
    alpha = join(project.sessionsDir, 'alpha');
  }, 60_000);
  afterAll(() => project.sandbox.cleanup(), 60_000);

  const run = (script: string, cwd = project.main) => runShell(shell, `${strict(shell)}\n${loadInit(shell)}\n${script}`, cwd, env);

  it('pcd goes to a session, and back to the main worktree without a name', () => {
    const result = run(`pcd alpha\n${report(shell)}\npcd\n${report(shell)}`);
    expect(result.stderr).toBe('');
    expect(result.steps).toEqual([
      { rc: 0, pwd: alpha },
      { rc: 0, pwd: project.main },
    ]);
  }, 60_000);

  it('pcd works from inside a session and from a subfolder', () => {
    const result = run(`mkdir -p deep/er\nbuiltin cd deep/er\npcd beta\n${report(shell)}`, alpha);
    expect(result.steps).toEqual([{ rc: 0, pwd: join(project.sessionsDir, 'beta') }]);
  }, 60_000);

  it('pcd with an unknown name fails and stays put', () => {
    const result = run(`pcd alpha\npcd nosuch\n${report(shell)}`);
    expect(result.steps).toEqual([{ rc: 3, pwd: alpha }]);
    expect(result.stderr).toContain('No session named "nosuch"');
  }, 60_000);

  it('pcd ignores a cd alias and a cd function defined before and after loading', () => {
    const script = `${strict(shell)}\n${breakCd(shell)}\n${loadInit(shell)}\n${breakCd(shell)}\npcd alpha\n${report(shell)}\npcd\n${report(shell)}`;
    const result = runShell(shell, script, project.main, env);
    expect(result.steps).toEqual([
      { rc: 0, pwd: alpha },
      { rc: 0, pwd: project.main },
    ]);
  }, 60_000);

  it('pcd with too many arguments is a usage error and stays put', () => {
    const result = run(`pcd alpha beta\n${report(shell)}`);
    expect(result.steps).toEqual([{ rc: 2, pwd: project.main }]);
  }, 60_000);

  it('pstart creates a session with the flags given and cds into it', () => {
    const result = run(`pstart gamma --goal 'two words' --goal second\n${report(shell)}`);
    const gamma = join(project.sessionsDir, 'gamma');
    expect(result.steps).toEqual([{ rc: 0, pwd: gamma }]);
    // It is already there: no advice to go there.
    expect(result.stderr).toContain('Created session gamma');
    expect(result.stderr).not.toContain('Go there');
    const context = parseJson(project.sandbox.pwt(gamma, ['context', '--json']).stdout);
    expect(context.session.goals).toEqual(['two words', 'second']);
  }, 60_000);

  it('pstart finds the session when flags come before the name', () => {
    const result = run(`pstart --goal first delta\n${report(shell)}`);
    expect(result.steps).toEqual([{ rc: 0, pwd: join(project.sessionsDir, 'delta') }]);
  }, 60_000);

  it('pstart of an existing session fails, stays put and leaves no temp file', () => {
    const result = run(`pstart alpha\n${report(shell)}`, project.main);
    expect(result.steps).toEqual([{ rc: 3, pwd: project.main }]);
    expect(result.stderr).toMatch(/alpha/);
    expect(readdirSync(tmp)).toEqual([]);
  }, 60_000);

  it('pstart --help prints help and stays put', () => {
    const result = run(`pstart --help\n${report(shell)}`);
    expect(result.steps).toEqual([{ rc: 0, pwd: project.main }]);
    expect(result.stdout).toContain('--goal');
  }, 60_000);

  it('pend ends the session you are in (from a subfolder) and goes to the main worktree', () => {
    expect(project.sandbox.pwt(project.main, ['create', 'ending']).code).toBe(0);
    const ending = join(project.sessionsDir, 'ending');
    mkdirSync(join(ending, 'sub'));
    const result = run(`builtin cd sub\npend --dry-run\n${report(shell)}\npend\n${report(shell)}`, ending);
    expect(result.steps).toEqual([
      { rc: 0, pwd: join(ending, 'sub') },
      { rc: 0, pwd: project.main },
    ]);
    expect(existsSync(ending)).toBe(false);
    // Non-interactive default strategy: keep (the branch stays).
    expect(project.sandbox.git(project.main, 'branch', '--list', 'session/ending').trim()).toBe('session/ending');
    expect(project.sandbox.pwt(project.main, ['path', 'ending']).code).toBe(3);
  }, 60_000);

  it('pend passes remove flags through; a refusal leaves you where you were', () => {
    expect(project.sandbox.pwt(project.main, ['create', 'dirty']).code).toBe(0);
    const dirty = join(project.sessionsDir, 'dirty');
    writeFileSync(join(dirty, 'work.txt'), 'unsaved\n');
    const result = run(`pend\n${report(shell)}\npend --commit 'save work'\n${report(shell)}`, dirty);
    expect(result.steps).toEqual([
      { rc: 3, pwd: dirty },
      { rc: 0, pwd: project.main },
    ]);
    expect(project.sandbox.git(project.main, 'log', '-1', '--format=%s', 'session/dirty').trim()).toBe('save work');
  }, 60_000);

  it('pend <name> from the main worktree ends that session and stays in the main worktree', () => {
    expect(project.sandbox.pwt(project.main, ['create', 'named']).code).toBe(0);
    const result = run(`pend named --strategy abandon --yes\n${report(shell)}`);
    expect(result.steps).toEqual([{ rc: 0, pwd: project.main }]);
    expect(existsSync(join(project.sessionsDir, 'named'))).toBe(false);
    expect(project.sandbox.git(project.main, 'branch', '--list', 'session/named').trim()).toBe('');
  }, 60_000);

  it('pend outside a session says so and stays put', () => {
    const result = run(`pend\n${report(shell)}`);
    expect(result.steps).toEqual([{ rc: 3, pwd: project.main }]);
    expect(result.stderr).toContain('Not inside a pwt session');
  }, 60_000);

  it('loading the integration exports PWT_SHELL and prints nothing', () => {
    const result = run('echo "shell=$PWT_SHELL"');
    expect(result.stdout).toBe(`shell=${shell}\n`);
    expect(result.stderr).toBe('');
  }, 60_000);
});
