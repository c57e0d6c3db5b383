import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NODE } from '../../helpers/sandbox.js';
import { isolateTmux } from '../../helpers/tmux.js';
import { poll } from '../../agents/harness.js';

/**
 * Attaching hands the terminal to tmux alone. The process that attaches may
 * still read its terminal (`pwt watch` hands over from its view, whose input
 * handler is taken down asynchronously): if it read the bytes tmux's server
 * was told were there, the server's read would find none and tmux would drop
 * its client (exit 1, "server exited unexpectedly"). Here the attaching
 * process reads its stdin all along (src/core/tmux/tmux.ts bundled for it),
 * and every key typed while attached must reach the agent's pane.
 */
const tmux = isolateTmux();
let root: string;
let script: string;
let socket: string | undefined;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pwt-attach-'));
  const entry = join(root, 'entry.ts');
  writeFileSync(
    entry,
    [
      `import { tmuxInteractive } from ${JSON.stringify(new URL('../../../src/core/tmux/tmux.ts', import.meta.url).pathname)};`,
      // Reading its terminal, as a view's input handler does until it is taken down.
      `process.stdin.on('data', () => {});`,
      `const end = await tmuxInteractive(['attach-session', '-t', '=agent']);`,
      'console.log(`ATTACH-END ${end.code} ${end.stderr}`);',
      'process.exit(0);',
    ].join('\n'),
  );
  script = join(root, 'attach.mjs');
  await build({ entryPoints: [entry], outfile: script, bundle: true, format: 'esm', platform: 'node', logLevel: 'warning' });
});

afterEach(() => {
  if (socket) spawnSync('tmux', ['-S', socket, 'kill-server'], { stdio: 'ignore' });
  socket = undefined;
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The user's terminal: a tmux server of its own (not pwt's) running `command`. */
function terminal(command: string[]) {
  socket = join(root, `term-${Date.now()}.sock`);
  const env: NodeJS.ProcessEnv = { ...process.env, TMUX_TMPDIR: tmux.dir(), TERM: 'xterm-256color' };
  delete env.TMUX;
  const run = (...args: string[]) => spawnSync('tmux', ['-S', socket!, ...args], { env, encoding: 'utf8' });
  run('-f', '/dev/null', 'new-session', '-d', '-s', 'term', '-x', '100', '-y', '30', '--', ...command);
  run('set-option', '-t', 'term', 'remain-on-exit', 'on');
  return {
    screen: () => run('capture-pane', '-p', '-t', 'term').stdout,
    keys: (...keys: string[]) => run('send-keys', '-t', 'term', ...keys),
  };
}

/** The agent pane's lines (its history too), blank ones left out. */
const agentLines = () =>
  tmux
    .tmux('capture-pane', '-p', '-S', '-100', '-t', '=agent:')
    .stdout.split('\n')
    .map((line) => line.trimEnd())
    .filter(Boolean);

describe('attach', () => {
  it('keeps the terminal while the attaching process reads its stdin: every key reaches the agent, and detaching ends it with exit 0', async () => {
    // The agent: cat in pwt's (isolated) server, printing each line it is sent once (the terminal's echo off).
    expect(tmux.tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'agent', '-x', '80', '-y', '20', 'stty -echo; cat').code).toBe(0);
    const term = terminal([NODE, script]);
    await poll('the attach (tmux status line of the agent session)', () => /\[agent\]/.test(term.screen()), 20_000);
    for (let line = 1; line <= 30; line++) term.keys(`line-${line}`, 'Enter');
    await poll(
      'every line in the agent pane',
      () => {
        if (/ATTACH-END/.test(term.screen())) throw new Error(`the attach ended early:\n${term.screen()}`);
        return agentLines().includes('line-30') ? true : null;
      },
      20_000,
    );
    expect(agentLines()).toEqual(Array.from({ length: 30 }, (_, index) => `line-${index + 1}`));
    expect(tmux.tmux('detach-client', '-s', 'agent').code).toBe(0);
    await poll('the attach to end', () => /ATTACH-END 0\s*$/m.test(term.screen()), 20_000);
  }, 60_000);
});
