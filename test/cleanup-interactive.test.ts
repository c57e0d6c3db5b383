import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commitFile, makeProject, type Project } from './helpers/sandbox.js';
import { sessionIds, TmuxPwt } from './remove-harness.js';

/** pwt cleanup at a real terminal (tmux): one question per orphan. */
let project: Project;
let term: TmuxPwt | undefined;
afterEach(() => {
  term?.kill();
  project?.sandbox.cleanup();
}, 60_000);

const git = (cwd: string, ...args: string[]) => project.sandbox.git(cwd, ...args).trim();

describe('pwt cleanup at a terminal', () => {
  it('cleanup asks once about one deleted session folder; "no" keeps both the session and git\'s entry', async () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    expect(sandbox.pwt(main, ['create', 'gone']).code).toBe(0);
    rmSync(join(sessionsDir, 'gone'), { recursive: true, force: true });
    term = new TmuxPwt(sandbox, main, ['cleanup']);
    await term.waitFor(/Session gone: its worktree .* is gone\. Drop it from the manifest\?/);
    term.keys(['n']);
    const { code, screen } = await term.exit();
    expect(code, screen).toBe(0);
    expect(screen).not.toMatch(/Prune it\?/);
    expect(sessionIds(project)).toEqual(['gone']);
    expect(git(main, 'worktree', 'list', '--porcelain')).toMatch(/gone/);
  }, 60_000);

  it('asks per orphan: drop, prune, remove an unregistered worktree (archived), skip a stray', async () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    expect(sandbox.pwt(main, ['create', 'gone']).code).toBe(0);
    rmSync(join(sessionsDir, 'gone'), { recursive: true, force: true });
    git(main, 'worktree', 'add', '-q', '-b', 'handmade', join(sessionsDir, 'handmade'));
    commitFile(sandbox, join(sessionsDir, 'handmade'), 'hand.txt', 'committed\n');
    writeFileSync(join(sessionsDir, 'handmade', 'wip.txt'), 'uncommitted\n');
    mkdirSync(join(sessionsDir, 'junk'));

    term = new TmuxPwt(sandbox, main, ['cleanup']);
    await term.waitFor(/Session gone: its worktree .* is gone\. Drop it from the manifest\?/);
    term.keys(['y']);
    // git's prunable entry for the same folder follows that answer: no second question.
    await term.waitFor(/Unregistered worktree .*handmade \(handmade\):[\s\S]*● adopt/);
    term.keys(['Down']);
    await term.waitFor(/● remove/);
    term.keys(['Enter']);
    await term.waitFor(/Stray folder .*junk: move it into \.archive\/strays\/\?/);
    term.keys(['n']);
    const { code, screen } = await term.exit();
    expect(code, screen).toBe(0);

    expect(sessionIds(project)).toEqual([]);
    expect(git(main, 'worktree', 'list', '--porcelain')).not.toMatch(/gone|handmade/);
    expect(existsSync(join(sessionsDir, 'handmade'))).toBe(false);
    // The branch stays and the uncommitted file is in the archive.
    expect(git(main, 'show', 'handmade:hand.txt')).toBe('committed');
    const ref = git(main, 'for-each-ref', '--format=%(refname)', 'refs/pwt/archive/handmade/');
    expect(git(main, 'show', `${ref}:wip.txt`)).toBe('uncommitted');
    // Skipped: still there.
    expect(existsSync(join(sessionsDir, 'junk'))).toBe(true);
  }, 60_000);
});
