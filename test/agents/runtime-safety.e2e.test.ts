import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isSameProcess, processStartTime } from '../../src/core/infra/processes.js';
import { CLI, NODE } from '../helpers/sandbox.js';
import { CLI_BIN, poll, runCommand } from './harness.js';
import { useModelServer } from './e2e.js';
import { useRuntimeWorlds, waitForRequest } from './runtime-world.js';

/**
 * tmux that pwt cannot reach is never read as "every agent exited": with
 * tmux off PATH, or pwt looking at another TMUX_TMPDIR than the one its
 * agent runs in, a running agent is `unknown`, nothing is recorded, and
 * start, resume and remove refuse instead of acting on a guess. Only the
 * process check (pid + start time) may prove it gone; `agent stop` ends it
 * by its process.
 */
const server = useModelServer();
const worlds = useRuntimeWorlds(server, ['claude']);
const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A PATH folder with every program of /usr/bin and /bin except tmux. */
function pathWithoutTmux(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pwt-no-tmux-'));
  temps.push(dir);
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const from of ['/usr/local/bin', '/usr/bin', '/bin']) {
    if (!existsSync(from)) continue;
    for (const name of readdirSync(from)) {
      if (name === 'tmux' || existsSync(join(bin, name))) continue;
      symlinkSync(join(from, name), join(bin, name));
    }
  }
  return bin;
}

describe('tmux pwt cannot reach', () => {
  it('tmux off PATH or another TMUX_TMPDIR: the running agent is unknown and nothing is recorded; start, resume and remove refuse; stop ends it by its process', async () => {
    const world = worlds.make();
    const cwd = await world.session('seen');
    await world.ok(['agent', 'start', 'claude', '--prompt', 'hello unseen'], cwd);
    await waitForRequest(server, 'hello unseen');
    const pid = Number(
      world
        .tmux('list-panes', '-a', '-F', '#{pane_pid} #{@pwt-agent}')
        .stdout.split('\n')
        .find((line) => line.endsWith(' seen-claude'))!
        .split(' ')[0],
    );
    const started = processStartTime(pid);
    const recordFile = join(world.project.sessionsDir, '.pwt', 'agents', 'seen-claude.session.json');

    const otherTmux = mkdtempSync(join(tmpdir(), 'pwt-other-tmux-'));
    temps.push(otherTmux);
    const noTmux = pathWithoutTmux();
    const places = {
      'another TMUX_TMPDIR': (args: string[]) => runCommand(NODE, [CLI, ...args], { cwd, env: { ...world.env, TMUX_TMPDIR: otherTmux }, timeoutMs: 120_000 }),
      'tmux off PATH': (args: string[]) => runCommand(NODE, [CLI, ...args], { cwd, env: { ...world.env, PATH: `${CLI_BIN}:${noTmux}` }, timeoutMs: 120_000 }),
    };
    for (const [where, pwt] of Object.entries(places)) {
      const listed = await pwt(['agent', 'list', '--json']);
      expect(listed.code, `${where}: ${listed.stderr}`).toBe(0);
      expect(JSON.parse(listed.stdout).agents, where).toEqual([expect.objectContaining({ id: 'seen-claude', status: 'unknown' })]);
      const status = await pwt(['status', '--json']);
      expect(status.code, `${where}: ${status.stderr}`).toBe(0);
      expect(JSON.parse(status.stdout).sessions[0].agents, where).toEqual([expect.objectContaining({ id: 'seen-claude', status: 'unknown' })]);
      // Nothing recorded from a guess.
      expect(JSON.parse(readFileSync(recordFile, 'utf8')).status, where).toBe('running');

      for (const args of [
        ['agent', 'start', 'codex'],
        ['agent', 'start', 'claude'],
        ['agent', 'resume'],
        ['remove', 'seen', '--strategy', 'abandon', '--yes'],
      ]) {
        const refused = await pwt(args);
        expect(refused.code, `${where}: pwt ${args.join(' ')}\n${refused.stderr}`).toBe(3);
        expect(refused.stderr, `${where}: pwt ${args.join(' ')}`).toMatch(/seen-claude may still be running|tmux is not installed/);
        expect(refused.stderr).not.toMatch(/unexpected error/);
      }
      expect(existsSync(cwd), where).toBe(true);
      expect(isSameProcess(pid, started), where).toBe(true);
    }
    // Where it runs, it still runs, alone: no second agent was started on its conversation.
    expect(await world.agents('seen')).toEqual([expect.objectContaining({ id: 'seen-claude', status: 'running' })]);
    expect(world.tmux('list-panes', '-a', '-F', '#{@pwt-agent}').stdout.trim()).toBe('seen-claude');

    // From where pwt cannot see it, stop ends it by its process (signals, pid + start time checked).
    const stopped = await places['another TMUX_TMPDIR'](['agent', 'stop']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stderr).toMatch(/Stopped claude \(agent seen-claude, with SIG(TERM|KILL)\)/);
    expect(isSameProcess(pid, started)).toBe(false);
    expect(await world.agents('seen')).toEqual([expect.objectContaining({ id: 'seen-claude', status: 'stopped' })]);
  }, 300_000);
});

