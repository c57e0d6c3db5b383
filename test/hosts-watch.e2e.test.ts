import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, NODE } from './helpers/sandbox.js';
import { TmuxSession, type AgentWorld } from './agents/harness.js';
import { killPwtServer } from './helpers/tmux.js';
import { hostWorld, type HostWorld } from './hosts-world.js';

/**
 * `pwt watch` with a host, in a real terminal (a tmux pane of the test's
 * own): the host's sessions appear under the local ones with a HOST column;
 * when the host goes away mid-watch its rows turn `unreachable` while the
 * view keeps running and the local rows stay; nothing local changes.
 */
let world: HostWorld | undefined;
let view: TmuxSession | undefined;
afterEach(async () => {
  view?.kill();
  view = undefined;
  await world?.cleanup();
  world = undefined;
}, 60_000);

describe('pwt watch across hosts', () => {
  it('shows host sessions with their host, and marks them unreachable when the host goes away mid-watch', async () => {
    world = await hostWorld();
    const { project } = world;
    expect(world.pwt(['create', 'here', '--goal', 'local goal']).code).toBe(0);
    expect(world.pwt(['create', 'far', '--host', 'box', '--goal', 'remote goal']).code).toBe(0);
    const manifest = readFileSync(join(project.sessionsDir, '.manifest.json'), 'utf8');
    const localTmux = join(project.sandbox.root, 'tmux-here');
    mkdirSync(localTmux);
    const env: NodeJS.ProcessEnv = { ...project.sandbox.env, ...world.env, TMUX_TMPDIR: localTmux, TERM: 'xterm-256color', PWT_HOST_TIMEOUT_MS: '2000' };
    delete env.CI;
    const terminal = { sandbox: project.sandbox, project, home: project.sandbox.home, cwd: project.main, env } as AgentWorld;
    view = TmuxSession.start(terminal, NODE, [CLI, 'watch'], { cwd: project.main, env, width: 120, height: 20 });
    await view.waitForScreen(/box\s+far\s+.*remote goal/, 30_000);
    expect(view.screen()).toMatch(/-\s+here\s+.*local goal/);
    await world.sshd.stop();
    await view.waitForScreen(/box\s+far\s+unreachable/, 30_000);
    expect(view.screen()).toMatch(/-\s+here\s+.*local goal/);
    expect(view.exited()).toBe(false);
    view.keys('q');
    await view.waitForExit();
    expect(readFileSync(join(project.sessionsDir, '.manifest.json'), 'utf8')).toBe(manifest);
  }, 120_000);
});
