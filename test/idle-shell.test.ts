import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processesInside, type RunningProcess } from '../src/core/sessions/inventory.js';
import { makeProject, type Project } from './helpers/sandbox.js';
import { isolateTmux } from './helpers/tmux.js';
import { fingerprint, sessionIds, TmuxPwt } from './remove-harness.js';

/**
 * An idle shell tab in a session folder is told apart from a process that
 * writes there: a real interactive bash in a real tmux pane, at its prompt,
 * then running a command under it.
 */
const tmux = isolateTmux();
const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

async function until(found: () => RunningProcess | undefined, what: string): Promise<RunningProcess> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const hit = found();
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`never saw ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

describe('an idle interactive shell in the session folder', () => {
  it('an idle shell tab at its prompt is an idle shell; the same shell running a command is not', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'pwt-idle-shell-'));
    folders.push(folder);
    expect(tmux.tmux('new-session', '-d', '-s', 'tab', '-c', folder, 'bash --norc --noprofile -i').code).toBe(0);
    const shell = await until(
      () =>
        processesInside([folder])
          .get(folder)
          ?.find((each) => each.command.startsWith('bash')),
      'the shell',
    );
    const idle = await until(
      () =>
        processesInside([folder])
          .get(folder)
          ?.find((each) => each.pid === shell.pid && each.idleShell),
      'the shell idle',
    );
    expect(idle.tty).toMatch(/^\/dev\/pts\/\d+$/);
    // A dev server started from that tab: the shell has a child, so it is busy, and the child is a process that writes.
    expect(tmux.tmux('send-keys', '-t', 'tab', 'sleep 300', 'Enter').code).toBe(0);
    const busy = await until(() => {
      const inside = processesInside([folder]).get(folder) ?? [];
      return inside.some((each) => each.command.startsWith('sleep')) ? inside.find((each) => each.pid === shell.pid) : undefined;
    }, 'the shell busy');
    expect(busy.idleShell).toBeUndefined();
  }, 30_000);

  it('a process that writes in the folder on a terminal of its own (a dev server in its own tab) is never an idle shell', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'pwt-idle-shell-'));
    folders.push(folder);
    expect(tmux.tmux('new-session', '-d', '-s', 'server', '-c', folder, 'sleep 300').code).toBe(0);
    const found = await until(
      () =>
        processesInside([folder])
          .get(folder)
          ?.find((each) => each.command.startsWith('sleep')),
      'the server',
    );
    expect(found.idleShell).toBeUndefined();
  }, 30_000);

  it('pwt remove without a terminal, an idle shell tab in the session: one line naming the pid and tty, exit 3, nothing changed', async () => {
    const project = makeProject();
    try {
      const { sandbox, main } = project;
      expect(sandbox.pwt(main, ['create', 's']).code).toBe(0);
      const session = join(project.sessionsDir, 's');
      expect(tmux.tmux('new-session', '-d', '-s', 'tab', '-c', session, 'bash --norc --noprofile -i').code).toBe(0);
      const shell = await until(
        () =>
          processesInside([session])
            .get(session)
            ?.find((each) => each.idleShell),
        'the idle shell',
      );
      const refused = sandbox.pwt(main, ['remove', 's', '--strategy', 'abandon']);
      expect(refused.code, refused.stderr).toBe(3);
      expect(refused.stderr).toContain(`An idle interactive shell is in ${session} (pid ${shell.pid} on ${shell.tty})`);
      expect(refused.stderr).toMatch(/cd out of the folder in that shell .*or pass --force/);
      expect(sandbox.git(main, 'show-ref', '--verify', 'refs/heads/session/s')).toBeTruthy();
      expect(sandbox.sh('test', ['-d', session], main).code).toBe(0);
      // --force goes past it: the shell stays, in a deleted folder.
      const forced = sandbox.pwt(main, ['remove', 's', '--strategy', 'abandon', '--force', '--yes']);
      expect(forced.code, forced.stderr).toBe(0);
      expect(sandbox.git(main, 'for-each-ref', '--format=%(refname)', 'refs/pwt/archive/s/')).toMatch(/refs\/pwt\/archive\/s\//);
    } finally {
      project.sandbox.cleanup();
    }
  }, 60_000);
});

describe('pwt remove at a terminal with something running in the session', () => {
  let project: Project | undefined;
  let term: TmuxPwt | undefined;
  afterEach(() => {
    term?.kill();
    term = undefined;
    project?.sandbox.cleanup();
    project = undefined;
  }, 60_000);

  const STRATEGY = /How do you want to end s\?/;
  const ASKED = /An idle interactive shell is in .*\(pid \d+ on \/dev\/pts\/\d+\): removing the worktree leaves it in a deleted folder .*Go on\?/;

  /** A session `s` with one commit, and a shell tab sitting at its prompt in it. */
  async function withIdleShell(): Promise<{ session: string; shell: RunningProcess }> {
    project = makeProject();
    expect(project.sandbox.pwt(project.main, ['create', 's']).code).toBe(0);
    const session = join(project.sessionsDir, 's');
    expect(tmux.tmux('new-session', '-d', '-s', 'tab', '-c', session, 'bash --norc --noprofile -i').code).toBe(0);
    const shell = await until(
      () =>
        processesInside([session])
          .get(session)
          ?.find((each) => each.idleShell),
      'the idle shell',
    );
    return { session, shell };
  }

  it('an idle shell tab in the session: asked first, before the strategy; Enter cancels, exit 130, nothing changed', async () => {
    const { shell } = await withIdleShell();
    const before = fingerprint(project!);
    term = new TmuxPwt(project!.sandbox, project!.main, ['remove', 's']);
    const asked = await term.waitFor(ASKED);
    expect(asked).toContain(`pid ${shell.pid} on ${shell.tty}`);
    expect(asked).not.toMatch(STRATEGY);
    term.keys(['Enter']);
    const { code, screen } = await term.exit();
    expect(code, screen).toBe(130);
    expect(screen).toMatch(/Cancelled; nothing was changed/);
    expect(screen).not.toMatch(STRATEGY);
    expect(fingerprint(project!)).toBe(before);
  }, 60_000);

  it('an idle shell tab in the session: yes goes on past that shell, then the strategy is asked; the shell lives on', async () => {
    const { session, shell } = await withIdleShell();
    const tip = project!.sandbox.git(project!.main, 'rev-parse', 'session/s').trim();
    term = new TmuxPwt(project!.sandbox, project!.main, ['remove', 's']);
    await term.waitFor(ASKED);
    term.keys(['Left']);
    await term.waitFor(/● Yes/);
    term.keys(['Enter']);
    await term.waitFor(STRATEGY);
    term.keys(['Enter']); // keep
    const { code, screen } = await term.exit();
    expect(code, screen).toBe(0);
    expect(screen).toMatch(/Removed the worktree of s; the branch session\/s stays/);
    expect(sessionIds(project!)).toEqual([]);
    expect(project!.sandbox.git(project!.main, 'rev-parse', 'session/s').trim()).toBe(tip);
    expect(project!.sandbox.sh('test', ['-e', session], project!.main).code).toBe(1);
    // Only the shell was gone past, and it was left alone.
    expect(() => process.kill(shell.pid, 0)).not.toThrow();
  }, 60_000);

  it('pwt remove --dry-run at a terminal, an idle shell tab in the session: asks nothing, lists the shell, changes nothing', async () => {
    const { shell } = await withIdleShell();
    const before = fingerprint(project!);
    term = new TmuxPwt(project!.sandbox, project!.main, ['remove', 's', '--strategy', 'keep', '--dry-run']);
    const { code, screen } = await term.exit();
    expect(code, screen).toBe(0);
    expect(screen).not.toMatch(/Go on\?/);
    expect(screen).toContain(`process ${shell.pid} runs inside: bash`);
    expect(screen).toMatch(/Dry run: pwt remove s --strategy keep would do:/);
    expect(fingerprint(project!)).toBe(before);
  }, 60_000);

  it('a process that writes in the session (a dev server in a tab): refused before the strategy is asked, no question', async () => {
    project = makeProject();
    expect(project.sandbox.pwt(project.main, ['create', 's']).code).toBe(0);
    const session = join(project.sessionsDir, 's');
    expect(tmux.tmux('new-session', '-d', '-s', 'server', '-c', session, 'sleep 300').code).toBe(0);
    const server = await until(
      () =>
        processesInside([session])
          .get(session)
          ?.find((each) => each.command.startsWith('sleep')),
      'the server',
    );
    const before = fingerprint(project);
    term = new TmuxPwt(project.sandbox, project.main, ['remove', 's']);
    const { code, screen } = await term.exit();
    expect(code, screen).toBe(3);
    expect(screen).toContain(`1 process(es) still run inside ${session}: ${server.pid} sleep 300`);
    expect(screen).not.toMatch(STRATEGY);
    expect(screen).not.toMatch(/Go on\?/);
    expect(fingerprint(project)).toBe(before);
  }, 60_000);
});
