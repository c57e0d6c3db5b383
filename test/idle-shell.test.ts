import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processesInside, type RunningProcess } from '../src/core/sessions/inventory.js';
import { makeProject } from './helpers/sandbox.js';
import { isolateTmux } from './helpers/tmux.js';

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
