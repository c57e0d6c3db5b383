import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processesIn } from '../../src/core/infra/processes.js';
import { commitFile } from '../helpers/sandbox.js';
import { gitsToCut, standInGit } from '../helpers/stand-in-git.js';
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
 * Every K costs seconds here (pi is a node program that draws a screen, and a
 * cut state is rebuilt from a copy with no process in it: the tmux server is
 * killed and, for switch, pi resumed again), so a logged run first lists the
 * command's gits and tmux calls, and a git is cut only where the state
 * differs from the next cut: before a git that may write, or the first git
 * after tmux changed something. Before a git that only reads, nothing has
 * changed since the previous cut point. Every file change is cut. Each
 * command runs in the smallest world that has all its steps: one session for
 * switch, a run of two agents for start and pick. About 6 minutes in all on
 * two cores.
 */
const server = useModelServer();
const worlds = useRuntimeWorlds(server, ['pi']);
const MAX_CUTS = 80;

const extra: string[] = [];
afterAll(() => {
  for (const path of extra) rmSync(path, { recursive: true, force: true });
});

/**
 * A stand-in cursor-agent on the world's PATH: create-chat prints an id; otherwise it records its arguments and waits,
 * quitting on C-c. `forget` drops the launches recorded so far (each run of a scenario starts without them); `launches`
 * waits for what the launches since wrote: a detached start returns once the agent's window exists, before the
 * process in it has run.
 */
