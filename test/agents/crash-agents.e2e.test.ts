import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processesIn } from '../../src/core/infra/processes.js';
import { commitFile } from '../helpers/sandbox.js';
import { gitMayWrite, standInGit } from '../helpers/stand-in-git.js';
import { killPwtServer } from '../helpers/tmux.js';
import { poll } from './harness.js';
import { useModelServer } from './e2e.js';
import { requestText, screenOf, useRuntimeWorlds, type RuntimeWorld } from './runtime-world.js';

/**
 * The kill-at-every-step harness of test/crash.test.ts for the commands that
 * start and end agents: `pwt agent switch`, `pwt run start` and `pwt run
 * pick`, with the real pi (the lightest agent CLI) and a stand-in
 * `cursor-agent` (cursor's CLI is not on npm; it starts at once and quits on
 * C-c) in pwt's own tmux server, isolated per test. Each command is cut with
 * SIGKILL before its K-th git (the stand-in git) and before its K-th file
 * change (PWT_FAULT=kill-before-change:K), for every K until it runs through,
 * then run again; git, the manifest, the run file and tmux then show the job
 * done, nothing lost, and exactly one window per agent.
 *
 * Every K costs whole seconds here (pi is a node program that draws a screen,
 * and a cut state is rebuilt from a copy with no process in it: the tmux
 * server is killed and, for switch, pi resumed again), so every K is cut but
 * each command runs in the smallest world that has all its steps: one
 * session for switch, a run of two agents for start and pick.
 */
const server = useModelServer();
const worlds = useRuntimeWorlds(server, ['pi']);
const MAX_CUTS = 80;

const extra: string[] = [];
afterAll(() => {
  for (const path of extra) rmSync(path, { recursive: true, force: true });
});

/** A stand-in cursor-agent on the world's PATH: create-chat prints an id; otherwise it logs its arguments and waits, quitting on C-c. */
function standInCursor(world: RuntimeWorld): string {
  const bin = join(world.project.sandbox.root, 'bin');
  mkdirSync(bin, { recursive: true });
  const calls = join(world.project.sandbox.root, 'cursor-calls.txt');
  const script = [
    '#!/bin/sh',
    'if [ "$1" = create-chat ]; then cat /proc/sys/kernel/random/uuid; exit 0; fi',
    `printf '%s\\n' "$*" >> '${calls}'`,
    "trap 'exit 130' INT",
    'echo cursor ready',
    'while :; do sleep 1; done',
    '',
  ].join('\n');
  writeFileSync(join(bin, 'cursor-agent'), script);
  chmodSync(join(bin, 'cursor-agent'), 0o755);
  world.env.PATH = `${bin}:${world.env.PATH}`;
  return calls;
}

const manifestOf = (world: RuntimeWorld) => JSON.parse(readFileSync(join(world.project.sessionsDir, '.manifest.json'), 'utf8'));
const sessionOf = (world: RuntimeWorld, id: string) => manifestOf(world).sessions.find((each: { id: string }) => each.id === id);
const git = (world: RuntimeWorld, cwd: string, ...args: string[]) => world.project.sandbox.git(cwd, ...args).trim();
const runFile = (world: RuntimeWorld, name: string) => JSON.parse(readFileSync(join(world.project.sessionsDir, '.pwt', 'runs', `${name}.json`), 'utf8'));
const intentsLeft = (world: RuntimeWorld) => {
  const dir = join(world.project.sessionsDir, '.pwt', 'intents');
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.json')) : [];
};

/** Live panes of pwt's tmux server, by agent id (a dead pane, remain-on-exit, is not counted). */
function liveWindows(world: RuntimeWorld): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of world.tmux('list-panes', '-a', '-F', '#{@pwt-agent} #{pane_dead}').stdout.split('\n')) {
    const [agent = '', dead = ''] = line.split(' ');
    if (agent && dead === '0') counts.set(agent, (counts.get(agent) ?? 0) + 1);
  }
  return counts;
}

