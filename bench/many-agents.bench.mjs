// Many agents (issue 22): `pwt agent list --all --json` and one `pwt watch`
// refresh at 10, 25 and 50 running agents, timed against `tmux list-panes -a`
// plus Node's start (`node -e 0`), and the processes each one spawns, counted
// by strace (every successful execve of the command and its children).
//
// The agents are stand-ins, not vendor CLIs (50 real ones do not fit in this
// machine's memory): each session of a scratch repo has one window in pwt's
// tmux server (isolated by TMUX_TMPDIR), tagged and recorded in the manifest
// as a claude agent the way the runtime records one. Four in five run `sleep`
// (a still screen); one in five repaints a busy line every second ("Working
// (Ns · esc to interrupt)"), so its screen has changed at every refresh and
// must be captured again.
//
// The watch refresh is WatchModel.frame() (what `pwt watch` draws once a
// second) bundled from src/ and called in a child process: a first frame
// (every session's git facts read), then a refresh 1.1 s later with every
// session's git facts due (as after the half-minute quiet interval), which is
// the most a refresh ever does.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, compare, loadAverage, makeRepo, row, size, standInWindow, world } from './lib.mjs';

const COUNTS = (process.env.BENCH_AGENTS || '10,25,50').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS) || size(7, 9);
const node = process.execPath;

if (process.argv[2] === '--child') {
  // The watch refresh, in a process of its own: `--child <bundle> <repo>`.
  const { WatchModel, openProject } = await import(process.argv[3]);
  const mark = (label) => spawnSync('true', [`pwt-bench-mark-${label}`]);
  const project = await openProject(process.argv[4]);
  const model = new WatchModel(project);
  const frames = [];
  mark('first');
  let start = process.hrtime.bigint();
  const first = await model.frame();
  await model.settled();
  frames.push(Number(process.hrtime.bigint() - start) / 1e6);
  mark('first-end');
  await new Promise((done) => setTimeout(done, 1100));
  mark('refresh');
  start = process.hrtime.bigint();
  // 31 s on: every session's git facts are due (the quiet interval is 30 s).
  const next = await model.frame(Date.now() + 31_000);
  await model.settled();
  frames.push(Number(process.hrtime.bigint() - start) / 1e6);
  mark('refresh-end');
  const running = next.sessions.flatMap((s) => s.agents).filter((a) => a.status === 'running').length;
  const withGit = first.sessions.length === 0 ? 0 : (await model.frame()).sessions.filter((s) => s.git && s.git.changes !== null).length;
  process.stdout.write(JSON.stringify({ first: frames[0], refresh: frames[1], running, withGit }));
  process.exit(0);
}

const w = world();
const tmuxDir = mkdtempSync(join(tmpdir(), 'pwt-bench-tmux-'));
const env = { ...w.env, TMUX_TMPDIR: tmuxDir, TERM: 'xterm-256color' };
const tmux = (...args) => spawnSync('tmux', ['-L', 'pwt', ...args], { env, encoding: 'utf8', cwd: '/' });

/** The WatchModel and openProject, bundled from src/ for the child. */
async function bundleModel() {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'pwt-bench-watch-'));
  const root = new URL('..', import.meta.url).pathname;
  await build({
    stdin: {
      contents: "export { WatchModel } from './src/core/sessions/watch/model.ts'; export { openProject } from './src/core/project/project.ts';",
      resolveDir: root,
      loader: 'ts',
    },
    outfile: join(dir, 'watch.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['better-sqlite3', 'proper-lockfile', 'zx'],
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
    logLevel: 'warning',
  });
  return { dir, file: join(dir, 'watch.mjs') };
}

/** A repo with `n` sessions (worktrees made by one shell loop, the manifest written directly), each with a stand-in agent. */
function setUp(n) {
  const name = `app${n}`;
  const repo = makeRepo(w, name, 20);
  const sessionsDir = join(w.root, `${name}-sessions`);
  mkdirSync(sessionsDir);
  w.run('sh', ['-c', `i=0; while [ "$i" -lt ${n} ]; do git worktree add --quiet -b "session/s$i" "${sessionsDir}/s$i" main; i=$((i + 1)); done`], repo);
  const sessions = [];
  for (let i = 0; i < n; i++) {
    const id = `s${i}`;
    const cwd = join(sessionsDir, id);
    const busy = i % 5 === 0;
    const program = busy ? ['sh', '-c', 'i=0; while :; do i=$((i+1)); printf "\\r* Working (%ss · esc to interrupt)" $i; sleep 1; done'] : ['sleep', '100000'];
    const agentId = `${id}-claude`;
    const place = standInWindow(env, { tmuxSession: `${name}/${id}`, cwd, argv: program, agent: agentId, session: id, main: repo });
    sessions.push({
      id,
      branch: `session/${id}`,
      worktree: `../${name}-sessions/${id}`,
      startedAt: new Date().toISOString(),
      goals: [`goal ${i}`],
      status: 'active',
      base: 'main',
      agents: [
        {
          id: agentId,
          provider: 'claude',
          vendorSessionId: `v-${agentId}`,
          status: 'running',
          cli: 'claude',
          cliCommand: program,
          resumeArgs: ['claude', '--resume', `v-${agentId}`],
          spawnedAt: new Date().toISOString(),
          tmux: place,
        },
      ],
    });
  }
  writeFileSync(join(sessionsDir, '.manifest.json'), JSON.stringify({ version: 1, project: name, sessions }, null, 2));
  return repo;
}

