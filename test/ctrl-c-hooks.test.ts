import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commitFile, makeProject, type Project } from './helpers/sandbox.js';
import { fingerprint, sessionIds, TmuxPwt } from './remove-harness.js';

/**
 * Ctrl-C while a project hook runs, pressed at a real terminal (tmux sends
 * it to pwt's process group, as a terminal does). The hooks are a real npm
 * project's (test/fixtures/npm-slow: `npm install` runs a postinstall and
 * `npm test` a test that both run until stopped); git proves what is left.
 */
let project: Project;
let term: TmuxPwt | undefined;
afterEach(() => {
  term?.kill();
  term = undefined;
  project?.sandbox.cleanup();
}, 60_000);

const FIXTURE = join(import.meta.dirname, 'fixtures', 'npm-slow');
const git = (cwd: string, ...args: string[]) => project.sandbox.git(cwd, ...args).trim();
const session = (name: string) => join(project.sessionsDir, name);
/** pwt at a terminal, under bash so that its exit code is still printed after the Ctrl-C. */
const atTerminal = (args: string[]) => new TmuxPwt(project.sandbox, project.main, args, {}, undefined, 'bash');

/** The npm project on main, with these hooks approved; a session `other` exists so the manifest does too. */
function npmProject(hooks: Record<string, string>): void {
  project = makeProject();
  const { sandbox, main } = project;
  cpSync(FIXTURE, main, { recursive: true, filter: (source) => !source.endsWith('.gitignore') });
  writeFileSync(join(main, '.gitignore'), '.env\n.env.local\nnode_modules/\n');
  writeFileSync(join(main, '.env'), 'TOKEN=main\n');
  writeFileSync(join(main, '.pwt.json'), JSON.stringify({ hooks }));
  sandbox.git(main, 'add', '.');
  sandbox.git(main, 'commit', '--quiet', '-m', 'npm project');
  expect(sandbox.pwt(main, ['hooks', 'approve']).code).toBe(0);
  expect(sandbox.pwt(main, ['create', 'other', '--no-hooks']).code).toBe(0);
}

const worktrees = () => git(project.main, 'worktree', 'list', '--porcelain');

describe('Ctrl-C during post-create', () => {
  it('Ctrl-C during npm install in post-create rolls the create back: worktree, branch and manifest entry gone, exit 130', async () => {
    npmProject({ 'post-create': 'npm install' });
    const before = fingerprint(project);
    term = atTerminal(['create', 's1']);
    await term.waitFor(/install started/);
    // npm install has written node_modules (ignored) before its postinstall: that alone does not keep the session.
    expect(existsSync(join(session('s1'), 'node_modules', 'greet', 'index.js'))).toBe(true);
    expect(worktrees()).toContain(session('s1'));
    term.keys(['C-c']);
    const { code, screen } = await term.exit();
    expect(code, screen).toBe(130);
    expect(screen).toMatch(
      /Interrupted the post-create hook "npm install" \(Ctrl-C\); rolled back the create of s1: its worktree, branch and manifest entry are gone\./,
    );
    expect(screen).not.toMatch(/install finished/);
    expect(screen).not.toMatch(/Created session s1/);
    expect(existsSync(session('s1'))).toBe(false);
    expect(git(project.main, 'branch', '--list', 'session/s1')).toBe('');
    expect(worktrees()).not.toContain(session('s1'));
    expect(sessionIds(project)).toEqual(['other']);
    expect(fingerprint(project)).toBe(before);
    // The name is free again.
    const again = project.sandbox.pwt(project.main, ['create', 's1', '--no-hooks']);
    expect(again.code, again.stderr).toBe(0);
  }, 60_000);

  it('Ctrl-C after the post-create hook wrote a file of its own keeps the session and says how to end it', async () => {
    npmProject({ 'post-create': 'echo "draft from the hook" > notes.txt && npm install' });
    term = atTerminal(['create', 's1']);
    await term.waitFor(/install started/);
    term.keys(['C-c']);
    const { code, screen } = await term.exit();
    expect(code, screen).toBe(130);
    expect(screen).toMatch(
      /Interrupted the post-create hook "echo .*npm install" \(Ctrl-C\); kept the session s1 as it is: its worktree has 1 change\(s\) a clean checkout lacks, untracked included \(notes\.txt\)\./,
    );
    expect(screen).toMatch(/pwt remove s1 --strategy abandon/);
    // Nothing lost: the file, the worktree, the branch and the entry are all there.
    expect(readFileSync(join(session('s1'), 'notes.txt'), 'utf8')).toBe('draft from the hook\n');
    expect(git(project.main, 'rev-parse', '--verify', 'session/s1')).toBe(git(project.main, 'rev-parse', 'main'));
    expect(worktrees()).toContain(session('s1'));
    expect(sessionIds(project)).toEqual(['other', 's1']);
  }, 60_000);

  it('Ctrl-C after a commit in the session during post-create keeps the session; the commit stays on its branch', async () => {
    npmProject({ 'post-create': 'git commit --quiet --allow-empty -m "made by the hook" && npm install' });
    term = atTerminal(['create', 's1']);
    await term.waitFor(/install started/);
    term.keys(['C-c']);
    const { code, screen } = await term.exit();
    expect(code, screen).toBe(130);
    expect(screen).toMatch(/\(Ctrl-C\); kept the session s1 as it is: its HEAD moved since the checkout/);
    expect(git(project.main, 'log', '-1', '--format=%s', 'session/s1')).toBe('made by the hook');
    expect(worktrees()).toContain(session('s1'));
    expect(sessionIds(project)).toEqual(['other', 's1']);
  }, 60_000);
});

describe('Ctrl-C during the pre-merge gate', () => {
  for (const moved of [false, true]) {
    it(`Ctrl-C during npm test in pre-merge (${moved ? 'base moved on: on the merge result in a temporary worktree' : 'in the session'}): one line, nothing merged, exit 130`, async () => {
      npmProject({ 'pre-merge': 'npm test' });
      const { sandbox, main } = project;
      expect(sandbox.pwt(main, ['create', 'feat', '--no-hooks']).code).toBe(0);
      commitFile(sandbox, session('feat'), 'feature.txt', 'feature\n', 'feature');
      if (moved) commitFile(sandbox, main, 'base.txt', 'base moved\n', 'base moves on');
      const before = fingerprint(project);
      const mainTip = git(main, 'rev-parse', 'main');
      term = atTerminal(['remove', 'feat', '--strategy', 'merge']);
      await term.waitFor(/test started/);
      if (moved) expect(worktrees()).toMatch(/\.pwt\/land\//);
      term.keys(['C-c']);
      const { code, screen } = await term.exit();
      expect(code, screen).toBe(130);
      expect(screen).toMatch(/Interrupted the pre-merge hook "npm test" \(Ctrl-C\); nothing was merged; feat is as it was\./);
      expect(screen).toMatch(/Run pwt remove feat again when you are ready\./);
      expect(screen).not.toMatch(/test finished/);
      expect(git(main, 'rev-parse', 'main')).toBe(mainTip);
      expect(fingerprint(project)).toBe(before);
      expect(worktrees()).not.toMatch(/\.pwt\/land\//);
      term.kill();
      // No interrupted remove is left behind: the same remove runs afresh (here without the gate) and merges.
      const merged = sandbox.pwt(main, ['remove', 'feat', '--strategy', 'merge', '--no-hooks']);
      expect(merged.code, merged.stderr).toBe(0);
      expect(merged.stderr).not.toMatch(/interrupted/i);
      expect(git(main, 'show', 'main:feature.txt')).toBe('feature');
    }, 60_000);
  }
});
