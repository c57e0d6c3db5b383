import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitFile, makeProject, type Project } from './helpers/sandbox.js';

let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

describe('pwt diff', () => {
  it("shows committed, uncommitted and untracked changes against the base, not the base's later commits, and leaves the index alone", () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    sandbox.pwt(main, ['create', 'd']);
    const session = join(sessionsDir, 'd');
    commitFile(sandbox, session, 'committed.txt', 'committed\n');
    writeFileSync(join(session, 'README.md'), '# app\nedited\n');
    writeFileSync(join(session, 'untracked.txt'), 'new\n');
    commitFile(sandbox, main, 'later-on-main.txt', 'main\n');
    const statusBefore = sandbox.git(session, 'status', '--porcelain');

    const result = sandbox.pwt(main, ['diff', 'd']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('+++ b/committed.txt');
    expect(result.stdout).toContain('+edited');
    expect(result.stdout).toContain('+++ b/untracked.txt');
    expect(result.stdout).not.toContain('later-on-main.txt');
    expect(result.stdout).not.toMatch(/\u001B\[/);
    expect(sandbox.git(session, 'status', '--porcelain')).toBe(statusBefore);

    const stat = sandbox.pwt(session, ['diff', '--stat']);
    expect(stat.code).toBe(0);
    expect(stat.stdout).toMatch(/committed\.txt \| 1 \+/);
    expect(stat.stdout).toMatch(/3 files changed, 3 insertions\(\+\)/);
  }, 60_000);

  it('says so on stderr when there is nothing, and needs a name outside a session', () => {
    project = makeProject();
    const { sandbox, main } = project;
    sandbox.pwt(main, ['create', 'empty']);
    const result = sandbox.pwt(main, ['diff', 'empty']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/no changes against main/);
    expect(sandbox.pwt(main, ['diff']).code).toBe(2);
    expect(sandbox.pwt(main, ['diff', 'missing']).code).toBe(3);
  }, 60_000);
});
