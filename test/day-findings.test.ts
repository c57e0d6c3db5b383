import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { CLI, NODE, commitFile, makeProject, type Project } from './helpers/sandbox.js';

/** Smaller findings of a day on a real project: the shell tip, hints that keep flags, the pre-merge excerpt. */
let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

const git = (cwd: string, ...args: string[]) => project.sandbox.git(cwd, ...args).trim();

describe('a day on a real project', () => {
  it('the shell-integration tip is not shown once the rc file loads pwt', () => {
    project = makeProject();
    const shell = { SHELL: '/bin/bash' };
    const first = project.sandbox.pwt(project.main, ['create', 's1'], shell);
    expect(first.stderr).toMatch(/Tip: `eval "\$\(pwt shell-init bash\)"`/);
    expect(project.sandbox.pwt(project.main, ['shell-init', '--install', 'bash'], shell).code).toBe(0);
    const second = project.sandbox.pwt(project.main, ['create', 's2'], shell);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toMatch(/Tip:/);
    expect(project.sandbox.pwt(project.main, ['remove', 's2', '--strategy', 'keep'], shell).stderr).not.toMatch(/Tip:/);
  }, 60_000);

  it('hints keep --squash: a conflicting squash merge says to run it again with --squash, and so does its dry run', () => {
    project = makeProject();
    expect(project.sandbox.pwt(project.main, ['create', 'feat']).code).toBe(0);
    const session = join(project.sessionsDir, 'feat');
    commitFile(project.sandbox, session, 'README.md', 'session version\n');
    commitFile(project.sandbox, project.main, 'README.md', 'main version\n');
    const dry = project.sandbox.pwt(project.main, ['remove', 'feat', '--strategy', 'merge', '--squash', '--dry-run']);
    expect(`${dry.stdout}${dry.stderr}`).toMatch(/pwt remove feat --strategy merge --squash/);
    const refused = project.sandbox.pwt(project.main, ['remove', 'feat', '--strategy', 'merge', '--squash']);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/then pwt remove feat --strategy merge --squash\./);
    expect(git(project.main, 'branch', '--list', 'session/feat')).toContain('session/feat');
  }, 60_000);

  it("the pre-merge failure excerpt shows the test runner's summary lines, not only a stack trace's tail", () => {
    project = makeProject();
    const runner = [
      'echo "ok 1 - parses"',
      'echo "Tests: 2 failed, 10 passed, 12 total"',
      'echo "FAIL test/router.test.js"',
      'i=0; while [ $i -lt 40 ]; do echo "    at Object.<anonymous> (node_modules/runner/index.js:$i:7)"; i=$((i+1)); done',
      'exit 1',
    ].join('; ');
    commitFile(project.sandbox, project.main, '.pwt.json', JSON.stringify({ hooks: { 'pre-merge': runner } }), 'hooks');
    expect(project.sandbox.pwt(project.main, ['create', 'feat', '--trust-hooks']).code).toBe(0);
    commitFile(project.sandbox, join(project.sessionsDir, 'feat'), 'feature.txt', 'feature\n');
    const mainTip = git(project.main, 'rev-parse', 'main');
    const failed = project.sandbox.pwt(project.main, ['remove', 'feat', '--strategy', 'merge']);
    expect(failed.code).toBe(3);
    const hint = failed.stderr.slice(failed.stderr.indexOf('Its last lines'));
    expect(hint).toMatch(/\| Tests: 2 failed, 10 passed, 12 total\n\s+\| FAIL test\/router\.test\.js\n\s+\| \.\.\.\n/);
    expect(hint).toMatch(/index\.js:39:7/);
    expect(hint).not.toMatch(/ok 1 - parses/);
    expect(git(project.main, 'rev-parse', 'main')).toBe(mainTip);
  }, 60_000);
});

describe('processes inside a session', () => {
  it('pwt remove s --dry-run | head from inside the session does not count head as a process inside', () => {
    project = makeProject();
    expect(project.sandbox.pwt(project.main, ['create', 's']).code).toBe(0);
    const session = join(project.sessionsDir, 's');
    // `sleep` stands for a real process inside (a dev server); `head` is pwt's own pipeline.
    const script = `sleep 30 & sleeper=$!; "$0" "$1" remove s --strategy keep --dry-run 2>&1 | head -40; kill $sleeper`;
    const result = project.sandbox.sh('bash', ['-c', script, NODE, CLI], session);
    expect(result.stdout).toMatch(/sleep 30/);
    expect(result.stdout).not.toMatch(/\bhead -40\b/);
  }, 60_000);
});
