import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installFakeGh } from './helpers/fake-gh.js';
import { commitFile, makeProject, type Project } from './helpers/sandbox.js';

/** `--strategy pr` after a run that recorded a PR (interrupted after gh pr create): gh is asked whether it is still open. */
let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

const RECORDED = 'https://github.com/example/app/pull/7';

function sessionWithRecordedPr(): void {
  project = makeProject();
  expect(project.sandbox.pwt(project.main, ['create', 's']).code).toBe(0);
  commitFile(project.sandbox, join(project.sessionsDir, 's'), 'work.txt', 'work\n');
  const file = join(project.sessionsDir, '.manifest.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  manifest.sessions[0].pr = RECORDED;
  writeFileSync(file, JSON.stringify(manifest, null, 2));
}

describe('pr with a recorded pull request', () => {
  it('a second --strategy pr asks gh for the recorded PR\'s state; open: reused, said once, never "Opened"', () => {
    sessionWithRecordedPr();
    const gh = installFakeGh(project.sandbox);
    const result = project.sandbox.pwt(project.main, ['remove', 's', '--strategy', 'pr'], { ...gh.env, FAKE_GH_PR_STATE: 'OPEN' });
    expect(result.code, result.stderr).toBe(0);
    expect(gh.calls()).toContainEqual(['pr', 'view', RECORDED, '--json', 'state', '--jq', '.state']);
    expect(gh.calls().some((call) => call[0] === 'pr' && call[1] === 'create')).toBe(false);
    expect(result.stderr).toContain(`already open: ${RECORDED}`);
    expect(result.stderr).not.toMatch(/Opened/);
    expect(result.stderr).toMatch(/Pushed session\/s to its open pull request/);
    expect(project.sandbox.git(project.origin, 'branch', '--list', 'session/s')).toContain('session/s');
  }, 60_000);

  it('a recorded PR that gh says is merged (or closed) is not reused: a new one is opened, and pwt says why', () => {
    sessionWithRecordedPr();
    const gh = installFakeGh(project.sandbox);
    const result = project.sandbox.pwt(project.main, ['remove', 's', '--strategy', 'pr'], { ...gh.env, FAKE_GH_PR_STATE: 'MERGED' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`(${RECORDED}) is merged: opening a new one`);
    expect(gh.calls().filter((call) => call[0] === 'pr' && call[1] === 'create')).toHaveLength(1);
    expect(result.stderr).toMatch(/Opened https:\/\/github\.com\/example\/app\/pull\/1 /);
    expect(result.stderr).not.toMatch(/already open/);
  }, 60_000);

  it('killed after gh pr create and before the URL is recorded: the re-run reuses that PR, exactly one pr create', () => {
    project = makeProject();
    expect(project.sandbox.pwt(project.main, ['create', 's']).code).toBe(0);
    commitFile(project.sandbox, join(project.sessionsDir, 's'), 'work.txt', 'work\n');
    const tip = project.sandbox.git(join(project.sessionsDir, 's'), 'rev-parse', 'HEAD').trim();
    const gh = installFakeGh(project.sandbox);
    // The stand-in gh kills pwt (SIGKILL) right after it printed the new PR's URL.
    const cut = project.sandbox.pwt(project.main, ['remove', 's', '--strategy', 'pr'], { ...gh.env, FAKE_GH_KILL_AFTER_CREATE: '1' });
    expect(cut.code).not.toBe(0);
    expect(gh.calls().filter((call) => call[0] === 'pr' && call[1] === 'create')).toHaveLength(1);
    const rerun = project.sandbox.pwt(project.main, ['remove', 's', '--strategy', 'pr'], gh.env);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(gh.calls().filter((call) => call[0] === 'pr' && call[1] === 'create')).toHaveLength(1);
    expect(rerun.stderr).toContain('https://github.com/example/app/pull/1');
    expect(rerun.stderr).not.toContain('pull/2');
    // Nothing lost: the branch with its commit is on origin and kept locally.
    expect(project.sandbox.git(project.origin, 'rev-parse', 'session/s').trim()).toBe(tip);
    expect(project.sandbox.git(project.main, 'rev-parse', 'session/s').trim()).toBe(tip);
  }, 60_000);
});
