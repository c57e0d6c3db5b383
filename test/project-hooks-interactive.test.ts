import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitFile, makeProject, type Project } from './helpers/sandbox.js';
import { fingerprint, TmuxPwt } from './remove-harness.js';

/** Approving project hooks at a real terminal (tmux, CI unset): asked once per hook set. */
let project: Project;
let term: TmuxPwt | undefined;
afterEach(() => {
  term?.kill();
  term = undefined;
  project?.sandbox.cleanup();
}, 60_000);

const marker = () => join(project.sandbox.root, 'hook-ran.txt');
const ASKED = /asks pwt to run these commands \(post-create: echo "\$PWT_SESSION" >> .*\)\. Approve this hook set for this repository\?/s;

function withHook(): void {
  project = makeProject();
  commitFile(
    project.sandbox,
    project.main,
    '.pwt.json',
    JSON.stringify({ hooks: { 'post-create': 'echo "$PWT_SESSION" >> "$PWT_MAIN/../hook-ran.txt"' } }),
    'hooks',
  );
}

describe('project hooks at a terminal', () => {
  it('asks once; yes runs the hooks and is remembered', async () => {
    withHook();
    term = new TmuxPwt(project.sandbox, project.main, ['create', 's1']);
    await term.waitFor(ASKED);
    term.keys(['Left']);
    await term.waitFor(/● Yes/);
    term.keys(['Enter']);
    const first = await term.exit();
    expect(first.code, first.screen).toBe(0);
    expect(first.screen).toMatch(/post-create hook: echo .*\(\d+\.\d s\)/);
    expect(readFileSync(marker(), 'utf8')).toBe('s1\n');
    term.kill();

    term = new TmuxPwt(project.sandbox, project.main, ['create', 's2']);
    const second = await term.exit();
    expect(second.code, second.screen).toBe(0);
    expect(second.screen).not.toMatch(/Approve this hook set/);
    expect(readFileSync(marker(), 'utf8')).toBe('s1\ns2\n');
  }, 60_000);

  it('no creates the session without running them, and asks again next time', async () => {
    withHook();
    term = new TmuxPwt(project.sandbox, project.main, ['create', 's1']);
    await term.waitFor(ASKED);
    term.keys(['Enter']);
    const { code, screen } = await term.exit();
    expect(code, screen).toBe(0);
    expect(screen).toMatch(/Did not run the project hooks \(not approved\)/);
    expect(existsSync(join(project.sessionsDir, 's1'))).toBe(true);
    expect(existsSync(marker())).toBe(false);
    term.kill();

    term = new TmuxPwt(project.sandbox, project.main, ['create', 's2']);
    await term.waitFor(ASKED);
    term.keys(['Escape']);
    const cancelled = await term.exit();
    expect(cancelled.code, cancelled.screen).toBe(130);
    expect(existsSync(join(project.sessionsDir, 's2'))).toBe(false);
  }, 60_000);
});

describe('the approval question after the hooks changed', () => {
  it('shows what changed since the approved set', async () => {
    withHook();
    expect(project.sandbox.pwt(project.main, ['hooks', 'approve']).code).toBe(0);
    commitFile(
      project.sandbox,
      project.main,
      '.pwt.json',
      JSON.stringify({ hooks: { 'post-create': ['echo "$PWT_SESSION" >> "$PWT_MAIN/../hook-ran.txt"', 'echo added-line'] } }),
      'more hooks',
    );
    term = new TmuxPwt(project.sandbox, project.main, ['create', 's1']);
    await term.waitFor(/changed its hooks since you approved them:\s+post-create:\s+\+ echo added-line\s+Approve this hook set/);
    term.keys(['Left']);
    await term.waitFor(/● Yes/);
    term.keys(['Enter']);
    const done = await term.exit();
    expect(done.code, done.screen).toBe(0);
    expect(readFileSync(marker(), 'utf8')).toBe('s1\n');
  }, 60_000);

  it('declining a hook set that holds a gate cancels (Enter is No): exit 130, nothing merged or changed; --no-hooks is the way to skip', async () => {
    project = makeProject();
    commitFile(
      project.sandbox,
      project.main,
      '.pwt.json',
      JSON.stringify({ hooks: { 'pre-merge': 'echo "$PWT_SESSION" >> "$PWT_MAIN/../hook-ran.txt"; exit 1' } }),
      'hooks',
    );
    expect(project.sandbox.pwt(project.main, ['create', 'feat', '--no-hooks']).code).toBe(0);
    commitFile(project.sandbox, join(project.sessionsDir, 'feat'), 'feature.txt', 'untested\n');
    const before = fingerprint(project);
    term = new TmuxPwt(project.sandbox, project.main, ['remove', 'feat', '--strategy', 'merge']);
    await term.waitFor(/pre-merge: echo .*Approve this hook set for this repository\?/s);
    term.keys(['Enter']);
    const declined = await term.exit();
    expect(declined.code, declined.screen).toBe(130);
    expect(declined.screen).toMatch(/not approved, and they hold a gate \(pre-merge\).*Nothing was changed/s);
    expect(declined.screen).toMatch(/--no-hooks/);
    expect(fingerprint(project)).toBe(before);
    expect(existsSync(marker())).toBe(false);
    term.kill();

    // Saying so out loud merges without the hooks.
    const skipped = project.sandbox.pwt(project.main, ['remove', 'feat', '--strategy', 'merge', '--no-hooks']);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stderr).toMatch(/Skipped the project hooks \(--no-hooks\)/);
    expect(project.sandbox.git(project.main, 'show', 'main:feature.txt')).toBe('untested\n');
    expect(existsSync(marker())).toBe(false);
  }, 60_000);
});

describe('Ctrl-C while a hook runs', () => {
  // A cancelled create is rolled back (test/ctrl-c-hooks.test.ts); open makes a session of a branch that was there before, and keeps it.
  it('Ctrl-C during a slow post-create after pwt open says what was interrupted and that the session is there', async () => {
    project = makeProject();
    commitFile(
      project.sandbox,
      project.main,
      '.pwt.json',
      JSON.stringify({ hooks: { 'post-create': 'echo hook-started; sleep 30; echo hook-finished' } }),
      'slow hook',
    );
    expect(project.sandbox.pwt(project.main, ['create', 's1', '--no-hooks']).code).toBe(0);
    commitFile(project.sandbox, join(project.sessionsDir, 's1'), 'work.txt', 'work\n', 'work');
    expect(project.sandbox.pwt(project.main, ['remove', 's1', '--strategy', 'keep']).code).toBe(0);
    term = new TmuxPwt(project.sandbox, project.main, ['open', 's1', '--trust-hooks']);
    await term.waitFor(/hook-started/);
    term.keys(['C-c']);
    const screen = await term.waitFor(
      /Interrupted the post-create hook "echo hook-started.*" \(Ctrl-C\); the session s1 exists[\s\S]*pwt remove s1 --strategy abandon/,
    );
    expect(screen).not.toMatch(/^hook-finished$/m);
    // What the line says is true, checked with git: the worktree and the branch exist, the session is registered.
    expect(project.sandbox.git(project.main, 'log', '-1', '--format=%s', 'session/s1').trim()).toBe('work');
    expect(existsSync(join(project.sessionsDir, 's1', 'work.txt'))).toBe(true);
    expect(readFileSync(join(project.sessionsDir, '.manifest.json'), 'utf8')).toContain('"s1"');
  }, 60_000);
});
