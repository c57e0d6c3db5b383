import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject, type Project } from './helpers/sandbox.js';

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
});
