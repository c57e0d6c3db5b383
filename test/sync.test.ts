import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitFile, makeProject, parseJson, type Project } from './helpers/sandbox.js';
import { fingerprint, manifest } from './remove-harness.js';
import { isolateTmux, placeOf, runningEntry } from './helpers/tmux.js';
import { openProject } from '../src/core/project/project.js';
import { newAgentWindow } from '../src/core/tmux/windows.js';
import { updateAgents } from '../src/core/agents/runtime/records.js';

const tmux = isolateTmux();

let project: Project;
afterEach(() => project?.sandbox.cleanup(), 60_000);

/** A session s with one commit of its own, and main two commits further on. */
function diverged(): { project: Project; session: string } {
  project = makeProject();
  const { sandbox, main, sessionsDir } = project;
  expect(sandbox.pwt(main, ['create', 's', '--goal', 'g']).code).toBe(0);
  const session = join(sessionsDir, 's');
  commitFile(sandbox, session, 'feature.txt', 'feature\n');
  commitFile(sandbox, main, 'main-1.txt', 'one\n');
  commitFile(sandbox, main, 'main-2.txt', 'two\n');
  return { project, session };
}

const log = (p: Project, cwd: string, range: string) => p.sandbox.git(cwd, 'log', '--format=%s', range).trim().split('\n').filter(Boolean);

