import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installFakeGh } from './helpers/fake-gh.js';
import { commitFile, makeProject, type Project } from './helpers/sandbox.js';
import { fingerprint, sessionIds, TmuxPwt } from './remove-harness.js';

/** pwt remove at a real terminal (tmux), CI unset: the prompts are answered with keys. */
let project: Project;
let term: TmuxPwt | undefined;
afterEach(() => {
  term?.kill();
  term = undefined;
  project?.sandbox.cleanup();
}, 60_000);

const git = (cwd: string, ...args: string[]) => project.sandbox.git(cwd, ...args).trim();

function withSession(): string {
  project = makeProject();
  const created = project.sandbox.pwt(project.main, ['create', 'feat', '--goal', 'Add feature']);
  expect(created.code, created.stderr).toBe(0);
  const session = join(project.sessionsDir, 'feat');
  commitFile(project.sandbox, session, 'feature.txt', 'feature\n');
  return session;
}

const STRATEGY = /How do you want to end feat\?[\s\S]*● keep/;

describe('pwt remove at a terminal', () => {
  it('asks for the strategy (merge chosen with the arrow keys)', async () => {
    const session = withSession();
    const tip = git(session, 'rev-parse', 'HEAD');
    term = new TmuxPwt(project.sandbox, project.main, ['rm', 'feat']);
    await term.waitFor(STRATEGY);
    term.keys(['Up']);
    await term.waitFor(/● merge/);
    term.keys(['Enter']);
    const { code, screen } = await term.exit();
    expect(code, screen).toBe(0);
    expect(screen).toMatch(/Merged session\/feat into main/);
    expect(git(project.main, 'rev-parse', 'main')).toBe(tip);
    expect(sessionIds(project)).toEqual([]);
  }, 60_000);

  it('offers to commit uncommitted work and asks for the message', async () => {
    const session = withSession();
    writeFileSync(join(session, 'new.txt'), 'new\n');
    term = new TmuxPwt(project.sandbox, project.main, ['rm', 'feat']);
    await term.waitFor(STRATEGY);
    term.keys(['Enter']);
    await term.waitFor(/1 uncommitted change\(s\), untracked included: new\.txt\. What now\?[\s\S]*● commit them/);
    term.keys(['Enter']);
    await term.waitFor(/Commit message:/);
    term.keys(['finish the feature'], true);
    term.keys(['Enter']);
    const { code, screen } = await term.exit();
    expect(code, screen).toBe(0);
    expect(git(project.main, 'log', '-1', '--format=%s', 'session/feat')).toBe('finish the feature');
    expect(git(project.main, 'show', 'session/feat:new.txt')).toBe('new');
    expect(existsSync(session)).toBe(false);
  }, 60_000);

  it('cancel at the commit question, or Escape at the strategy, exits 130 and changes nothing', async () => {
    const session = withSession();
    writeFileSync(join(session, 'new.txt'), 'new\n');
    const before = fingerprint(project);
    term = new TmuxPwt(project.sandbox, project.main, ['rm', 'feat']);
    await term.waitFor(STRATEGY);
    term.keys(['Enter']);
    await term.waitFor(/What now\?/);
    term.keys(['Down']);
    await term.waitFor(/● cancel/);
    term.keys(['Enter']);
    const cancelled = await term.exit();
    expect(cancelled.code, cancelled.screen).toBe(130);
    expect(cancelled.screen).toMatch(/Cancelled; nothing was changed/);
    term.kill();
    term = new TmuxPwt(project.sandbox, project.main, ['rm', 'feat']);
    await term.waitFor(STRATEGY);
    term.keys(['Escape']);
    expect((await term.exit()).code).toBe(130);
    expect(fingerprint(project)).toBe(before);
    expect(readFileSync(join(session, 'new.txt'), 'utf8')).toBe('new\n');
  }, 60_000);

  it('abandon: archives uncommitted work when chosen, after a confirmation', async () => {
    const session = withSession();
    writeFileSync(join(session, 'draft.txt'), 'draft\n');
    term = new TmuxPwt(project.sandbox, project.main, ['rm', 'feat', '--strategy', 'abandon']);
    await term.waitFor(/What now\?[\s\S]*archive them with the session/);
    term.keys(['Down']);
    await term.waitFor(/● archive them/);
    term.keys(['Enter']);
    await term.waitFor(/Abandon feat: delete its worktree and branch session\/feat.*Go ahead\?/);
    term.keys(['y']);
    const { code, screen } = await term.exit();
    expect(code, screen).toBe(0);
    expect(screen).toMatch(/pwt restore feat/);
    const ref = git(project.main, 'for-each-ref', '--format=%(refname)', 'refs/pwt/archive/feat/');
    expect(git(project.main, 'show', `${ref}:draft.txt`)).toBe('draft');
    expect(existsSync(session)).toBe(false);
  }, 60_000);

  it('abandon answered "no" changes nothing', async () => {
    withSession();
    const before = fingerprint(project);
    term = new TmuxPwt(project.sandbox, project.main, ['rm', 'feat', '--strategy', 'abandon']);
    await term.waitFor(/Go ahead\?/);
    term.keys(['n']);
    expect((await term.exit()).code).toBe(130);
    expect(fingerprint(project)).toBe(before);
  }, 60_000);

  it('pr chosen at the prompt shows the pull request URL', async () => {
    withSession();
    const gh = installFakeGh(project.sandbox);
    term = new TmuxPwt(project.sandbox, project.main, ['rm', 'feat'], gh.env);
    await term.waitFor(STRATEGY);
    term.keys(['Up', 'Up']);
    await term.waitFor(/● pr/);
    term.keys(['Enter']);
    const { code, screen } = await term.exit();
    expect(code, screen).toBe(0);
    expect(screen).toMatch(/Opened https:\/\/github\.com\/example\/app\/pull\/1/);
    expect(gh.calls().find((call) => call[0] === 'pr')).toContain('session/feat');
  }, 60_000);
});
