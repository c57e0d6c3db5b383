// Shared bench helpers: an isolated git world and a timer that reports medians.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLI = new URL('../dist/cli.cjs', import.meta.url).pathname;

export function world() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'pwt-bench-')));
  const home = join(root, 'home');
  mkdirSync(home);
  writeFileSync(join(home, '.gitconfig'), '[user]\n\tname = Bench\n\temail = bench@example.test\n[init]\n\tdefaultBranch = main\n');
  const env = { PATH: process.env.PATH, HOME: home, GIT_CONFIG_GLOBAL: join(home, '.gitconfig'), GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C', NO_COLOR: '1', CI: '1' };
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
 * (after one warm-up each) so both see the same machine noise.
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
  return { base: median(a), ours: median(b) };
}

export async function timeAsync(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function row(label, ms, baselineLabel, baselineMs, target) {
  const ratio = ms / baselineMs;
  const verdict = target === undefined ? '' : ratio <= target ? `  (target <= ${target}x: met)` : `  (target <= ${target}x: MISSED)`;
  console.log(`${label.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms   vs ${baselineLabel.padEnd(34)} ${baselineMs.toFixed(1).padStart(8)} ms   ratio ${ratio.toFixed(2)}x${verdict}`);
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
    entryPoints: providers.map((provider) => ({ in: new URL(`../src/core/agents/${provider}.ts`, import.meta.url).pathname, out: provider })),
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