function standInCursor(world: RuntimeWorld): { forget: () => void; launches: () => Promise<string> } {
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
  return {
    forget: () => rmSync(calls, { force: true }),
    // Whole launches only: each ends its record with a newline.
    launches: () =>
      poll('cursor-agent to be launched', () => {
        const text = existsSync(calls) ? readFileSync(calls, 'utf8') : '';
        return text.endsWith('\n') && text;
      }),
  };
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

const paneOf = (world: RuntimeWorld, agentId: string) =>
  world
    .tmux('list-panes', '-a', '-F', '#{pane_id} #{@pwt-agent}')
    .stdout.split('\n')
    .find((line) => line.endsWith(` ${agentId}`))
    ?.split(' ')[0] ?? '';

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
 * Cuts the scenario's command before every git that may write and every git
 * right after a tmux call that changed something (a logged run lists them:
 * gitsToCut), and before every file change; returns how many gits it ran,
 * how many were cut, and how many file changes were cut.
 */
async function cutEverywhere(world: RuntimeWorld, scenario: Scenario): Promise<{ gits: number; gitCuts: number; changes: number }> {
  const root = world.project.sandbox.root;
  await scenario.prepare(world);
  endProcesses(world);
  const template = `${root}.template`;
  const bin = standInGit(`${root}.bin`, { tmux: true });
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
  const { cut: writes, gits } = gitsToCut(readFileSync(`${counter}.log`, 'utf8'));
  for (const k of writes) {
    await reset();
    const cut = `${name}, killed before git #${k}`;
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
  expect(gits, 'gits logged').toBeGreaterThan(0);
  expect(changes, 'file changes cut').toBeGreaterThan(0);
  return { gits, gitCuts: writes.length, changes };
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
    // The merge, two worktrees and branches, the archive.
    expect(counts.gitCuts).toBeGreaterThan(5);
    console.log(`run pick: ${counts.gitCuts} of ${counts.gits} gits and ${counts.changes} file changes cut in ${Math.round((Date.now() - started) / 1000)} s`);
  }, 900_000);

  it('run start: cut everywhere, then again: both sessions with the goal, one window per agent, each agent got the prompt', async () => {
    const world = worlds.make();
    const cursor = standInCursor(world);
    const started = Date.now();
    const counts = await cutEverywhere(world, {
      prepare: async () => {
        for (const provider of ['pi', 'cursor']) world.trust(join(world.project.sessionsDir, `s-${provider}`));
      },
      arrange: async () => cursor.forget(),
      command: ['run', 'start', 's', '--agents', 'pi,cursor', '--goal', 'Fix it', '--prompt', 'start prompt'],
      check: async (world, cut) => {
        const run = runFile(world, 's');
        expect(run.starting, cut).toBeUndefined();
        expect(
          run.agents.map((agent: any) => [agent.session, agent.agentId, agent.error]),
          cut,
        ).toEqual([
          ['s-pi', 's-pi-pi', undefined],
          ['s-cursor', 's-cursor-cursor', undefined],
        ]);
        for (const provider of ['pi', 'cursor']) {
          const session = `s-${provider}`;
          expect(sessionOf(world, session)?.goals, cut).toEqual(['Fix it']);
          expect(git(world, world.project.main, 'rev-parse', `refs/heads/session/${session}`), cut).toBe(git(world, world.project.main, 'rev-parse', 'main'));
          expect(
            sessionOf(world, session)?.agents?.map((agent: any) => [agent.id, agent.status]),
            cut,
          ).toEqual([[`${session}-${provider}`, 'running']]);
        }
        const windows = liveWindows(world);
        expect([windows.get('s-pi-pi'), windows.get('s-cursor-cursor')], `${cut}: windows per agent`).toEqual([1, 1]);
        expect((await cursor.launches()).trim().split('\n').pop(), cut).toMatch(/start prompt$/);
        expect(readFileSync(join(world.project.sessionsDir, '.pwt', 'agents', 's-pi-pi.prompt.txt'), 'utf8'), cut).toContain('start prompt');
      },
    });
    // Two worktrees added, and the gits after each agent's window opened.
    expect(counts.gitCuts).toBeGreaterThanOrEqual(2);
    console.log(`run start: ${counts.gitCuts} of ${counts.gits} gits and ${counts.changes} file changes cut in ${Math.round((Date.now() - started) / 1000)} s`);
  }, 900_000);

  it("agent switch: cut everywhere, then again: pi detached with its conversation, cursor runs alone with pi's conversation handed over", async () => {
    const world = worlds.make();
    const cursor = standInCursor(world);
    let cwd = '';
    let piId = '';
    const started = Date.now();
    const counts = await cutEverywhere(world, {
      prepare: async () => {
        cwd = await world.session('w');
        await world.ok(['agent', 'start', 'pi', '--prompt', 'switch prompt', '--detach'], cwd);
        await poll('pi to answer', () => screenOf(world, paneOf(world, 'w-pi')).includes('Reply to: switch prompt'), 90_000);
        await world.ok(['agent', 'stop'], cwd);
        piId = (await world.agents('w'))[0].vendorSessionId;
        expect(piId).toBeTruthy();
      },
      arrange: async () => {
        await world.ok(['agent', 'resume', 'pi', '--detach'], cwd);
        cursor.forget();
      },
      command: ['agent', 'switch', 'cursor', '--detach'],
      cwd: () => cwd,
      check: async (world, cut) => {
        const agents = sessionOf(world, 'w').agents;
        const pi = agents.find((agent: any) => agent.provider === 'pi');
        // Cut after pi quit and before its record said so, pi reads exited: resumable all the same.
        expect(pi, cut).toMatchObject({
          status: expect.stringMatching(/^(detached|exited)$/),
          vendorSessionId: piId,
          resumeArgs: expect.arrayContaining(['pi']),
        });
        expect(
          agents.find((agent: any) => agent.provider === 'cursor'),
          cut,
        ).toMatchObject({ id: 'w-cursor', status: 'running' });
        const windows = liveWindows(world);
        expect([windows.get('w-pi') ?? 0, windows.get('w-cursor')], `${cut}: windows per agent`).toEqual([0, 1]);
        const launch = await cursor.launches();
        expect(launch, cut).toContain('Previous Session Context');
        expect(launch.slice(launch.lastIndexOf('Previous Session Context')), cut).toContain('switch prompt');
      },
    });
    console.log(
      `agent switch: ${counts.gitCuts} of ${counts.gits} gits and ${counts.changes} file changes cut in ${Math.round((Date.now() - started) / 1000)} s`,
    );
  }, 900_000);
});
