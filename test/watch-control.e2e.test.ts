import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, makeProject, NODE, type Project } from './helpers/sandbox.js';
import { isolateTmux, standInAgent } from './helpers/tmux.js';
import { poll, TmuxSession, type AgentWorld } from './agents/harness.js';

/**
 * `pwt watch` reads pwt's tmux server through one control-mode client
 * (docs/many-agents.md, "pwt watch and tmux control mode"): it is there while
 * the view runs, attached without resizing anything, and gone with the view,
 * whether the user quits or the view is killed. The agent is a stand-in (`cat`
 * in a tagged window, recorded as a claude agent): no vendor CLI is needed.
 */
const tmux = isolateTmux();
const cleanups: (() => void)[] = [];
// Last in, first out: the view's terminal (its socket lives in the sandbox) goes before the sandbox.
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
}, 30_000);

function world(): Project {
  const project = makeProject();
  cleanups.push(() => project.sandbox.cleanup());
  const { sandbox, main, sessionsDir } = project;
  const cwd = join(sessionsDir, 'feat');
  sandbox.git(main, 'worktree', 'add', '--quiet', '-b', 'session/feat', cwd);
  const agent = standInAgent(tmux, { main, session: 'feat', cwd });
  const session = {
    id: 'feat',
    branch: 'session/feat',
    worktree: '../app-sessions/feat',
    startedAt: new Date().toISOString(),
    goals: ['g'],
    status: 'active',
    base: 'main',
    agents: [agent],
  };
  writeFileSync(join(sessionsDir, '.manifest.json'), JSON.stringify({ version: 1, project: 'app', sessions: [session] }, null, 2));
  return project;
}

/** `pwt watch` in a terminal of its own (a tmux server apart from pwt's). */
function openView(project: Project): TmuxSession {
  const env: NodeJS.ProcessEnv = { ...project.sandbox.env, TMUX_TMPDIR: tmux.dir(), TERM: 'xterm-256color' };
  delete env.CI;
  const fake = { sandbox: project.sandbox, cwd: project.main, env } as unknown as AgentWorld;
  const view = TmuxSession.start(fake, NODE, [CLI, 'watch'], { cwd: project.main, env, width: 120, height: 20 });
  cleanups.push(() => view.kill());
  return view;
}

/** pwt's server's control clients: pid and flags. */
function controlClients(): { pid: number; flags: string }[] {
  return tmux
    .tmux('list-clients', '-F', '#{client_control_mode} #{client_pid} #{client_flags}')
    .stdout.split('\n')
    .filter((line) => line.startsWith('1 '))
    .map((line) => ({ pid: Number(line.split(' ')[1]), flags: line.split(' ')[2] ?? '' }));
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const viewPid = (view: TmuxSession) =>
  Number(spawnSync('tmux', ['-S', view.socket, 'list-panes', '-t', 'agent', '-F', '#{pane_pid}'], { encoding: 'utf8' }).stdout.trim());

describe('pwt watch over tmux control mode', () => {
  it('one control client while the view runs, no window resized, gone when the user quits', async () => {
    const project = world();
    const sizes = tmux.tmux('list-windows', '-a', '-F', '#{window_id} #{window_width}x#{window_height}').stdout;
    const view = openView(project);
    await view.waitForScreen(/feat\b[\s\S]*claude\s+running/, 30_000);
    const [client, ...more] = await poll('the control client', () => (controlClients().length ? controlClients() : null), 10_000, 50);
    expect(more).toEqual([]);
    expect(client!.flags).toMatch(/ignore-size/);
    // The view keeps refreshing through it: new output on the agent's screen shows as working.
    tmux.tmux('send-keys', '-t', 'app/feat', 'more output', 'Enter');
    await view.waitForScreen(/claude\s+running\s+working/, 15_000);
    expect(controlClients().map((c) => c.pid)).toEqual([client!.pid]);
    expect(tmux.tmux('list-windows', '-a', '-F', '#{window_id} #{window_width}x#{window_height}').stdout).toBe(sizes);
    view.keys('q');
    await view.waitForExit(10_000);
    await poll('the control client to be gone', () => (controlClients().length === 0 && !alive(client!.pid) ? true : null), 10_000, 50);
  }, 90_000);

  it('killed with SIGKILL, the view leaves no tmux client behind', async () => {
    const project = world();
    const view = openView(project);
    await view.waitForScreen(/claude\s+running/, 30_000);
    const [client] = await poll('the control client', () => (controlClients().length ? controlClients() : null), 10_000, 50);
    process.kill(viewPid(view), 'SIGKILL');
    await poll('the control client to be gone', () => (controlClients().length === 0 && !alive(client!.pid) ? true : null), 10_000, 50);
  }, 90_000);
});
