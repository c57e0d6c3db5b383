import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openProject } from '../src/core/project/project.js';
import { GIT_PER_REFRESH, WatchModel } from '../src/core/sessions/watch/model.js';
import { capturePane, capturePanes } from '../src/core/tmux/windows.js';
import { controlClient } from '../src/core/tmux/control.js';
import { makeProject, parseJson, type Project } from './helpers/sandbox.js';
import { isolateTmux, printingPanes, standInAgent } from './helpers/tmux.js';
import { poll } from './agents/harness.js';

/**
 * `pwt agent list --all` and a `pwt watch` refresh spawn the same number of
 * git and tmux processes whether 2 or 6 agents run (10 sessions each time):
 * one `list-panes -a` for every pane and one tmux call for every screen that
 * changed; a watch refresh none for tmux (its control client answers), and
 * the same two as list when that client is gone. Every git and tmux process is counted by a wrapper on PATH that
 * logs its arguments and runs the real program. The agents are stand-ins:
 * `cat` in a window of pwt's tmux server, tagged and recorded as a claude
 * agent the way the runtime records one (no vendor CLI is needed to count
 * processes).
 */
const SESSIONS = 10;
const tmux = isolateTmux();
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** A folder with `git` and `tmux` that log each call to `log` and exec the real ones. */
function countingPath(root: string): { bin: string; log: string; calls(): string[] } {
  const bin = join(root, 'counting-bin');
  const log = join(root, 'execs.log');
  mkdirSync(bin);
  writeFileSync(log, '');
  for (const name of ['git', 'tmux']) {
    const real = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, name), `#!/bin/sh\nprintf '%s\\n' "${name} $*" >> '${log}'\nexec '${real}' "$@"\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return { bin, log, calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

/** SESSIONS sessions, the first `agents` of them with a running stand-in agent whose screen has new output. */
async function world(agents: number): Promise<Project> {
  const project = makeProject();
  cleanups.push(() => project.sandbox.cleanup());
  const { sandbox, main, sessionsDir } = project;
  const sessions = [];
  for (let i = 0; i < SESSIONS; i++) {
    const id = `s${i}`;
    const cwd = join(sessionsDir, id);
    sandbox.git(main, 'worktree', 'add', '--quiet', '-b', `session/${id}`, cwd);
    const session: Record<string, unknown> = {
      id,
      branch: `session/${id}`,
      worktree: `../app-sessions/${id}`,
      startedAt: new Date().toISOString(),
      goals: [`goal ${i}`],
      status: 'active',
      base: 'main',
    };
    if (i < agents) session.agents = [standInAgent(tmux, { main, session: id, cwd })];
    sessions.push(session);
  }
  writeFileSync(join(sessionsDir, '.manifest.json'), JSON.stringify({ version: 1, project: 'app', sessions }, null, 2));
  return project;
}

/** Makes every stand-in print a line, and waits until each screen shows it. */
async function output(project: Project, text: string): Promise<void> {
  const panes = tmux.tmux('list-panes', '-a', '-F', '#{pane_id}').stdout.split('\n').filter(Boolean);
  for (const pane of panes) tmux.tmux('send-keys', '-t', pane, text, 'Enter');
  for (const pane of panes)
    await poll(`${pane} to show ${text}`, async () => (tmux.tmux('capture-pane', '-p', '-t', pane).stdout.includes(text) ? true : null), 10_000, 50);
  void project;
}

const kinds = (calls: string[]) => ({
  listPanes: calls.filter((c) => c.startsWith('tmux -u -L pwt list-panes')).length,
  control: calls.filter((c) => c.startsWith('tmux ') && c.includes(' -C attach-session')).length,
  tmux: calls.filter((c) => c.startsWith('tmux ')).length,
  gitStatus: calls.filter((c) => c.startsWith('git ') && c.includes(' status ')).length,
  git: calls.filter((c) => c.startsWith('git ')).length,
});

/** The processes of one `pwt agent list --all --json` and of one watch refresh with every session's git facts due. */
async function measure(agents: number) {
  const project = await world(agents);
  const counter = countingPath(project.sandbox.root);
  const PATH = `${counter.bin}:${project.sandbox.env.PATH}`;

  // agent list: every screen is new to it.
  await output(project, 'first');
  const listed = project.sandbox.pwt(project.main, ['agent', 'list', '--all', '--json'], { PATH, TMUX_TMPDIR: tmux.dir() });
  expect(listed.code, listed.stderr).toBe(0);
  const running = parseJson<{ agents: { status: string }[] }>(listed.stdout).agents.filter((a) => a.status === 'running').length;
  const list = kinds(counter.calls());

  // watch: a first frame, then new output on every screen, then a refresh half a minute on (every session's git facts due).
  const model = new WatchModel(await openProject(project.main));
  await model.frame();
  await model.settled();
  await output(project, 'second');
  writeFileSync(counter.log, '');
  const saved = process.env.PATH;
  process.env.PATH = PATH;
  let frame;
  try {
    frame = await model.frame(Date.now() + 31_000);
    await model.settled();
  } finally {
    process.env.PATH = saved;
  }
  const refresh = kinds(counter.calls());
  const seen = frame.sessions.flatMap((s) => s.agents).filter((a) => a.status === 'running').length;

  // The control client killed: that refresh spawns as before and starts a new client; the next spawns no tmux.
  const killed = controlClient()!;
  process.kill(killed.pid!, 'SIGKILL');
  await poll('the control client to be seen dead', () => !killed.alive, 10_000, 20);
  const again = async () => {
    await output(project, `more${Math.random()}`);
    writeFileSync(counter.log, '');
    process.env.PATH = PATH;
    try {
      await model.frame();
      await model.settled();
    } finally {
      process.env.PATH = saved;
    }
    return kinds(counter.calls());
  };
  const recovering = await again();
  const recovered = await again();
  const replaced = controlClient()?.pid;
  await model.close();
  expect(controlClient()).toBeNull();

  // Without control mode (watch before its client starts, or when it cannot): one list-panes and one capture call.
  const spawning = new WatchModel(await openProject(project.main), { control: false });
  await spawning.frame();
  await spawning.settled();
  const fallback = await (async () => {
    await output(project, 'third');
    writeFileSync(counter.log, '');
    process.env.PATH = PATH;
    try {
      await spawning.frame();
      await spawning.settled();
    } finally {
      process.env.PATH = saved;
    }
    return kinds(counter.calls());
  })();
  tmux.killServer();
  return { running, seen, list, refresh, recovering, recovered, fallback, replaced: replaced !== undefined && replaced !== killed.pid };
}

describe('processes per refresh with many agents', () => {
  it('agent list --all and a watch refresh spawn as many git and tmux processes at 6 running agents as at 2', async () => {
    const two = await measure(2);
    const six = await measure(6);
    expect([two.running, six.running, two.seen, six.seen]).toEqual([2, 6, 2, 6]);
    // One list-panes for every pane, one more tmux call for every changed screen, no git.
    expect(two.list).toEqual({ listPanes: 1, control: 0, tmux: 2, gitStatus: 0, git: 0 });
    expect(six.list).toEqual(two.list);
    // The refresh: no tmux process (the panes and screens come through watch's control client);
    // git for at most GIT_PER_REFRESH of the 10 due sessions, plus one for-each-ref.
    expect(two.refresh.tmux).toBe(0);
    expect(two.refresh.gitStatus).toBe(Math.min(SESSIONS, GIT_PER_REFRESH));
    expect(six.refresh).toEqual(two.refresh);
    // Its client killed: one refresh lists the panes by spawning and starts a new client (which captures), then none again.
    for (const each of [two, six]) {
      expect(each.recovering).toMatchObject({ listPanes: 1, control: 1, tmux: 2 });
      expect(each.recovered).toMatchObject({ tmux: 0 });
      expect(each.replaced).toBe(true);
      // Without control mode: one list-panes and one capture call, as many at 6 agents as at 2.
      expect(each.fallback).toMatchObject({ listPanes: 1, control: 0, tmux: 2 });
    }
  }, 120_000);

  it('capturePanes: every screen as capture-pane shows it; a pane that is gone is left out, the ones after it still come', async () => {
    const words = ['one', 'two', 'three'];
    const panes = printingPanes(
      tmux,
      words.map((word) => ({ name: word, script: `printf '${word}\\n\\nend ${word}'` })),
      60,
      10,
    );
    for (const [i, pane] of panes.entries())
      await poll(`${pane} to print`, async () => ((await capturePane(pane, 0)).includes(`end ${words[i]}`) ? true : null), 10_000, 50);
    const gone = tmux.tmux('new-session', '-d', '-s', 'gone', '-P', '-F', '#{pane_id}', '--', 'cat').stdout.trim();
    expect(tmux.tmux('kill-session', '-t', 'gone').code).toBe(0);
    const screens = await capturePanes([panes[0]!, gone, panes[1]!, panes[2]!]);
    expect([...screens.keys()]).toEqual(panes);
    for (const pane of panes) expect(screens.get(pane)).toBe(await capturePane(pane, 0));
    expect(screens.get(panes[1]!)).toMatch(/^two\n\nend two\n/);
  }, 60_000);
});