/** Runs argv under strace; the programs it (and its children) executed, or per pair of marks when marks are given. */
function execs(argv, cwd, marks) {
  const log = join(w.root, `strace-${process.pid}.log`);
  const result = spawnSync('strace', ['-f', '-qq', '-e', 'trace=execve', '-o', log, ...argv], { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${argv.join(' ')} failed under strace: ${result.stderr}`);
  // With several processes at once strace splits a call: "execve(... <unfinished ...>", later "<... execve resumed>) = 0".
  const unfinished = new Map();
  const lines = [];
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const pid = line.split(' ')[0];
    if (/execve\(.*<unfinished \.\.\.>$/.test(line)) unfinished.set(pid, line);
    else if (/<\.\.\. execve resumed>.* = 0$/.test(line) && unfinished.has(pid)) lines.push(unfinished.get(pid));
    else if (/execve\(.* = 0$/.test(line)) lines.push(line);
  }
  rmSync(log, { force: true });
  const count = (part) => {
    const names = part.map((line) => /execve\("([^"]+)"/.exec(line)[1].split('/').pop());
    const by = {};
    for (const name of names) by[name] = (by[name] ?? 0) + 1;
    return { total: names.length, by };
  };
  if (!marks) return count(lines.slice(1)); // less the command itself
  const at = (label) => lines.findIndex((line) => line.includes(`pwt-bench-mark-${label}"`));
  return Object.fromEntries(marks.map((mark) => [mark, count(lines.slice(at(mark) + 1, at(`${mark}-end`)))]));
}

const fmtBy = (by) =>
  Object.entries(by)
    .sort()
    .map(([name, n]) => `${n} ${name}`)
    .join(', ');

const hasStrace = spawnSync('strace', ['-V']).status === 0;
const bundle = await bundleModel();
const summary = [];
try {
  for (const n of COUNTS) {
    const repo = setUp(n);
    const listed = JSON.parse(w.run(node, [CLI, 'agent', 'list', '--all', '--json'], repo, env)).agents;
    const running = listed.filter((agent) => agent.status === 'running').length;
    console.log(
      `${n} sessions, ${running} running stand-in agents (${Math.ceil(n / 5)} repainting every second); ${RUNS} interleaved runs, load average ${loadAverage()}:`,
    );
    const { base, ours, baseMin, oursMin } = compare(
      () => {
        tmux('list-panes', '-a');
        spawnSync(node, ['-e', '0']);
      },
      () => w.run(node, [CLI, 'agent', 'list', '--all', '--json'], repo, env),
      RUNS,
    );
    row(`  pwt agent list --all --json (median)`, ours, 'tmux list-panes -a + node -e 0', base, n === 50 ? 1.5 : undefined);
    row(`  pwt agent list --all --json (fastest)`, oursMin, 'tmux list-panes -a + node -e 0', baseMin, n === 50 ? 1.5 : undefined);
    const child = JSON.parse(w.run(node, [new URL(import.meta.url).pathname, '--child', bundle.file, repo], repo, env));
    console.log(
      `  watch: first frame ${child.first.toFixed(0)} ms (git facts of ${child.withGit} sessions), refresh with every session's git due ${child.refresh.toFixed(0)} ms`,
    );
    const result = { n, list: ours, base, listMin: oursMin, baseMin, first: child.first, refresh: child.refresh };
    if (hasStrace) {
      const list = execs([node, CLI, 'agent', 'list', '--all', '--json'], repo);
      const panes = execs(['tmux', '-L', 'pwt', 'list-panes', '-a'], repo);
      const script = [node, new URL(import.meta.url).pathname, '--child', bundle.file, repo];
      const { first, refresh } = execs(script, repo, ['first', 'refresh']);
      console.log(`  processes: agent list --all ${list.total} (${fmtBy(list.by)}); tmux list-panes -a alone: ${panes.total + 1}`);
      console.log(`  processes: watch first frame ${first.total} (${fmtBy(first.by)}); refresh ${refresh.total} (${fmtBy(refresh.by)})`);
      Object.assign(result, { listProcs: list.total, firstProcs: first.total, refreshProcs: refresh.total });
    }
    summary.push(result);
    tmux('kill-server');
  }
  if (hasStrace) {
    const constant = (key) => new Set(summary.map((r) => r[key])).size === 1;
    // agent list: one list-panes, and one capture call only when a screen changed since the last look (so 1 or 2 at any size).
    const bounded = summary.every((r) => r.listProcs <= 2);
    console.log(
      `processes per call at ${COUNTS.join('/')} agents: agent list ${summary.map((r) => r.listProcs).join('/')} (${bounded ? 'at most 2 at every size: met' : 'NOT bounded'}), ` +
        `watch refresh ${summary.map((r) => r.refreshProcs).join('/')} (${constant('refreshProcs') ? 'constant: met' : 'NOT constant'})`,
    );
  } else console.log('processes per refresh: not counted (strace is not installed)');
} finally {
  tmux('kill-server');
  rmSync(bundle.dir, { recursive: true, force: true });
  rmSync(tmuxDir, { recursive: true, force: true });
  rmSync(w.root, { recursive: true, force: true });
}
