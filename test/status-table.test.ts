import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE, CLI, commitFile, makeProject, type Project } from './helpers/sandbox.js';
import { TmuxPwt } from './remove-harness.js';

/** The human `pwt status`: piped (complete rows in order) and at a real terminal (skeleton first, redrawn in place, cut to the width). */
let project: Project;
let tmux: TmuxPwt | undefined;
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
  project?.sandbox.cleanup();
}, 60_000);

const LONG_GOAL = 'Rewrite the whole checkout flow so that it never double-charges a customer again';

function threeSessions(p: Project) {
  const { sandbox, main, sessionsDir } = p;
  expect(sandbox.pwt(main, ['create', 'alpha', '--goal', 'first\u001B[31m red\u0007 and\nsecond line']).code).toBe(0);
  expect(sandbox.pwt(main, ['create', 'beta', '--goal', LONG_GOAL]).code).toBe(0);
  expect(sandbox.pwt(main, ['create', 'gamma']).code).toBe(0);
  commitFile(sandbox, join(sessionsDir, 'beta'), 'b.txt', 'b\n');
  writeFileSync(join(sessionsDir, 'gamma', 'scratch.txt'), 'x\n');
}

describe('pwt status table', () => {
  it('piped: rows in manifest order, control characters out of goals, the session you are in marked, branch shown when it differs', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    threeSessions(project);

    const fromMain = sandbox.pwt(main, ['status']);
    expect(fromMain.code, fromMain.stderr).toBe(0);
    expect(fromMain.stdout).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F]/);
    const lines = fromMain.stdout.split('\n');
    expect(lines[0]).toBe(`app  main worktree: main, clean  (${main})`);
    expect(lines.slice(2, 6)).toEqual([
      expect.stringMatching(/^SESSION\s+AGE\s+CHANGES\s+AHEAD\/BEHIND\s+AGENT\s+GOAL$/),
      expect.stringMatching(/^alpha\s+just now\s+clean\s+\+0\/-0\s+-\s+first \[31m red  and second line$/),
      expect.stringMatching(/^beta\s+just now\s+clean\s+\+1\/-0\s+-\s+Rewrite the whole checkout flow so that it never double-charges a customer again$/),
      expect.stringMatching(/^gamma\s+just now\s+1 changed\s+\+0\/-0\s+-\s*$/),
    ]);

    // A worktree made by hand on another branch, adopted: the branch column comes back. From inside gamma, gamma is marked.
    sandbox.git(main, 'worktree', 'add', '--quiet', '-b', 'feature/hand', join(sessionsDir, 'hand'));
    expect(sandbox.pwt(main, ['cleanup', '--force']).code).toBe(0);
    const inside = sandbox.pwt(join(sessionsDir, 'gamma'), ['status']);
    expect(inside.code, inside.stderr).toBe(0);
    expect(inside.stdout.split('\n').slice(2, 7)).toEqual([
      expect.stringMatching(/^ {2}SESSION\s+BRANCH\s+AGE\s+CHANGES/),
      expect.stringMatching(/^ {2}alpha\s+session\/alpha\s+just now/),
      expect.stringMatching(/^ {2}beta\s+session\/beta\s+just now/),
      expect.stringMatching(/^\* gamma\s+session\/gamma\s+just now\s+1 changed/),
      expect.stringMatching(/^ {2}hand\s+feature\/hand\s+just now\s+clean/),
    ]);
  }, 60_000);

  it('at a terminal: fits the width (cut, never wrapped) and shows the final counts', async () => {
    project = makeProject();
    threeSessions(project);
    tmux = new TmuxPwt(project.sandbox, project.main, ['status'], {}, { columns: 60, rows: 30 });
    const { code, screen } = await tmux.exit();
    expect(code).toBe(0);
    // capture-pane -J joins wrapped lines, so a wrapped line would be longer than the pane.
    const lines = screen.split('\n').filter((line) => line.trim());
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(60);
    expect(lines).toContainEqual(expect.stringMatching(/^beta\s+just now\s+clean\s+\+1\/-0\s+-\s+Rew\S*…$/));
    expect(lines).toContainEqual(expect.stringMatching(/^gamma\s+just now\s+1 changed\s+\+0\/-0/));
    expect(screen).not.toMatch(/^(alpha|beta|gamma)\s.*\s…\s/m);
  }, 60_000);

  it('at a terminal: the skeleton from the manifest is drawn before any count, then redrawn in place', () => {
    project = makeProject();
    const { sandbox, main } = project;
    threeSessions(project);
    // `script` gives pwt a real pseudo-terminal and records every byte it writes.
    const raw = join(sandbox.root, 'typescript');
    const result = sandbox.sh('script', ['-q', '-e', '-c', '"$PWT_NODE" "$PWT_CLI" status', raw], main, { PWT_NODE: NODE, PWT_CLI: CLI });
    expect(result.code, result.stderr).toBe(0);
    const bytes = readFileSync(raw, 'utf8');
    const skeleton = bytes.search(/beta\s+just now\s+…\s+…/);
    const filled = bytes.search(/beta\s+just now\s+clean\s+\+1\/-0/);
    expect(skeleton).toBeGreaterThanOrEqual(0);
    expect(filled).toBeGreaterThan(skeleton);
    // The redraw moves the cursor back up over the 3 title lines and 3 rows, then clears each line it rewrites.
    expect(bytes.slice(skeleton, filled)).toContain('\u001B[6F');
    expect(bytes.slice(filled - 200, filled)).toContain('\u001B[2K');
  }, 60_000);
});
