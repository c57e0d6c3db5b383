import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { CLI, NODE } from '../helpers/sandbox.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processesIn } from '../../src/core/infra/processes.js';
import { poll } from './harness.js';
import { useModelServer } from './e2e.js';
import { screenOf, useRuntimeWorlds, waitForRequest } from './runtime-world.js';

/**
 * opencode: one interactive start by pwt (its TUI takes ~20 s to start on two
 * busy cores; its resume is covered headless in opencode.e2e.test.ts), with
 * the id captured from its store and its own /exit. cursor: its CLI is not on
 * npm, so a stand-in `cursor-agent` on PATH records the command lines pwt
 * runs (create-chat, then --resume <id> with the prompt) and quits on C-c.
 */
const server = useModelServer();
const worlds = useRuntimeWorlds(server, ['opencode']);

const paneOf = (world: ReturnType<typeof worlds.make>, agentId: string) =>
  world
    .tmux('list-panes', '-a', '-F', '#{pane_id} #{@pwt-agent}')
    .stdout.split('\n')
    .find((line) => line.endsWith(` ${agentId}`))
    ?.split(' ')[0] ?? '';

describe('pwt runs opencode and cursor', () => {
  it('opencode: started with a prompt in tmux, its id captured for the worktree, stopped with /exit', async () => {
    const world = worlds.make();
    const cwd = await world.session('oc');
    await world.ok(['agent', 'start', 'opencode', '--prompt', 'hello opencode'], cwd);
    await waitForRequest(server, 'hello opencode', 0, 120_000);
    await poll('opencode to answer', () => screenOf(world, paneOf(world, 'oc-opencode')).includes('Reply to: hello opencode'), 120_000);
    const agent = await poll('the captured id', async () => (await world.agents('oc')).find((each: any) => each.vendorSessionId), 30_000);
    expect(agent).toMatchObject({
      id: 'oc-opencode',
      status: 'running',
      vendorSessionId: expect.stringMatching(/^ses_/),
      resumeArgs: ['opencode', '--session', agent.vendorSessionId],
    });
    const stop = await world.ok(['agent', 'stop'], cwd);
    expect(stop.stderr).toMatch(/Stopped opencode \(agent oc-opencode, with its quit command\)/);
    expect(processesIn(cwd)).toEqual([]);
  }, 300_000);

  it('cursor: create-chat pins the id, the prompt goes with --resume <id>, resume args by id (stand-in CLI: cursor-agent is not on npm)', async () => {
    const world = worlds.make();
    const cwd = await world.session('cu');
    const bin = join(world.project.sandbox.root, 'bin');
    mkdirSync(bin);
    const log = join(world.project.sandbox.root, 'cursor-calls.txt');
    const script = [
      '#!/bin/sh',
      `printf '%s\\n' "$*" >> '${log}'`,
      'if [ "$1" = create-chat ]; then echo 11112222-3333-4444-8555-666677778888; exit 0; fi',
      "trap 'exit 130' INT",
      'echo cursor ready',
      'while :; do sleep 1; done',
      '',
    ].join('\n');
    writeFileSync(join(bin, 'cursor-agent'), script);
    chmodSync(join(bin, 'cursor-agent'), 0o755);
    world.env.PATH = `${bin}:${world.env.PATH}`;

    await world.ok(['agent', 'start', 'cursor', '--prompt', 'hello cursor'], cwd);
    await poll('the stand-in to start', () => screenOf(world, paneOf(world, 'cu-cursor')).includes('cursor ready'), 30_000);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['create-chat', '--resume 11112222-3333-4444-8555-666677778888 hello cursor']);
    const [agent] = await world.agents('cu');
    expect(agent).toMatchObject({
      id: 'cu-cursor',
      status: 'running',
      cli: 'cursor-agent',
      vendorSessionId: '11112222-3333-4444-8555-666677778888',
      resumeArgs: ['cursor-agent', '--resume', '11112222-3333-4444-8555-666677778888'],
    });
    const stop = await world.ok(['agent', 'stop'], cwd);
    expect(stop.stderr).toMatch(/Stopped cursor \(agent cu-cursor, with its quit command\)/);
  }, 120_000);

  it('inside your own tmux: start does not nest (it says how to attach), attach nests on request and shows the agent (stand-in cursor-agent)', async () => {
    const world = worlds.make();
    const cwd = await world.session('nest');
    const bin = join(world.project.sandbox.root, 'bin');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'cursor-agent'),
      [
        '#!/bin/sh',
        'if [ "$1" = create-chat ]; then echo 99998888-7777-4666-8555-444433332222; exit 0; fi',
        "trap 'exit 130' INT",
        'echo cursor stand-in ready',
        'while :; do sleep 1; done',
        '',
      ].join('\n'),
    );
    chmodSync(join(bin, 'cursor-agent'), 0o755);
    world.env.PATH = `${bin}:${world.env.PATH}`;
    // "Your own tmux": another server (-L outer), whose pane is a terminal with $TMUX set.
    const outer = (...args: string[]) => spawnSync('tmux', ['-L', 'outer', ...args], { env: { ...world.env, TMUX: '' }, encoding: 'utf8', cwd: '/' });
    const pwt = (args: string) => `${NODE} ${CLI} ${args}`;
    try {
      outer(
        'new-session',
        '-d',
        '-s',
        'mine',
        '-x',
        '150',
        '-y',
        '40',
        '-c',
        cwd,
        '--',
        'sh',
        '-c',
        `${pwt('agent start cursor --prompt hello')}; echo start-done; exec sleep 600`,
      );
      const screen = () => outer('capture-pane', '-p', '-J', '-t', 'mine', '-S', '-50').stdout;
      await poll('the start to finish', () => screen().includes('start-done'), 60_000);
      expect(screen()).toMatch(/You are inside tmux: pwt does not nest tmux on its own/);
      expect((await world.agents('nest'))[0]).toMatchObject({ id: 'nest-cursor', status: 'running' });

      outer('new-window', '-t', 'mine', '-c', cwd, '--', 'sh', '-c', `${pwt('agent attach')}; exec sleep 600`);
      await poll(
        'the nested attach to show the agent',
        () => outer('capture-pane', '-p', '-J', '-t', 'mine:1').stdout.includes('cursor stand-in ready'),
        60_000,
      );
    } finally {
      outer('kill-server');
    }
  }, 180_000);
});
