// Memory of many agents with and without hibernation (issue 22), over a
// scripted hour compressed to BENCH_HOUR_SECONDS (default 30 s: one scripted
// minute is half a second). Real pi agents (the lightest CLI) run through
// pwt in its isolated tmux server, against the e2e tests' local model
// server (bundled for this run). The script, the same both times:
// 4 sessions; each agent starts with a prompt at minute 0; then
// `pwt agent send` gives a3 more turns at minutes 15 and 50, a0 one at
// minute 30, a1 one at minute 40, a2 none. With hibernation
// (`hibernateAfterMinutes`: 8 scripted minutes) an agent idle that long is
// stopped resumably, and the send wakes it (a resume by its vendor id).
// Every half second the resident memory (RSS) of every agent's process tree
// (the pane's process and everything under it) is summed; the figures are
// the mean and peak of that sum over the hour, and the memory held over time.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, makeRepo, startModelServer, world } from './lib.mjs';

const HOUR_S = Number(process.env.BENCH_HOUR_SECONDS) || 30;
const MINUTE_MS = (HOUR_S * 1000) / 60;
const HIBERNATE_AFTER = 8; // scripted minutes
const AGENTS = 4;
const TURNS = { a0: [30], a1: [40], a2: [], a3: [15, 50] };
const node = process.execPath;
const bin = new URL('../.cache/agent-clis/node_modules/.bin', import.meta.url).pathname;
if (!existsSync(join(bin, 'pi'))) {
  console.log('hibernation memory: skipped (pi is not installed: npm run agents:install)');
  process.exit(0);
}

const server = await startModelServer();

const w = world();
const tmuxDir = mkdtempSync(join(tmpdir(), 'pwt-bench-tmux-'));
const env = { ...w.env, PATH: `${bin}:${w.env.PATH}`, TMUX_TMPDIR: tmuxDir, TERM: 'xterm-256color', PI_OFFLINE: '1' };
delete env.CI;
const piDir = join(env.HOME, '.pi', 'agent');
mkdirSync(piDir, { recursive: true });
writeFileSync(
  join(piDir, 'models.json'),
  JSON.stringify({
    providers: {
      mock: {
        baseUrl: `${server.url}/v1`,
        api: 'openai-completions',
        apiKey: 'sk-fake',
        compat: { supportsDeveloperRole: false, supportsReasoningEffort: false },
        models: [{ id: 'mock-model', name: 'mock-model' }],
      },
    },
  }),
);
writeFileSync(join(piDir, 'settings.json'), JSON.stringify({ defaultProvider: 'mock', defaultModel: 'mock-model' }));
const repo = makeRepo(w, 'app', 20);
const pwt = (args) => w.run(node, [CLI, ...args], repo, env);
const pwtLater = (args) =>
  new Promise((done) => {
    const child = spawn(node, [CLI, ...args], { cwd: repo, env, stdio: 'ignore' });
    child.on('close', done);
  });
const tmux = (...args) => spawnSync('tmux', ['-L', 'pwt', ...args], { env, encoding: 'utf8', cwd: '/' });
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** Resident memory (bytes) of every agent pane's process tree in pwt's tmux server, and how many agents run. */
function agentMemory() {
  const panes = tmux('list-panes', '-a', '-F', '#{pane_pid} #{pane_dead} #{@pwt-agent}')
    .stdout.split('\n')
    .map((line) => line.split(' '))
    .filter(([pid, dead, agent]) => pid && dead === '0' && agent);
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1].split(' ')[1];
      children.set(ppid, [...(children.get(ppid) ?? []), name]);
    } catch {
      // gone
    }
  }
  const rss = (pid) => {
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    } catch {
      return 0;
    }
  };
  let total = 0;
  const perAgent = [];
  for (const [pid] of panes) {
    let tree = 0;
    const todo = [pid];
    while (todo.length) {
      const each = todo.pop();
      tree += rss(each);
      todo.push(...(children.get(each) ?? []));
    }
    perAgent.push(tree);
    total += tree;
  }
  return { total, running: panes.length, perAgent };
}

async function hour(prefix, hibernate) {
  writeFileSync(
    join(repo, '.pwt.json'),
    JSON.stringify({ agents: { maxRunning: 10, ...(hibernate ? { hibernateAfterMinutes: (HIBERNATE_AFTER * MINUTE_MS) / 60_000 } : {}) } }),
  );
  const names = Array.from({ length: AGENTS }, (_, i) => `${prefix}${i}`);
  for (const name of names) pwt(['create', name]);
  const start = Date.now();
  const pending = names.map((name) => pwtLater(['agent', 'start', 'pi', '--session', name, '--prompt', `first turn of ${name}`, '--detach']));
  const events = Object.entries(TURNS).flatMap(([key, minutes]) => minutes.map((minute) => ({ minute, name: `${prefix}${key.slice(1)}` })));
  const samples = [];
  const perAgent = [];
  while (Date.now() - start < HOUR_S * 1000) {
    const minute = (Date.now() - start) / MINUTE_MS;
    for (const event of events.filter((e) => !e.sent && e.minute <= minute)) {
      event.sent = true;
      pending.push(pwtLater(['agent', 'send', 'pi', '--session', event.name, `turn at minute ${event.minute} of ${event.name}`]));
    }
    const memory = agentMemory();
    samples.push(memory);
    perAgent.push(...memory.perAgent);
    await sleep(500);
  }
  await Promise.all(pending);
  const agents = JSON.parse(pwt(['agent', 'list', '--all', '--json'])).agents.filter((agent) => names.includes(agent.session));
  for (const name of names) await pwtLater(['agent', 'stop', 'pi', '--session', name]);
  const mean = samples.reduce((sum, s) => sum + s.total, 0) / samples.length;
  const peak = Math.max(...samples.map((s) => s.total));
  const meanRunning = samples.reduce((sum, s) => sum + s.running, 0) / samples.length;
  return { mean, peak, meanRunning, perAgent, statuses: agents.map((agent) => agent.status) };
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
try {
  const without = await hour('n', false);
  const withH = await hour('h', true);
  const sorted = [...without.perAgent].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  console.log(`${AGENTS} real pi agents over a scripted hour compressed to ${HOUR_S} s (sampled every 0.5 s):`);
  console.log(`  without hibernation: mean ${mb(without.mean)}, peak ${mb(without.peak)} (on average ${without.meanRunning.toFixed(1)} agents running)`);
  console.log(
    `  with hibernateAfterMinutes = ${HIBERNATE_AFTER} scripted minutes: mean ${mb(withH.mean)}, peak ${mb(withH.peak)} (on average ${withH.meanRunning.toFixed(1)} running)   mean ratio ${(withH.mean / without.mean).toFixed(2)}x`,
  );
  const ends = (r) =>
    Object.entries(r.statuses.reduce((n, s) => ({ ...n, [s]: (n[s] ?? 0) + 1 }), {}))
      .map(([s, n]) => `${n} ${s}`)
      .join(', ');
  console.log(`  at the hour's end: without ${ends(without)}; with ${ends(withH)}`);
  console.log(`  one running pi (its process tree), median of the samples: ${mb(median)}`);
} finally {
  tmux('kill-server');
  await server.close();
  rmSync(tmuxDir, { recursive: true, force: true });
  rmSync(w.root, { recursive: true, force: true });
}
