// CPU of `pwt watch` over a minute (BENCH_WATCH_SECONDS to change) with 10
// sessions and 3 running agents in pwt's tmux server (isolated by
// TMUX_TMPDIR): one agent repaints a spinner ten times a second (a working
// TUI, the costly case: its pane changes every refresh), one prints a line
// every 2 s, one is still (idle). The view runs in a tmux pane of its own
// (80x30); its CPU is read from /proc before and after: the process itself,
// and with the git and tmux processes it ran (children it waited for).
// Target: under 5% of one core.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, size, makeRepo, standInWindow, world } from './lib.mjs';

const SECONDS = Number(process.env.BENCH_WATCH_SECONDS) || size(10, 60);
const w = world();
const tmuxDir = join(w.root, 'tmux');
mkdirSync(tmuxDir);
const env = { TMUX_TMPDIR: tmuxDir, TERM: 'xterm-256color' };
const main = makeRepo(w, 'app', 200);
const pwt = (...args) => w.run(process.execPath, [CLI, ...args], main, env);
for (let i = 0; i < 10; i++) pwt('create', `s${i}`, '--goal', `Goal number ${i} of the benchmark`);

const tmux = (...args) => w.run('tmux', ['-L', 'pwt', ...args], main, env).trim();
const programs = [
  ['sh', '-c', 'i=0; while :; do i=$((i+1)); printf "\\r* Working (%ss - esc to interrupt) %s" $((i/10)) $i; sleep 0.1; done'],
  ['sh', '-c', 'while :; do date; sleep 2; done'],
  ['sleep', '100000'],
];
const ticks = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { own: Number(fields[11]) + Number(fields[12]), children: Number(fields[13]) + Number(fields[14]), start: fields[19] };
};
const manifestFile = join(w.root, 'app-sessions', '.manifest.json');
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
programs.forEach((argv, i) => {
  const session = `s${i}`;
  const agentId = `${session}-claude`;
  const cwd = join(w.root, 'app-sessions', session);
  const place = standInWindow({ ...w.env, ...env }, { tmuxSession: `app/${session}`, cwd, argv, agent: agentId, session, main });
  const record = manifest.sessions.find((s) => s.id === session);
  record.agents = [
    {
      id: agentId,
      provider: 'claude',
      vendorSessionId: null,
      status: 'running',
      cli: 'claude',
      cliCommand: argv,
      resumeArgs: null,
      spawnedAt: new Date().toISOString(),
      tmux: place,
    },
  ];
});
writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);

// The view, in a terminal of its own.
const viewSocket = join(w.root, 'view.sock');
const view = (...args) => w.run('tmux', ['-S', viewSocket, '-f', '/dev/null', ...args], main, env).trim();
const viewPid = Number(
  view('new-session', '-d', '-s', 'view', '-P', '-F', '#{pane_pid}', '-x', '80', '-y', '30', '-c', main, '--', process.execPath, CLI, 'watch'),
);
view('set-option', '-t', 'view', 'remain-on-exit', 'on');
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
for (let i = 0; i < 100 && !view('capture-pane', '-p', '-t', 'view').includes('idle'); i++) await sleep(100);
await sleep(3000); // past start-up: measure the steady state
const hz = Number(w.run('getconf', ['CLK_TCK'], main).trim()) || 100;
const before = ticks(viewPid);
await sleep(SECONDS * 1000);
const after = ticks(viewPid);
const screen = view('capture-pane', '-p', '-t', 'view', '-S', '-50');
view('kill-server');
tmux('kill-server');
rmSync(w.root, { recursive: true, force: true });

const pct = (t) => ((t / hz / SECONDS) * 100).toFixed(1);
const own = after.own - before.own;
const all = own + (after.children - before.children);
console.log(`pwt watch, 10 sessions, 3 running agents (one repainting 10x/s), ${SECONDS} s:`);
console.log(
  `  the watch process: ${pct(own)}% of one core; with the git and tmux it ran: ${pct(all)}%   (target < 5%: ${Number(pct(all)) < 5 ? 'met' : 'MISSED'})`,
);
if (!/s0 .*\n\s+claude\s+running/.test(screen)) console.log('  (the view did not show the sessions: the figure is not valid)\n' + screen);
