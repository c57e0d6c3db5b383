import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, NODE, commitFile, makeProject, type Project } from './helpers/sandbox.js';

/**
 * Prompts only where a person sees them: pwt in a real terminal (tmux) whose
 * stdout goes into a pipe acts as without a terminal instead of waiting on a
 * question drawn into the pipe.
 */
let project: Project;
let socket: string | undefined;
afterEach(() => {
  if (socket) spawnSync('tmux', ['-S', socket, 'kill-server'], { stdio: 'ignore' });
  socket = undefined;
  project?.sandbox.cleanup();
}, 60_000);

/** Runs a bash pipeline at a real terminal (stdin a TTY, CI unset); `pwt` is the built CLI. Returns the first command's exit code and the screen. */
async function atTerminal(script: string): Promise<{ code: number; screen: string }> {
  socket = join(project.sandbox.root, `tmux-${Date.now()}.sock`);
  const env: NodeJS.ProcessEnv = { ...project.sandbox.env, TERM: 'xterm-256color' };
  delete env.CI;
  const command = ['/bin/bash', '--norc', '--noprofile', '-c', `pwt() { "${NODE}" "${CLI}" "$@"; }; set -o pipefail; ${script}; echo "[exit $?]"`];
  const tmux = (...args: string[]) => spawnSync('tmux', ['-S', socket!, ...args], { env, encoding: 'utf8' });
  tmux('-f', '/dev/null', 'new-session', '-d', '-s', 't', '-x', '200', '-y', '50', '-c', project.main, '--', ...command);
  tmux('set-option', '-t', 't', 'remain-on-exit', 'on');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const screen = tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', 't').stdout;
    const done = screen.match(/\[exit (\d+)\]/);
    if (done) return { code: Number(done[1]), screen };
    if (Date.now() > deadline) throw new Error(`pwt waited (on a question nobody sees?); screen:\n${screen}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('prompts only when a person can see them', () => {
  it('pwt create x 2>&1 | tail with unapproved hooks refuses at once (exit 3 naming --trust-hooks) instead of waiting on a hidden question', async () => {
    project = makeProject();
    commitFile(project.sandbox, project.main, '.pwt.json', JSON.stringify({ hooks: { 'post-create': 'echo ran' } }), 'hooks');
    const { code, screen } = await atTerminal('pwt create x 2>&1 | tail -5');
    expect(code, screen).toBe(3);
    expect(screen).toMatch(/--trust-hooks/);
    expect(screen).not.toMatch(/Approve this hook set/);
    expect(existsSync(join(project.sessionsDir, 'x'))).toBe(false);
    expect(project.sandbox.git(project.main, 'branch', '--list', 'session/x')).toBe('');
  }, 60_000);

  it('pwt remove s | cat does not draw a question: it acts as without a terminal (keep)', async () => {
    project = makeProject();
    expect(project.sandbox.pwt(project.main, ['create', 's']).code).toBe(0);
    commitFile(project.sandbox, join(project.sessionsDir, 's'), 'work.txt', 'work\n');
    const tip = project.sandbox.git(project.main, 'rev-parse', 'session/s').trim();
    const { code, screen } = await atTerminal('pwt remove s | cat');
    expect(code, screen).toBe(0);
    expect(screen).not.toMatch(/How do you want to end|Which strategy|◆|●/);
    expect(screen).toMatch(/Removed the worktree of s/);
    // keep: the branch and its commit stay.
    expect(project.sandbox.git(project.main, 'rev-parse', 'session/s').trim()).toBe(tip);
  }, 60_000);

  it('at a terminal without a pipe the same command asks', async () => {
    project = makeProject();
    commitFile(project.sandbox, project.main, '.pwt.json', JSON.stringify({ hooks: { 'post-create': 'echo ran' } }), 'hooks');
    socket = join(project.sandbox.root, `tmux-${Date.now()}.sock`);
    const env: NodeJS.ProcessEnv = { ...project.sandbox.env, TERM: 'xterm-256color' };
    delete env.CI;
    spawnSync(
      'tmux',
      ['-S', socket, '-f', '/dev/null', 'new-session', '-d', '-s', 't', '-x', '200', '-y', '50', '-c', project.main, '--', NODE, CLI, 'create', 'x'],
      { env },
    );
    const deadline = Date.now() + 20_000;
    let screen = '';
    while (!/Approve this hook set/.test(screen)) {
      if (Date.now() > deadline) throw new Error(`no question; screen:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      screen = spawnSync('tmux', ['-S', socket, 'capture-pane', '-p', '-J', '-t', 't'], { env, encoding: 'utf8' }).stdout;
    }
    expect(screen).toMatch(/Approve this hook set/);
  }, 60_000);
});
