// `pwt status` against the plain git loop that gives the same information
// (changes and ahead/behind per worktree), on two repo shapes, interleaved:
// total time of --json, time to the first session row of the human table
// (piped), and pwt's cost per session over git's.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, size, makeRepo, world } from './lib.mjs';

const SHAPES = [
  { name: 'small', files: 50, sessions: size(60, 200), runs: size(3, 7) },
  { name: 'big', files: size(1_000, 10_000), sessions: size(15, 100), runs: size(3, 5) },
];
const only = process.env.PWT_BENCH_SHAPE;
const w = world();
const node = process.execPath;

/**
 * A repo of `files` files with `sessions` session worktrees registered in the
 * manifest: every third has a commit of its own, every fourth an edited and
 * an untracked file, and main has moved on by one commit (so every session is
 * behind). Built with one shell loop; the manifest is written directly.
 */
function setUp(shape) {
  const repo = makeRepo(w, shape.name, shape.files);
  const sessionsDir = join(w.root, `${shape.name}-sessions`);
  mkdirSync(sessionsDir);
  const script = `set -e
i=0
while [ "$i" -lt ${shape.sessions} ]; do
  d="${sessionsDir}/s$i"
  git worktree add --quiet -b "session/s$i" "$d" main
  if [ $((i % 3)) -eq 0 ]; then echo "work $i" > "$d/work.txt"; git -C "$d" add work.txt; git -C "$d" commit --quiet -m "work $i"; fi
  if [ $((i % 4)) -eq 0 ]; then echo edited >> "$d/src0/file0.txt"; echo new > "$d/untracked.txt"; fi
  i=$((i + 1))
done
echo moved > moved.txt && git add moved.txt && git commit --quiet -m "main moves on"
`;
  w.run('sh', ['-c', script], repo);
  const startedAt = new Date().toISOString();
  const sessions = Array.from({ length: shape.sessions }, (_, i) => ({
    id: `s${i}`,
    branch: `session/s${i}`,
    worktree: `../${shape.name}-sessions/s${i}`,
    startedAt,
    goals: [`goal of session ${i}`],
    status: 'active',
    base: 'main',
  }));
  writeFileSync(join(sessionsDir, '.manifest.json'), JSON.stringify({ version: 1, project: shape.name, sessions }, null, 2));
  const loop = join(w.root, `${shape.name}-loop.sh`);
  writeFileSync(
    loop,
    `for d in "${sessionsDir}"/s*; do\n  echo "$d"\n  git -C "$d" status --porcelain\n  git -C "$d" rev-list --left-right --count main...HEAD\ndone\n`,
  );
  const empty = join(w.root, `${shape.name}-empty`);
  mkdirSync(empty);
  return { repo, loop, empty };
}

/** Runs a command; resolves with its total time and the time of the first stdout line matching `first`. */
function timed(cmd, args, cwd, env, first) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - start) / 1e6;
    const child = spawn(cmd, args, { cwd, env: { ...w.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
    let firstAt = null;
    let text = '';
    child.stdout.on('data', (chunk) => {
      if (firstAt !== null) return;
      text += chunk.toString();
      if (first.test(text)) firstAt = ms();
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve({ total: ms(), first: firstAt }) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`))));
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (ms) => `${ms.toFixed(0).padStart(6)} ms`;

for (const shape of SHAPES.filter((s) => !only || s.name === only)) {
  const { repo, loop, empty } = setUp(shape);
  const cases = {
    loop: () => timed('sh', [loop], repo, {}, /^\d+\t\d+$/m),
    json: () => timed(node, [CLI, 'status', '--json'], repo, {}, /\n/),
    table: () => timed(node, [CLI, 'status'], repo, {}, /\ns0\s/),
    // At a terminal (a pseudo-terminal from `script`, tall enough to redraw in place): the skeleton's first row.
    tty: () => timed('script', ['-q', '-e', '-c', `stty rows 300 cols 200; exec "${node}" "${CLI}" status`, '/dev/null'], repo, {}, /(\n|\u001B\[2K)s0\s/),
    fixed: () => timed(node, [CLI, 'status', '--json'], repo, { PWT_SESSIONS_DIR: empty }, /\n/),
  };
  const samples = Object.fromEntries(Object.keys(cases).map((key) => [key, []]));
  for (const run of Object.values(cases)) await run();
  for (let i = 0; i < shape.runs; i++) for (const [key, run] of Object.entries(cases)) samples[key].push(await run());

  const loopMs = median(samples.loop.map((s) => s.total));
  const jsonMs = median(samples.json.map((s) => s.total));
  const fixedMs = median(samples.fixed.map((s) => s.total));
  const firstRow = median(samples.table.map((s) => s.first));
  const tableMs = median(samples.table.map((s) => s.total));
  const loopFirst = median(samples.loop.map((s) => s.first));
  const ttyFirst = median(samples.tty.map((s) => s.first));
  const n = shape.sessions;
  const perPwt = (jsonMs - fixedMs) / n;
  const perLoop = loopMs / n;
  const target = shape.files >= 10_000 ? 0.75 : 1.0;
  const ratio = jsonMs / loopMs;
  console.log(`${shape.files} files x ${n} sessions (medians of ${shape.runs}, interleaved)`);
  console.log(
    `  pwt status --json            ${fmt(jsonMs)}   loop (status + rev-list): ${fmt(loopMs)}   ratio ${ratio.toFixed(2)}x (target <= ${target}x: ${ratio <= target ? 'met' : 'MISSED'})`,
  );
  console.log(`  pwt status, first row        ${fmt(ttyFirst)}   at a terminal (skeleton; target <= 300 ms: ${ttyFirst <= 300 ? 'met' : 'MISSED'})`);
  console.log(`  first complete row, piped    ${fmt(firstRow)}   loop's first line:        ${fmt(loopFirst)}   whole table ${fmt(tableMs)}`);
  console.log(
    `  per session                  ${(perPwt.toFixed(1) + ' ms').padStart(9)}   loop:                     ${(perLoop.toFixed(1) + ' ms').padStart(9)}   overhead over git ${(perPwt - perLoop).toFixed(1)} ms; pwt's fixed cost (no sessions) ${fmt(fixedMs)}`,
  );
}

if (!process.env.PWT_BENCH_KEEP) rmSync(w.root, { recursive: true, force: true });
else console.log(`kept: ${w.root}`);