describe('pwt sync', () => {
  it("merges the base into the session with one merge commit (the default), keeping the session's own commit", () => {
    const { project: p, session } = diverged();
    const own = p.sandbox.git(session, 'rev-parse', 'HEAD').trim();
    const result = p.sandbox.pwt(p.main, ['sync', 's']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Brought 2 commit(s) of main into session/s');
    const parents = p.sandbox.git(session, 'rev-list', '--parents', '-n', '1', 'HEAD').trim().split(' ');
    expect(parents.slice(1)).toEqual([own, p.sandbox.git(p.main, 'rev-parse', 'main').trim()]);
    expect(p.sandbox.git(session, 'log', '-1', '--format=%s').trim()).toBe("Merge branch 'main' into session/s");
    expect(p.sandbox.git(session, 'status', '--porcelain')).toBe('');
    expect(readFileSync(join(session, 'main-2.txt'), 'utf8')).toBe('two\n');
    expect(p.sandbox.git(session, 'rev-list', '--count', 'HEAD..main').trim()).toBe('0');
    expect(manifest(p).sessions[0].baseCommit).toBe(p.sandbox.git(p.main, 'rev-parse', 'main').trim());
  }, 60_000);

  it("--rebase replays the session's commits on the base; the name defaults to the session you are in", () => {
    const { project: p, session } = diverged();
    const result = p.sandbox.pwt(session, ['sync', '--rebase', '--json']);
    expect(result.code).toBe(0);
    expect(parseJson(result.stdout)).toMatchObject({ session: 's', base: 'main', behind: 2, dryRun: false, actions: [{ op: 'rebase' }, { op: 'record' }] });
    expect(log(p, session, 'main..HEAD')).toEqual(['change feature.txt']);
    expect(p.sandbox.git(session, 'merge-base', 'HEAD', 'main').trim()).toBe(p.sandbox.git(p.main, 'rev-parse', 'main').trim());
  }, 60_000);

  it('fast-forwards a session with no commits of its own, and says "up to date" when there is nothing new', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    sandbox.pwt(main, ['create', 'ff']);
    commitFile(sandbox, main, 'new.txt', 'new\n');
    const result = sandbox.pwt(main, ['sync', 'ff', '--json']);
    expect(parseJson(result.stdout).actions.map((a: any) => a.op)).toEqual(['fast-forward', 'record']);
    expect(sandbox.git(join(sessionsDir, 'ff'), 'rev-parse', 'HEAD')).toBe(sandbox.git(main, 'rev-parse', 'main'));
    const again = sandbox.pwt(main, ['sync', 'ff']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('ff is up to date with main');
  }, 60_000);

  it('a conflict is exit 4 listing the files, and nothing changes (merge and rebase alike)', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    sandbox.pwt(main, ['create', 'c']);
    const session = join(sessionsDir, 'c');
    commitFile(sandbox, session, 'README.md', '# session\n');
    commitFile(sandbox, main, 'README.md', '# main\n');
    const before = fingerprint(project);
    for (const mode of ['--merge', '--rebase']) {
      const result = sandbox.pwt(main, ['sync', 'c', mode]);
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(/conflicts in: README\.md/);
      expect(fingerprint(project)).toBe(before);
    }
  }, 60_000);

  it('a rebase that conflicts at one commit though the whole branch merges cleanly is undone: exit 4, branch as it was', () => {
    project = makeProject();
    const { sandbox, main, sessionsDir } = project;
    sandbox.pwt(main, ['create', 'r']);
    const session = join(sessionsDir, 'r');
    // The session edits a line and then puts it back: the branch as a whole does not touch it, its first commit does.
    commitFile(sandbox, session, 'README.md', '# changed\n', 'edit');
    commitFile(sandbox, session, 'README.md', '# app\n', 'revert the edit');
    commitFile(sandbox, main, 'README.md', '# main\n');
    const before = fingerprint(project);
    const result = sandbox.pwt(main, ['sync', 'r', '--rebase']);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/rebase was undone/);
    expect(result.stderr).toMatch(/pwt sync --merge/);
    expect(fingerprint(project)).toBe(before);
    expect(sandbox.pwt(main, ['sync', 'r', '--merge']).code).toBe(0);
  }, 60_000);

  it('refuses uncommitted work (untracked included) and says how to proceed; nothing changes', () => {
    const { project: p, session } = diverged();
    writeFileSync(join(session, 'notes.txt'), 'draft\n');
    const before = fingerprint(p);
    const result = p.sandbox.pwt(p.main, ['sync', 's']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/1 uncommitted change\(s\).*notes\.txt/);
    expect(result.stderr).toMatch(/git stash -u/);
    expect(fingerprint(p)).toBe(before);
  }, 60_000);

  it('refuses while an agent runs in the session (checked in tmux) unless --force; an agent that exited does not block', async () => {
    const { project: p, session } = diverged();
    const core = await openProject(p.main);
    // A real process in pwt's own tmux server, recorded as the session's agent the way the agent runtime records it.
    const start = () =>
      newAgentWindow({
        tmuxSession: 'app/s',
        main: p.main,
        session: 's',
        agentId: 's-claude',
        windowName: 'claude',
        cwd: session,
        env: process.env,
        argv: ['sleep', '60'],
      });
    const made = await start();
    const agent = runningEntry(made, 's-claude', 'claude');
    await updateAgents(core, 's', (agents) => void agents.push(agent));
    const env = { TMUX_TMPDIR: tmux.dir() };
    const before = fingerprint(p);
    const refused = p.sandbox.pwt(p.main, ['sync', 's'], env);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/agent is running in s \(s-claude\).*--force/s);
    expect(fingerprint(p)).toBe(before);
    // The agent's process ends: remembered as running, but tmux says otherwise, so sync goes ahead.
    tmux.tmux('kill-window', '-t', made.windowId);
    const after = p.sandbox.pwt(p.main, ['sync', 's', '--dry-run'], env);
    expect(after.code).toBe(0);
    expect(after.stderr).toMatch(/merge main into session\/s/);
    // --force goes past a running one.
    const again = await start();
    await updateAgents(
      core,
      's',
      (agents) =>
        void agents.splice(0, 1, {
          ...agent,
          tmux: placeOf(again),
        }),
    );
    expect(p.sandbox.pwt(p.main, ['sync', 's'], env).code).toBe(3);
    expect(p.sandbox.pwt(p.main, ['sync', 's', '--force'], env).code).toBe(0);
  }, 60_000);

  it('--dry-run lists the steps and changes nothing; usage errors are exit 2', () => {
    const { project: p } = diverged();
    const before = fingerprint(p);
    const dry = p.sandbox.pwt(p.main, ['sync', 's', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toMatch(/1\. merge main into session\/s/);
    expect(fingerprint(p)).toBe(before);
    expect(p.sandbox.pwt(p.main, ['sync', 's', '--merge', '--rebase']).code).toBe(2);
    const noName = p.sandbox.pwt(p.main, ['sync']);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toMatch(/needs a session name/);
    expect(p.sandbox.pwt(p.main, ['sync', 'nope']).code).toBe(3);
  }, 60_000);
});