/** What every finished command leaves: no intent waiting, no orphan. */
async function checkSettled(world: RuntimeWorld, cut: string): Promise<void> {
  expect(intentsLeft(world), cut).toEqual([]);
  const status = JSON.parse((await world.ok(['status', '--json'])).stdout);
  expect(status.orphans, cut).toEqual([]);
}

interface Scenario {
  /** Builds the state the command starts from (once); no process may be left running. */
  prepare: (world: RuntimeWorld) => Promise<void>;
  /** Brings back, after each copy, what a copy cannot hold (a running agent). */
  arrange?: (world: RuntimeWorld) => Promise<void>;
  command: string[];
  cwd?: (world: RuntimeWorld) => string;
  /** Asserts that the command's job is done and nothing was lost. */
  check: (world: RuntimeWorld, cut: string) => Promise<void>;
}

/** Ends every process this world started: pwt's tmux server (the agents in it) and anything else still in the sandbox. */
function endProcesses(world: RuntimeWorld): void {
  killPwtServer(world.tmuxDir);
  for (const pid of processesIn(world.project.sandbox.root)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * Cuts the scenario's command before every git that may write (a logged run
 * first lists its gits: a cut before one that only reads leaves the same
 * state on disk as a cut before the next one that writes) and before every
 * file change; returns how many gits it ran, how many were cut, and how many
 * file changes were cut.
 */
async function cutEverywhere(world: RuntimeWorld, scenario: Scenario): Promise<{ gits: number; gitCuts: number; changes: number }> {
  const root = world.project.sandbox.root;
  await scenario.prepare(world);
  endProcesses(world);
  const template = `${root}.template`;
  const bin = standInGit(`${root}.bin`);
  extra.push(template, bin);
  execFileSync('cp', ['-a', root, template]);
  const counter = join(bin, 'count');
  const reset = async () => {
    endProcesses(world);
    rmSync(root, { recursive: true, force: true });
    execFileSync('cp', ['-a', template, root]);
    rmSync(counter, { force: true });
    rmSync(`${counter}.log`, { force: true });
    await scenario.arrange?.(world);
  };
  const name = scenario.command.join(' ');
  const cwd = () => scenario.cwd?.(world) ?? world.project.main;
  /** Runs the command with `env` added to the world's for this run only. */
  const runWith = async (env: NodeJS.ProcessEnv) => {
    const saved = { ...world.env };
    Object.assign(world.env, env);
    try {
      return await world.pwt(scenario.command, cwd());
    } finally {
      for (const key of Object.keys(env)) delete world.env[key];
      Object.assign(world.env, saved);
    }
  };
  const gitEnv = (k: number) => ({ PATH: `${bin}:${world.env.PATH}`, CRASH_KILL_AT: String(k), CRASH_COUNTER: counter });
  /** After a cut: the same command again finishes the job. */
  const again = async (cut: string) => {
    const rerun = await world.pwt(scenario.command, cwd());
    expect(rerun.code, `${cut}, then again: ${rerun.stderr}`).toBe(0);
    await scenario.check(world, cut);
    await checkSettled(world, cut);
  };

  await reset();
  const logged = await runWith(gitEnv(0));
  expect(logged.code, `${name} (not cut): ${logged.stderr}`).toBe(0);
  await scenario.check(world, `${name} (not cut)`);
  await checkSettled(world, `${name} (not cut)`);
  const calls = readFileSync(`${counter}.log`, 'utf8')
    .split('\n')
    // A line that does not start with its number is the rest of an argument with a newline in it.
    .filter((line) => /^\d+ /.test(line))
    .map((line) => line.split(' '));
  expect(
    calls.map(([k]) => Number(k)),
    'one log line per git',
  ).toEqual(calls.map((_, index) => index + 1));
  const writes = calls.filter(([, ...args]) => gitMayWrite(args)).map(([k]) => Number(k));
  for (const k of writes) {
    await reset();
    const cut = `${name}, killed before git #${k} (${calls[k - 1]?.slice(1).join(' ')})`;
    const cutRun = await runWith(gitEnv(k));
    expect(cutRun.code, `${cut}: it was not cut (${cutRun.stderr})`).toBeNull();
    await again(cut);
  }

  let changes = 0;
  for (let k = 1; k <= MAX_CUTS; k++) {
    await reset();
    const cut = `${name}, killed before file change #${k}`;
    const cutRun = await runWith({ PWT_FAULT: `kill-before-change:${k}` });
    if (cutRun.code !== null) {
      // Ran through: every file change has been cut.
      expect(cutRun.code, `${cut}: ${cutRun.stderr}`).toBe(0);
      await scenario.check(world, `${name} (not cut)`);
      await checkSettled(world, cut);
      changes = k - 1;
      break;
    }
    expect(k, `${cut}: never ran through`).toBeLessThan(MAX_CUTS);
    await again(cut);
  }
  endProcesses(world);
  // The stand-in git and the fault hook did cut: a harness that never kills would pass everything.
  expect(writes.length, 'gits cut').toBeGreaterThan(2);
  expect(changes, 'file changes cut').toBeGreaterThan(0);
  return { gits: calls.length, gitCuts: writes.length, changes };
}

describe('crash consistency of the agent commands: every cut completes on the re-run', () => {
  it('run pick: cut everywhere, then again: the picked work is in the base, the other session archived once, the run says what was picked', async () => {
    const world = worlds.make();
    standInCursor(world);
    let piTip = '';
    let cursorTip = '';
    const started = Date.now();
    const counts = await cutEverywhere(world, {
      prepare: async () => {
        for (const provider of ['pi', 'cursor']) world.trust(join(world.project.sessionsDir, `r-${provider}`));
        await world.ok(['run', 'start', 'r', '--agents', 'pi,cursor', '--prompt', 'pick prompt']);
        await poll('pi to get the prompt', () => server.requests.find((request) => requestText(request).includes('pick prompt')), 90_000);
        commitFile(world.project.sandbox, join(world.project.sessionsDir, 'r-pi'), 'pi.txt', 'pi\n');
        commitFile(world.project.sandbox, join(world.project.sessionsDir, 'r-cursor'), 'cursor.txt', 'cursor\n');
        writeFileSync(join(world.project.sessionsDir, 'r-cursor', 'loose.txt'), 'untracked\n');
        piTip = git(world, join(world.project.sessionsDir, 'r-pi'), 'rev-parse', 'HEAD');
        cursorTip = git(world, join(world.project.sessionsDir, 'r-cursor'), 'rev-parse', 'HEAD');
        await world.ok(['run', 'stop', 'r']);
      },
      command: ['run', 'pick', 'r', 'pi', '--yes'],
      check: async (world, cut) => {
        const main = world.project.main;
        expect(world.project.sandbox.sh('git', ['merge-base', '--is-ancestor', piTip, 'main'], main).code, cut).toBe(0);
        for (const session of ['r-pi', 'r-cursor']) {
          expect(sessionOf(world, session), cut).toBeUndefined();
          expect(existsSync(join(world.project.sessionsDir, session)), cut).toBe(false);
        }
        const refs = git(world, main, 'for-each-ref', '--format=%(refname)', 'refs/pwt/archive/r-cursor/').split('\n').filter(Boolean);
        expect(refs, cut).toHaveLength(1);
        expect(git(world, main, 'rev-parse', `${refs[0]}^1`), cut).toBe(cursorTip);
        expect(git(world, main, 'show', `${refs[0]}:loose.txt`), cut).toBe('untracked');
        expect(runFile(world, 'r').picked, cut).toMatchObject({ provider: 'pi', session: 'r-pi', strategy: 'merge' });
      },
    });
    console.log(`run pick: ${counts.gitCuts} of ${counts.gits} gits and ${counts.changes} file changes cut in ${Math.round((Date.now() - started) / 1000)} s`);
  }, 900_000);
});
