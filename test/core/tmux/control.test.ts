import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeControlClient, controlClient, ControlClient, ensureControlClient, overControl } from '../../../src/core/tmux/control.js';
import { capturePane, capturePanes, listPanes } from '../../../src/core/tmux/windows.js';
import { poll } from '../../agents/harness.js';
import { isolateTmux } from '../../helpers/tmux.js';

/**
 * The control-mode client (`tmux -C`) against a real tmux server of its own
 * (TMUX_TMPDIR per test): it answers as a spawned tmux does, leaves the
 * sessions as they were, is replaced when it dies, and leaves no process
 * behind.
 */
const server = isolateTmux();
afterEach(async () => {
  await closeControlClient();
}, 30_000);

const alive = (pid: number | undefined) => {
  try {
    process.kill(pid as number, 0);
    return true;
  } catch {
    return false;
  }
};
/** The control clients of the test's server: "pid flags" per client. */
const controlClients = () =>
  server
    .tmux('list-clients', '-F', '#{client_pid} #{client_control_mode} #{client_flags}')
    .stdout.split('\n')
    .filter((line) => / 1 /.test(line));

function session(name: string, width: number, height: number, script: string): string {
  const made = server.tmux('new-session', '-d', '-s', name, '-x', String(width), '-y', String(height), '-P', '-F', '#{pane_id}', '--', 'sh', '-c', script);
  expect(made.code, made.stderr).toBe(0);
  return made.stdout.trim();
}

