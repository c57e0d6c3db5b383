import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import claude from '../src/core/agents/vendors/claude/adapter.js';
import pi from '../src/core/agents/vendors/pi/adapter.js';
import { readManifest } from '../src/core/manifest/store.js';
import { agentsOf } from '../src/core/agents/runtime/records.js';
import { CLI, NODE } from './helpers/sandbox.js';
import { isolateTmux } from './helpers/tmux.js';
import { poll, requireCli, runCommand, TmuxSession, type AgentWorld } from './agents/harness.js';
import { useFreshWorlds, useModelServer } from './agents/e2e.js';
import { claudeRecipe, piRecipe } from './agents/recipes.js';
import { ASK_MARKER } from './agents/server/script.js';
import { registerSession, startRealAgent, type RunningAgent } from './agents/activity-world.js';

/**
 * `pwt watch` driven in a real terminal: the view runs in a tmux pane of its
 * own (the "user's terminal"), pwt's agents run in pwt's isolated tmux server;
 * keys are sent to the view and its screen is read back.
 */
const server = useModelServer();
const worlds = useFreshWorlds();
const tmux = isolateTmux();
const views: TmuxSession[] = [];
const agents: RunningAgent[] = [];
afterEach(() => {
  for (const view of views.splice(0)) view.kill();
  for (const agent of agents.splice(0)) {
    try {
      process.kill(agent.agent.tmux!.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}, 60_000);

const LONG_NAME = 'a-very-long-session-name-that-goes-on-and-on';
const LONG_GOAL = 'A goal long enough to be cut at sixty columns, and it ends with THE-END';

async function setUp(name: string): Promise<{ world: AgentWorld; agent: RunningAgent; env: NodeJS.ProcessEnv }> {
  const bin = requireCli('pi');
  const { world } = worlds.make(name);
  const env = piRecipe(world, server.url);
  const start = pi.startCommand({ cwd: world.cwd }, env);
  const agent = await startRealAgent(world, name, 'pi', [bin, ...start.args], { ...env, ...start.env });
  agents.push(agent);
  await agent.waitForScreen(/mock-model/);
  const project = await registerSession(world, LONG_NAME, [LONG_GOAL]);
  void project;
  return { world, agent, env };
}

function openView(world: AgentWorld, width: number, extraEnv: NodeJS.ProcessEnv = {}, args: string[] = []): TmuxSession {
  const env: NodeJS.ProcessEnv = { ...world.sandbox.env, TMUX_TMPDIR: tmux.dir(), TERM: 'xterm-256color', ...extraEnv };
  delete env.CI;
  for (const [key, value] of Object.entries(extraEnv)) if (value === undefined) delete env[key];
  const view = TmuxSession.start(world, NODE, [CLI, 'watch', ...args], { cwd: world.project.main, env, width, height: 20 });
  views.push(view);
  return view;
}

/** The screen with its colour escapes (capture-pane -e). */
function coloured(view: TmuxSession): string {
  return spawnSync('tmux', ['-S', view.socket, 'capture-pane', '-e', '-p', '-t', 'agent'], { encoding: 'utf8' }).stdout;
}

describe('pwt watch in a real terminal', () => {
  it('60 columns, NO_COLOR: rows cut not wrapped, attach and come back on detach, s stops, n offers only the installed CLIs, q restores the screen', async () => {
    const { world, agent } = await setUp('watch-pi');
    // Only pi's CLI is on this terminal's PATH.
    const onlyPi = join(world.sandbox.root, 'only-pi');
    mkdirSync(onlyPi);
    symlinkSync(requireCli('pi'), join(onlyPi, 'pi'));
    const view = openView(world, 60, { PATH: `${onlyPi}:${world.sandbox.env.PATH}` });
    const screen = await view.waitForScreen(/pi\s+running\s+idle/, 30_000);
    const lines = screen.split('\n');
    // The session with a running agent comes first; the long one is cut with an ellipsis, never wrapped.
    expect(lines.findIndex((l) => l.includes('watch-pi'))).toBeLessThan(lines.findIndex((l) => l.includes('a-very-long')));
    expect(screen).not.toContain('THE-END');
    expect(lines.filter((l) => l.includes('a-very-long'))).toHaveLength(1);
    expect(screen).toMatch(/↑↓\/jk move/);
    expect(coloured(view)).not.toMatch(/\u001b\[(3\d|9\d|7)m/); // NO_COLOR (the sandbox sets it): no colour, no inverse

    // Select the agent line and attach: pi's own screen shows; detach (C-b d) brings the view back.
    view.keys('j');
    await view.waitForScreen(/^>\s+pi\s+running/m);
    view.keys('Enter');
    await view.waitForScreen(/mock-model|\(session\/watch-pi\)/, 30_000); // pi's footer
    // The user detaches (what C-b d does; asked of pwt's server directly, so a loaded machine cannot split the key pair).
    expect(tmux.tmux('detach-client', '-s', agent.agent.tmux!.session).code).toBe(0);
    await view.waitForScreen(/pwt watch · app/, 20_000);
    await view.waitForScreen(/^>\s+pi\s+running/m); // the selection is kept

    // s stops the selected agent; the row says so.
    view.keys('s');
    await view.waitForScreen(/pi\s+stopped/, 30_000);
    const manifest = await readManifest(agent.project);
    expect(agentsOf(manifest!.sessions.find((s) => s.id === 'watch-pi')!)[0]).toMatchObject({ status: 'stopped' });

    // n lists the installed providers, one a line, within 60 columns; any other key cancels.
    view.keys('n');
    const picker = await view.waitForScreen(/switch watch-pi to:/);
    expect(picker).toMatch(/^\s+1 pi\s*$/m);
    expect(picker).not.toMatch(/^\s+\d (claude|codex|gemini|copilot|opencode|cursor)\s*$/m);
    expect(picker).toMatch(/1-1: switch · any other key: cancel/);
    expect(Math.max(...picker.split('\n').map((line) => line.trimEnd().length))).toBeLessThanOrEqual(60);
    view.keys('x');
    await view.waitForScreen(/↑↓\/jk move/);

    view.keys('q');
    await view.waitForExit(10_000);
    expect(view.screen()).not.toContain('pwt watch ·'); // the alternate screen is gone: the terminal is as before
  }, 180_000);

  it('200 columns with colour, CI set: whole goals, d shows the diff stat, Ctrl-C restores the screen', async () => {
    const { world } = await setUp('watch-wide');
    // CI set in the user's shell must not turn the live view into a last-frame-only one.
    const view = openView(world, 200, { NO_COLOR: undefined, CI: '1' });
    const screen = await view.waitForScreen(/pi\s+running\s+idle/, 30_000);
    expect(screen).toContain('THE-END');
    await poll('colour on screen', () => /\u001b\[(1|3\d)m/.test(coloured(view)), 10_000);
    // d on the long session: its diff stat (nothing changed yet).
    view.keys('j', 'j');
    await view.waitForScreen(/^>\s+a-very-long/m);
    view.keys('d');
    await view.waitForScreen(/no changes since main/, 20_000);
    view.keys('x');
    await view.waitForScreen(/↑↓\/jk move/);
    view.keys('C-c');
    await view.waitForExit(10_000);
    expect(view.screen()).not.toContain('pwt watch ·');
  }, 180_000);

  it('SIGTERM restores the screen and ends the view by that signal', async () => {
    const { world } = await setUp('watch-term');
    const view = openView(world, 100);
    await view.waitForScreen(/pi\s+running\s+idle/, 30_000);
    // tmux execs the command directly: the pane's process is pwt watch itself.
    const pid = Number(spawnSync('tmux', ['-S', view.socket, 'display-message', '-p', '-t', 'agent', '#{pane_pid}'], { encoding: 'utf8' }).stdout.trim());
    process.kill(pid, 'SIGTERM');
    await view.waitForExit(10_000);
    expect(view.screen()).not.toContain('pwt watch ·');
    const status = spawnSync('tmux', ['-S', view.socket, 'display-message', '-p', '-t', 'agent', '#{pane_dead_signal}#{pane_dead_status}'], {
      encoding: 'utf8',
    }).stdout.trim();
    expect(['15', '143', '']).toContain(status); // killed by SIGTERM (tmux 3.3a may not know how a pane ended)
  }, 180_000);

  it('--notify: an agent asking for a permission moves its session up, is marked, and rings the bell', async () => {
    const bin = requireCli('claude');
    const { world } = worlds.make('watch-claude');
    const env = claudeRecipe(world, server.url);
    writeFileSync(
      join(world.home, '.claude.json'),
      JSON.stringify({
        hasCompletedOnboarding: true,
        customApiKeyResponses: { approved: ['sk-fake'], rejected: [] },
        projects: { [world.cwd]: { hasTrustDialogAccepted: true } },
      }),
    );
    await registerSession(world, 'aaa-first', ['listed first while nobody waits']);
    const start = claude.startCommand({ cwd: world.cwd, sessionId: randomUUID() });
    const agent = await startRealAgent(world, 'watch-claude', 'claude', [bin, ...start.args], env);
    agents.push(agent);
    await agent.waitForScreen(/❯/);
    const view = openView(world, 100, {}, ['--notify']);
    await view.waitForScreen(/claude\s+running\s+idle/, 30_000);
    const bell = () =>
      spawnSync('tmux', ['-S', view.socket, 'display-message', '-p', '-t', 'agent', '#{window_bell_flag}'], { encoding: 'utf8' }).stdout.trim();
    expect(bell()).toBe('0');

    const sent = await runCommand(NODE, [CLI, 'agent', 'send', '--session', 'watch-claude', `please ${ASK_MARKER}`], {
      cwd: world.project.main,
      env: { ...world.sandbox.env, TMUX_TMPDIR: tmux.dir() },
    });
    expect(sent.code, sent.stderr).toBe(0);
    const screen = await view.waitForScreen(/!\s+claude\s+running\s+waiting/, 60_000);
    const lines = screen.split('\n');
    // The waiting session is now above the one that came first in the manifest, its lines marked "!".
    expect(lines.findIndex((l) => l.includes('watch-claude'))).toBeLessThan(lines.findIndex((l) => l.includes('aaa-first')));
    expect(lines.find((l) => l.includes('watch-claude'))).toMatch(/^.!/);
    expect(screen).toMatch(/1 waiting/);
    await poll('the bell', () => bell() === '1', 10_000);
  }, 180_000);
});