describe('a start racing a remove', () => {
  it('agent start and pwt remove of one session at once: they take turns; no agent ever runs outside its worktree or without a record', async () => {
    const world = worlds.make();
    for (let round = 0; round < 4; round++) {
      const name = `race${round}`;
      const cwd = await world.session(name);
      const [started, removed] = await Promise.all([
        world.pwt(['agent', 'start', 'claude', '--session', name, '--prompt', `race ${round}`]),
        world.pwt(['remove', name, '--strategy', 'abandon', '--yes']),
      ]);
      // Each either did its work or refused cleanly (exit 3); neither crashed.
      expect([0, 3], `start: ${started.stderr}`).toContain(started.code);
      expect([0, 3], `remove: ${removed.stderr}`).toContain(removed.code);
      const recorded = (await world.agents()).map((agent: { id: string; status: string }) => `${agent.id} ${agent.status}`);
      const live = world
        .tmux('list-panes', '-a', '-F', '#{pane_dead} #{@pwt-agent} #{pane_current_path}')
        .stdout.trim()
        .split('\n')
        .filter((line) => line.startsWith('0 '));
      for (const line of live) {
        const [, agentId, path] = line.split(' ');
        // A live agent is recorded as running and sits in its worktree, which exists.
        expect(recorded, line).toContain(`${agentId} running`);
        expect(path, line).toBe(realpathSync(join(world.project.sessionsDir, agentId!.replace(/-claude$/, ''))));
      }
      if (removed.code === 0) {
        expect(existsSync(cwd)).toBe(false);
        expect(live.filter((line) => line.includes(`${name}-claude`))).toEqual([]);
      }
    }
  }, 300_000);
});

describe('an agent that never got a prompt', () => {
  it('stops in a few seconds, not after a long wait for a conversation it never had', async () => {
    const world = worlds.make();
    const cwd = await world.session('quiet');
    await world.ok(['agent', 'start', 'claude'], cwd);
    const pane = () =>
      world
        .tmux('list-panes', '-a', '-F', '#{pane_id} #{@pwt-agent}')
        .stdout.split('\n')
        .find((line) => line.endsWith(' quiet-claude'))
        ?.split(' ')[0] ?? '';
    await poll('claude to show its input box', () => world.tmux('capture-pane', '-p', '-t', pane()).stdout.includes('❯'), 60_000);
    const started = Date.now();
    const stopped = await world.ok(['agent', 'stop'], cwd);
    const took = Date.now() - started;
    expect(stopped.stderr).toMatch(/Stopped claude \(agent quiet-claude, with its quit command\)/);
    // The quit itself takes about a second; the old 5 s wait for a conversation made it 5.5 s.
    expect(took, `agent stop took ${took} ms`).toBeLessThan(4_500);
    expect(await world.agents('quiet')).toEqual([expect.objectContaining({ id: 'quiet-claude', status: 'stopped' })]);
  }, 120_000);
});
