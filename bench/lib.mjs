// Shared bench helpers: an isolated git world, a timer that reports medians,
// and the child-process measuring of the reading benches.
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLI = new URL('../dist/cli.cjs', import.meta.url).pathname;

/**
 * `npm run bench` runs every bench in a few minutes on a 2-core machine: fewer
 * repeats and smaller set-ups. BENCH_FULL=1 runs the full sizes the README's
 * older rows were measured with (about three quarters of an hour there).
 */
export const FULL = process.env.BENCH_FULL === '1';
export const size = (quick, full) => (FULL ? full : quick);

export function world() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'pwt-bench-')));
  const home = join(root, 'home');
  mkdirSync(home);
  writeFileSync(join(home, '.gitconfig'), '[user]\n\tname = Bench\n\temail = bench@example.test\n[init]\n\tdefaultBranch = main\n');
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_GLOBAL: join(home, '.gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
    LC_ALL: 'C',
    NO_COLOR: '1',
    CI: '1',
  };
  const run = (cmd, args, cwd, extra = {}) => execFileSync(cmd, args, { cwd, env: { ...env, ...extra }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { root, env, run };
}

/** A repo with `files` files spread over folders, one commit. */
export function makeRepo(w, name, files) {
  const dir = join(w.root, name);
  mkdirSync(dir);
  w.run('git', ['init', '--quiet'], dir);
  for (let i = 0; i < files; i++) {
    const folder = join(dir, `src${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(folder);
    writeFileSync(join(folder, `file${i}.txt`), `line ${i}\n`);
  }
  writeFileSync(join(dir, '.gitignore'), '.env\n');
  writeFileSync(join(dir, '.env'), 'SECRET=1\n');
  w.run('git', ['add', '.'], dir);
  w.run('git', ['commit', '--quiet', '-m', 'init'], dir);
  return dir;
}

const median = (samples) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
const clock = (fn, i) => {
  const start = process.hrtime.bigint();
  fn(i);
  return Number(process.hrtime.bigint() - start) / 1e6;
};

/** Median wall time in ms of `runs` calls of fn (after one warm-up). */
export function time(fn, runs) {
  fn(0);
  return median(Array.from({ length: runs }, (_, i) => clock(fn, i + 1)));
}

/**
 * Median wall times in ms of `runs` calls of baseline and ours, alternating
 * (after one warm-up each) so both see the same machine noise; the fastest
 * of each too (baseMin, oursMin: on a loaded machine the least disturbed run).
 */
export function compare(baseline, ours, runs) {
  baseline(0);
  ours(0);
  const a = [];
  const b = [];
  for (let i = 1; i <= runs; i++) {
    a.push(clock(baseline, i));
    b.push(clock(ours, i));
  }
  return { base: median(a), ours: median(b), baseMin: Math.min(...a), oursMin: Math.min(...b) };
}

/** The machine's 1-minute load average, as /proc/loadavg gives it ('?' elsewhere). */
export function loadAverage() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  } catch {
    return '?';
  }
}

export async function timeAsync(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function row(label, ms, baselineLabel, baselineMs, target) {
  const ratio = ms / baselineMs;
  const verdict = target === undefined ? '' : ratio <= target ? `  (target <= ${target}x: met)` : `  (target <= ${target}x: MISSED)`;
  console.log(
    `${label.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms   vs ${baselineLabel.padEnd(34)} ${baselineMs.toFixed(1).padStart(8)} ms   ratio ${ratio.toFixed(2)}x${verdict}`,
  );
}

export { spawnSync };

/**
 * The built CLI is one bundle, so benches that call adapters directly bundle
 * them on their own (once per run, into a temp folder shared with child
 * processes through PWT_BENCH_ADAPTERS).
 */
export async function adapterDir(providers) {
  if (process.env.PWT_BENCH_ADAPTERS) return process.env.PWT_BENCH_ADAPTERS;
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'pwt-bench-adapters-'));
  await build({
    entryPoints: providers.map((provider) => ({ in: new URL(`../src/core/agents/vendors/${provider}/adapter.ts`, import.meta.url).pathname, out: provider })),
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['better-sqlite3'],
    logLevel: 'warning',
  });
  process.env.PWT_BENCH_ADAPTERS = dir;
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// Reading benches (copilot-gemini, transcripts): each read runs in a child
// process of the bench script so its peak RSS is its own.

/** Runs `script` again as `--child ...args` (with --expose-gc) and returns the JSON it printed. */
export function measureInChild(script, args, env) {
  const result = spawnSync(process.execPath, ['--expose-gc', new URL(script).pathname, '--child', ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`bench child failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/**
 * In the child: times `read` and prints { ms, rss, ...what read returned }
 * for measureInChild. rss is the growth of the process's peak RSS
 * (getrusage, so no spike between samples is missed) over the RSS before the
 * read; load modules first, so the figure is about reading.
 */
export async function reportChildRun(read) {
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  const start = process.hrtime.bigint();
  const counts = await read();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const peak = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ ms, rss: Math.max(0, peak - before), ...counts }));
}

/** The adapter's whole transcript: its message and tool call counts. */
export async function readWhole(adapter, id) {
  const transcript = await adapter.readTranscript(id, { env: process.env });
  return { messages: transcript.messages.length, tools: transcript.messages.reduce((n, m) => n + m.tools.length, 0) };
}

/** The naive baseline: read the whole file, split, JSON.parse every line. */
export function readNaive(file) {
  const records = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  return { messages: records.length, tools: 0 };
}

/** Writes `lines` (strings as they are, anything else JSON-encoded), one a line, until `file` holds `bytes`. */
export async function writeLines(file, lines, bytes) {
  const out = createWriteStream(file);
  let written = 0;
  for (const line of lines) {
    if (written >= bytes) break;
    const text = `${typeof line === 'string' ? line : JSON.stringify(line)}\n`;
    written += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** One measured read: time, peak RSS growth, and that growth against the file's size. */
export function printRead(label, r, size, width = 44) {
  console.log(
    `  ${label.padEnd(width)} ${r.ms.toFixed(0).padStart(6)} ms   peak RSS growth ${mb(r.rss).padStart(9)}  (${(r.rss / size).toFixed(2)}x the file)`,
  );
}

/**
 * A stand-in agent's window: `argv` in a tmux session `tmuxSession` of pwt's
 * tmux server (the one `env`'s TMUX_TMPDIR isolates), `width`x`height`, in
 * `cwd`, tagged the way the runtime tags an agent's window. Returns what the
 * manifest records of it (`tmux` of an agent entry).
 */
export function standInWindow(env, { tmuxSession, cwd, argv, agent, session, main, width = 200, height = 50 }) {
  const tmux = (...args) => execFileSync('tmux', ['-L', 'pwt', ...args], { env, encoding: 'utf8', cwd: '/' });
  const [window, pane, pid] = tmux(
    'new-session',
    '-d',
    '-s',
    tmuxSession,
    '-x',
    String(width),
    '-y',
    String(height),
    '-c',
    cwd,
    '-P',
    '-F',
    '#{window_id} #{pane_id} #{pane_pid}',
    '--',
    ...argv,
  )
    .trim()
    .split(' ');
  const tags = [
    ['@pwt-agent', agent],
    ['@pwt-session', session],
    ['@pwt-main', main],
  ];
  tmux(...tags.flatMap(([key, value], i) => [...(i ? [';'] : []), 'set-option', '-w', '-t', window, key, value]));
  const pidStart = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[19];
  return { session: tmuxSession, window, pane, pid: Number(pid), pidStart };
}

/**
 * The tests' model server (test/agents/server), bundled into a temp folder
 * and started: `url` and `requests` as in the tests; `close()` stops it and
 * removes the bundle.
 */
export async function startModelServer() {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'pwt-bench-server-'));
  await build({
    entryPoints: [new URL('../test/agents/server/index.ts', import.meta.url).pathname],
    outfile: join(dir, 'server.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  const { startModelServer: start } = await import(join(dir, 'server.mjs'));
  const server = await start();
  const close = server.close.bind(server);
  server.close = async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  };
  return server;
}
