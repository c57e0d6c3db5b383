import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PwtError } from '../../../src/core/infra/errors.js';
import { processCwd, processStartTime } from '../../../src/core/infra/processes.js';
import {
  CD_LAUNCHER,
  capturePane,
  capturePanes,
  killWindow,
  pasteText,
  listAgentPanes,
  listPanes,
  newAgentWindow,
  PROMPT_PLACEHOLDER,
  sendKeys,
  typeText,
  WINDOW_HEIGHT,
  WINDOW_WIDTH,
} from '../../../src/core/tmux/windows.js';
import { poll } from '../../agents/harness.js';
import { isolateTmux, printingPanes } from '../../helpers/tmux.js';

/** The tmux door against a real tmux server of its own (TMUX_TMPDIR per test). */
const server = isolateTmux();
let dir: string;
let locale: string | undefined;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'pwt-door-')));
  // Under a non-UTF-8 locale tmux rewrites control characters (a tab) in its output: the door must not depend on them.
  locale = process.env.LC_ALL;
  process.env.LC_ALL = 'C';
}, 60_000);
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  if (locale === undefined) delete process.env.LC_ALL;
  else process.env.LC_ALL = locale;
}, 60_000);

const base = () => ({ tmuxSession: 'app/s1', main: '/main/app', session: 's1', agentId: 's1-claude', windowName: 'claude', cwd: dir, env: process.env });