describe('tmux control mode', () => {
  it('answers list-panes and capture-pane as a spawned tmux does, through one client', async () => {
    // A screen a parser could trip on: a fake end-of-block line, a quote, a backslash, UTF-8.
    const tricky = session('app/s1', 50, 8, `printf '%%end 1 2 1\\nit'"'"'s back\\\\slash café ✻\\n'; exec cat`);
    const plain = session('two', 30, 4, 'printf "plain"; exec cat');
    await poll(
      'the screens',
      async () => ((await capturePane(tricky, 0)).includes('café') && (await capturePane(plain, 0)).includes('plain') ? true : null),
      10_000,
      50,
    );
    const spawned = { panes: await listPanes(), screens: [await capturePane(tricky, 0), await capturePane(plain, 0)] };

    expect(await ensureControlClient()).toBe(true);
    const client = controlClient()!;
    expect(controlClients()).toHaveLength(1);
    expect(await listPanes()).toEqual(spawned.panes);
    const gone = session('gone', 20, 3, 'exec cat');
    server.tmux('kill-session', '-t', 'gone');
    const screens = await capturePanes([tricky, gone, plain]);
    expect([...screens.keys()]).toEqual([tricky, plain]);
    expect([screens.get(tricky), screens.get(plain)]).toEqual(spawned.screens);
    expect(screens.get(tricky)).toMatch(/^%end 1 2 1\nit's back\\slash café ✻\n/);
    // Quoting: nothing of the argument is expanded by tmux's parser; a failing command is an exit code, as spawned.
    expect(await client.run(['display-message', '-p', "it's $HOME ~ ; #{session_name}"])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^it's \$HOME ~ ; \S+\n$/),
    });
    // An argument ending in ';', or ';' itself, is data: it never ends the command (which would answer twice).
    expect(await client.run(['set-option', '-g', '@pwt-probe', 'x;'])).toMatchObject({ code: 0 });
    expect(await client.run(['show-options', '-gv', '@pwt-probe'])).toMatchObject({ code: 0, stdout: 'x;\n' });
    expect(await client.run(['display-message', '-p', ';'])).toMatchObject({ code: 0, stdout: ';\n' });
    expect(await client.run(['capture-pane', '-p', '-t', '%999'])).toEqual({ stdout: '', stderr: "can't find pane: %999\n", code: 1 });
    // Many commands in flight at once come back in order.
    const many = await overControl(Array.from({ length: 50 }, (_, i) => ['display-message', '-p', `n${i}`]));
    expect(many?.map((r) => r.stdout)).toEqual(Array.from({ length: 50 }, (_, i) => `n${i}\n`));
    expect(controlClient()).toBe(client);
  }, 60_000);

  it('leaves the sessions as they were: no window resized, no environment taken from pwt, no output stream', async () => {
    const pane = session('agent', 100, 20, 'exec cat');
    session('other', 120, 30, 'exec cat');
    // update-environment copies listed variables from an attaching client into the session: -E must stop that.
    expect(server.tmux('set-option', '-g', 'update-environment', 'PWT_CONTROL_PROBE').code).toBe(0);
    process.env.PWT_CONTROL_PROBE = 'from-watch';
    const sizes = () => server.tmux('list-windows', '-a', '-F', '#{session_name} #{window_width}x#{window_height}').stdout;
    const before = { sizes: sizes(), env: server.tmux('show-environment', '-t', 'agent').stdout };
    try {
      expect(await ensureControlClient()).toBe(true);
    } finally {
      delete process.env.PWT_CONTROL_PROBE;
    }
    const [line] = controlClients();
    expect(line).toMatch(/ignore-size/);
    expect(line).toMatch(/no-output/);
    expect(server.tmux('send-keys', '-t', pane, 'typed', 'Enter').code).toBe(0);
    await poll('the typed line', async () => ((await capturePane(pane, 0)).includes('typed') ? true : null), 10_000, 50);
    expect(sizes()).toBe(before.sizes);
    expect(server.tmux('show-environment', '-t', 'agent').stdout).toBe(before.env);
    expect(server.tmux('show-environment', '-t', 'other').stdout).not.toMatch(/PWT_CONTROL_PROBE=/);
  }, 60_000);

  it('close ends the tmux client process; a client that died is replaced by the next ensure', async () => {
    session('a', 40, 5, 'exec cat');
    session('b', 40, 5, 'exec cat');
    expect(await ensureControlClient()).toBe(true);
    const first = controlClient()!;
    expect(alive(first.pid)).toBe(true);
    // Killed: the reads go on by spawning tmux, and the next ensure starts a new client at once.
    process.kill(first.pid!, 'SIGKILL');
    await poll('the client to be seen dead', () => !first.alive, 10_000, 20);
    expect(await overControl([['list-panes', '-a']])).toBeNull();
    expect((await listPanes()).length).toBe(2);
    expect(await ensureControlClient()).toBe(true);
    const second = controlClient()!;
    expect(second.pid).not.toBe(first.pid);
    // The session it attached to ends: tmux sends %exit, and the next ensure attaches to the one left.
    const attachedTo = server.tmux('list-clients', '-F', '#{client_session}').stdout.trim();
    expect(server.tmux('kill-session', '-t', attachedTo).code).toBe(0);
    await poll('the client to exit with its session', () => !second.alive, 10_000, 20);
    expect(await ensureControlClient()).toBe(true);
    const third = controlClient()!;
    expect(third.alive).toBe(true);
    await closeControlClient();
    expect(controlClient()).toBeNull();
    expect(alive(third.pid)).toBe(false);
    expect(alive(second.pid)).toBe(false);
    expect(controlClients()).toEqual([]);
  }, 60_000);

  it('cannot start without a session or without tmux (the reads spawn tmux as before) and waits before trying again', async () => {
    expect(await ControlClient.open()).toBeNull();
    // It did not start a server to look (tmux -N).
    expect(existsSync(join(server.dir(), `tmux-${process.getuid!()}`, 'pwt'))).toBe(false);
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(await ControlClient.open()).toBeNull();
    } finally {
      process.env.PATH = path;
    }
    expect(await ensureControlClient()).toBe(false);
    session('late', 40, 5, 'exec cat');
    // Within the retry interval it does not try again; past it, it does.
    expect(await ensureControlClient()).toBe(false);
    expect(controlClient()).toBeNull();
    expect((await listPanes()).map((p) => p.tmuxSession)).toEqual(['late']);
    expect(await ensureControlClient(Date.now() + 11_000)).toBe(true);
  }, 60_000);
});