describe('tmux door', () => {
  it('starts an argument vector in the folder, tagged, at the fixed size; lists and closes it', async () => {
    // A value with spaces, quotes and $ reaches the program as one argument: no shell parses it.
    const tricky = `it's "$HOME" ; echo pwned`;
    const made = await newAgentWindow({
      ...base(),
      argv: ['node', '-e', 'require("fs").writeFileSync("argv.json", JSON.stringify(process.argv.slice(1))); setInterval(() => {}, 1000)', tricky],
    });
    expect(made.tmuxSession).toBe('app/s1');
    await poll(
      'argv.json',
      () => {
        try {
          return readFileSync(join(dir, 'argv.json'), 'utf8');
        } catch {
          return null;
        }
      },
      10_000,
      50,
    );
    expect(JSON.parse(readFileSync(join(dir, 'argv.json'), 'utf8'))).toEqual([tricky]);
    expect(processCwd(made.panePid)).toBe(dir);
    expect(processStartTime(made.panePid)).toMatch(/^\d+$/);

    const [pane] = await listAgentPanes();
    expect(pane).toMatchObject({
      tmuxSession: 'app/s1',
      windowId: made.windowId,
      paneId: made.paneId,
      agentId: 's1-claude',
      session: 's1',
      main: '/main/app',
      panePid: made.panePid,
      dead: false,
      windowName: 'claude',
    });
    expect(server.tmux('display-message', '-p', '-t', made.windowId, '#{window_width}x#{window_height}').stdout.trim()).toBe(
      `${WINDOW_WIDTH}x${WINDOW_HEIGHT}`,
    );
    expect(server.tmux('show-options', '-t', 'app/s1', '-v', '@pwt-session').stdout.trim()).toBe('s1');

    // A second agent of the same pwt session is a second window of the same tmux session.
    const second = await newAgentWindow({ ...base(), agentId: 's1-codex', windowName: 'codex', argv: ['sleep', '60'] });
    expect(second.tmuxSession).toBe('app/s1');
    expect((await listAgentPanes()).map((each) => each.agentId).sort()).toEqual(['s1-claude', 's1-codex']);

    await killWindow(made.windowId);
    await killWindow(made.windowId); // already gone: fine
    expect((await listAgentPanes()).map((each) => each.agentId)).toEqual(['s1-codex']);
  }, 30_000);

  it('makes and tags each window in one tmux command (a new session, then one that has other windows): no kill leaves one untagged', async () => {
    // A tmux on PATH that logs each call, then runs the real one.
    const bin = join(dir, 'bin');
    const log = join(dir, 'tmux-calls.log');
    mkdirSync(bin);
    const real = spawnSync('sh', ['-c', 'command -v tmux'], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(join(bin, 'tmux'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      const first = await newAgentWindow({ ...base(), argv: ['sleep', '60'] });
      // The session's current window is the first one; a window the user made after it is the last.
      server.tmux('new-window', '-d', '-t', '=app/s1:', '-n', 'mine', 'sleep', '60');
      const second = await newAgentWindow({ ...base(), agentId: 's1-codex', windowName: 'codex', argv: ['sleep', '60'] });
      const tagged = (window: string) => server.tmux('display-message', '-p', '-t', window, '#{@pwt-agent} #{@pwt-session} #{@pwt-main}').stdout.trim();
      expect(tagged(first.windowId)).toBe('s1-claude s1 /main/app');
      expect(tagged(second.windowId)).toBe('s1-codex s1 /main/app');
      expect(server.tmux('show-options', '-v', '-t', first.windowId, '@pwt-main').stdout.trim()).toBe('/main/app');
      expect(server.tmux('list-windows', '-t', '=app/s1', '-F', '#{window_name}:#{@pwt-agent}').stdout.trim().split('\n')).toEqual([
        'claude:s1-claude',
        'mine:',
        'codex:s1-codex',
      ]);
      // Every tag was set by the call that made its window.
      const calls = readFileSync(log, 'utf8')
        .split('\n')
        .filter((line) => line.includes('@pwt-agent') && !/list-|display-|show-/.test(line));
      expect(calls).toHaveLength(2);
      expect(calls[0]).toMatch(/new-session .*@pwt-main .*@pwt-session .*@pwt-agent s1-claude/);
      expect(calls[1]).toMatch(/new-window .*@pwt-agent s1-codex/);
    } finally {
      process.env.PATH = path;
    }
  }, 30_000);

  it('refuses a folder that does not exist (tmux would start in $HOME) and starts nothing', async () => {
    const error = await newAgentWindow({ ...base(), cwd: join(dir, 'gone'), argv: ['sleep', '60'] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PwtError);
    expect(error).toMatchObject({ exitCode: 3, message: expect.stringMatching(/does not exist/) });
    expect(await listPanes()).toEqual([]);
  }, 60_000);

  it('keeps a dead pane (with its exit status when tmux knows it); no server means no panes', async () => {
    expect(await listPanes()).toEqual([]);
    const made = await newAgentWindow({ ...base(), argv: ['sh', '-c', 'echo bye; sleep 0.5; exit 7'] });
    const pane = await poll('the pane to die', async () => (await listAgentPanes()).find((each) => each.paneId === made.paneId && each.dead), 10_000, 50);
    // tmux 3.3a does not always know the status (the pane can die on the terminal's end before the process is reaped): pwt never relies on it.
    expect([7, null]).toContain(pane.deadStatus);
    expect(await capturePane(made.paneId)).toContain('bye');
    server.killServer();
    expect(await listPanes()).toEqual([]);
    expect(await capturePane(made.paneId)).toBe('');
    expect(await sendKeys(made.paneId, 'Enter')).toBe(false);
  }, 30_000);

  it('passes a prompt longer than tmux takes, multibyte, whole, through a file', async () => {
    // 40,000 four-byte characters: 160 KB, over tmux's ~16 KB command limit and Linux's 128 KiB per argument... so split in two.
    const text = `${'😀'.repeat(20_000)}\n"quoted" $dollar 'single'\nlast line`;
    const file = join(dir, 'prompt.txt');
    writeFileSync(file, text);
    await newAgentWindow({
      ...base(),
      promptFile: file,
      argv: ['node', '-e', 'require("fs").writeFileSync("got.txt", process.argv[1]); setInterval(() => {}, 1000)', PROMPT_PLACEHOLDER],
    });
    const got = await poll(
      'got.txt',
      () => {
        try {
          return readFileSync(join(dir, 'got.txt'), 'utf8');
        } catch {
          return null;
        }
      },
      10_000,
      50,
    );
    expect(got).toBe(text);
  }, 30_000);

  it('gives the program the environment it was asked for, also on a server started with another one', async () => {
    const probe = (name: string) => [
      'node',
      '-e',
      `require("fs").writeFileSync(${JSON.stringify(name)}, JSON.stringify({ a: process.env.PWT_T_A ?? null, b: process.env.PWT_T_B ?? null }))`,
    ];
    await newAgentWindow({ ...base(), env: { ...process.env, PWT_T_A: 'first', PWT_T_B: 'only-first' }, argv: probe('one.json') });
    await newAgentWindow({ ...base(), agentId: 's1-codex', env: { ...process.env, PWT_T_A: 'second' }, argv: probe('two.json') });
    const read = (name: string) =>
      poll(
        name,
        () => {
          try {
            return JSON.parse(readFileSync(join(dir, name), 'utf8'));
          } catch {
            return null;
          }
        },
        10_000,
        50,
      );
    expect(await read('one.json')).toEqual({ a: 'first', b: 'only-first' });
    expect(await read('two.json')).toEqual({ a: 'second', b: null });
  }, 30_000);

  it('passes arguments, a folder, tags and environment values ending in ";" as data: none ends a tmux command', async () => {
    // tmux takes an argument ending in ';' as a command separator: sent as they are, these would cut the
    // command short and run what follows ('kill-server') as tmux commands.
    const args = ['a;', 'b\\;', ';', 'kill-server'];
    const cwd = join(dir, 'work;');
    mkdirSync(cwd);
    const made = await newAgentWindow({
      ...base(),
      main: '/main/app;',
      session: 's1;',
      cwd,
      env: { ...process.env, PWT_T_SEMI: 'history -a;' },
      argv: [
        'node',
        '-e',
        'require("fs").writeFileSync("semi.json", JSON.stringify({ args: process.argv.slice(1), env: process.env.PWT_T_SEMI ?? null }))',
        ...args,
      ],
    });
    const got = await poll(
      'semi.json',
      () => {
        try {
          return JSON.parse(readFileSync(join(cwd, 'semi.json'), 'utf8'));
        } catch {
          return null;
        }
      },
      10_000,
      50,
    );
    expect(got).toEqual({ args, env: 'history -a;' });
    expect(server.tmux('has-session', '-t', `=${made.tmuxSession}`).code).toBe(0);
    expect(await listAgentPanes()).toMatchObject([{ paneId: made.paneId, main: '/main/app;', session: 's1;', agentId: 's1-claude' }]);
  }, 30_000);

  it('captures many panes in one call by their ids, also past %3 (display-message pads a literal "%4" through strftime)', async () => {
    const panes = printingPanes(
      server,
      Array.from({ length: 12 }, (_, i) => ({ name: `p${i}`, script: `echo screen ${i}` })),
      40,
      3,
    );
    expect(panes.at(-1)).toMatch(/^%\d{2,}$/);
    for (const [i, pane] of panes.entries())
      await poll(`screen ${i}`, async () => ((await capturePane(pane, 0)).includes(`screen ${i}`) ? true : null), 10_000, 50);
    const screens = await capturePanes(panes);
    expect([...screens.keys()].sort()).toEqual([...panes].sort());
    for (const [i, pane] of panes.entries()) expect(screens.get(pane)).toBe(await capturePane(pane, 0));
    expect(screens.get(panes[11] as string)).toMatch(/^screen 11\n/);
  }, 30_000);

  it('types literal text and key names into a pane', async () => {
    const made = await newAgentWindow({ ...base(), argv: ['sh', '-c', 'read line; echo "got:$line" > typed.txt; sleep 60'] });
    expect(await typeText(made.paneId, 'a;b $c;')).toBe(true);
    expect(await sendKeys(made.paneId, 'Enter')).toBe(true);
    const got = await poll(
      'typed.txt',
      () => {
        try {
          return readFileSync(join(dir, 'typed.txt'), 'utf8');
        } catch {
          return null;
        }
      },
      10_000,
      50,
    );
    expect(got).toBe('got:a;b $c;\n');
  }, 30_000);

  it('pastes text of any length with tabs and newlines as one paste (no key names, nothing left in a buffer)', async () => {
    const made = await newAgentWindow({ ...base(), argv: ['sh', '-c', 'stty raw -echo; exec cat > pasted.txt'] });
    const text = `Enter C-c\tone\ntwo ${'x'.repeat(20_000)} END`;
    expect(await pasteText(made.paneId, text)).toBe(true);
    await poll(
      'the paste',
      () => {
        try {
          return readFileSync(join(dir, 'pasted.txt'), 'utf8').endsWith('END') || null;
        } catch {
          return null;
        }
      },
      10_000,
      50,
    );
    expect(readFileSync(join(dir, 'pasted.txt'), 'utf8')).toBe(text);
    expect(server.tmux('list-buffers').stdout.trim()).toBe('');
  }, 30_000);

  it('the pane launcher enters its folder or exits: a folder gone before the program starts never runs it elsewhere', () => {
    const marker = join(dir, 'ran-elsewhere');
    const gone = spawnSync('sh', ['-c', CD_LAUNCHER, 'pwt-cd', join(dir, 'removed-meanwhile'), 'touch', marker], { cwd: '/', encoding: 'utf8' });
    expect(gone.status).toBe(126);
    expect(existsSync(marker)).toBe(false);
    const there = spawnSync('sh', ['-c', CD_LAUNCHER, 'pwt-cd', dir, 'sh', '-c', 'pwd'], { cwd: '/', encoding: 'utf8' });
    expect(there.stdout.trim()).toBe(dir);
  });
});
