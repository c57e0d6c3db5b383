// The agent runtime (issue 9): (1) `pwt agent list --all` over 20 sessions x
// 3 agent records (20 running in tmux) against `tmux list-panes -a` alone,
// the one tmux call it makes; (2) the time from `pwt agent switch codex`
// (claude running) to codex's first request at the local model server,
// against starting codex with the same kind of prompt by hand in tmux.
// Real tmux on a private TMUX_TMPDIR; real claude and codex from
// .cache/agent-clis (npm run agents:install); the model server of the e2e
// tests, bundled for this run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, size, compare, makeRepo, row, startModelServer, world } from './lib.mjs';

const w = world();
const node = process.execPath;
const tmuxDir = mkdtempSync(join(tmpdir(), 'pwt-bench-tmux-'));
const env = { ...w.env, TMUX_TMPDIR: tmuxDir, TERM: 'xterm-256color' };
delete env.CI;
const pwt = (args, cwd, extra = {}) => w.run(node, [CLI, ...args], cwd, { ...env, ...extra });
const tmux = (...args) => spawnSync('tmux', ['-L', 'pwt', ...args], { env, encoding: 'utf8', cwd: '/' });

try {
  // 1. agent list --all: 20 sessions, 3 agent records each, one of them running (a tagged tmux window).
  {
    const repo = makeRepo(w, 'list', 10);
    for (let i = 0; i < 20; i++) pwt(['create', `s${i}`], repo);
    const manifestFile = join(w.root, 'list-sessions', '.manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    for (const [i, session] of manifest.sessions.entries()) {
      const cwd = join(w.root, 'list-sessions', session.id);
      const made = tmux('new-session', '-d', '-s', `list/${session.id}`, '-c', cwd, '-P', '-F', '#{window_id} #{pane_id} #{pane_pid}', '--', 'sleep', '600')
        .stdout.trim()
        .split(' ');
      const [window, pane, pid] = made;
      const id = `${session.id}-claude`;
      tmux('set-option', '-w', '-t', window, '@pwt-agent', id);
      const start = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[19];
      const base = { status: 'detached', cli: 'x', cliCommand: ['x'], spawnedAt: '2026-12-01T00:00:00.000Z' };
      session.agents = [
        {
          ...base,
          id,
          provider: 'claude',
          vendorSessionId: `v-${id}`,
          resumeArgs: ['claude', '--resume', `v-${id}`],
          status: 'running',
          tmux: { session: `list/${session.id}`, window, pane, pid: Number(pid), pidStart: start },
        },
        { ...base, id: `${session.id}-codex`, provider: 'codex', vendorSessionId: `v-${session.id}-codex`, resumeArgs: ['codex', 'resume', 'x'] },
        { ...base, id: `${session.id}-pi`, provider: 'pi', vendorSessionId: `v-${session.id}-pi`, resumeArgs: ['pi', '--session', 'x'] },
      ];
    }
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    const listed = JSON.parse(pwt(['agent', 'list', '--all', '--json'], repo)).agents;
    const running = listed.filter((agent) => agent.status === 'running').length;
    const { base, ours } = compare(
      () => tmux('list-panes', '-a'),
      () => pwt(['agent', 'list', '--all', '--json'], repo),
      15,
    );
    row('pwt agent list --all (20 sessions x 3 agents)', ours, 'tmux list-panes -a', base);
    const start = compare(
      () => pwt(['path', 's0'], repo),
      () => pwt(['agent', 'list', '--all', '--json'], repo),
      15,
    );
    row('pwt agent list --all (20 sessions x 3 agents)', start.ours, 'pwt path s0 (Node start, no tmux)', start.base);
    console.log(
      `agent list --all: ${listed.length} agents, ${running} running (checked against tmux and /proc); pwt's own overhead over list-panes: ${(ours - base).toFixed(1)} ms, of which starting Node and the CLI is what pwt path costs`,
    );
    tmux('kill-server');
  }

  // 2. pwt agent switch -> the new agent's first model request.
  const bin = new URL('../.cache/agent-clis/node_modules/.bin', import.meta.url).pathname;
  if (!existsSync(join(bin, 'claude')) || !existsSync(join(bin, 'codex'))) {
    console.log('agent switch: skipped (claude and codex not installed: npm run agents:install)');
  } else {
    const server = await startModelServer();
    const repo = makeRepo(w, 'switch', 10);
    const home = env.HOME;
    const agentEnv = {
      PATH: `${bin}:${env.PATH}`,
      ANTHROPIC_BASE_URL: server.url,
      ANTHROPIC_API_KEY: 'sk-fake',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      OPENAI_API_KEY: 'sk-fake',
    };
    const sessions = join(w.root, 'switch-sessions');
    const trusted = Array.from({ length: 6 }, (_, i) => join(sessions, `t${i}`));
    writeFileSync(
      join(home, '.claude.json'),
      JSON.stringify({
        hasCompletedOnboarding: true,
        customApiKeyResponses: { approved: ['sk-fake'], rejected: [] },
        projects: Object.fromEntries(trusted.map((path) => [path, { hasTrustDialogAccepted: true }])),
      }),
    );
    mkdirSync(join(home, '.codex'), { recursive: true });
    writeFileSync(
      join(home, '.codex', 'config.toml'),
      [
        'model = "gpt-5"',
        'model_provider = "mock"',
        '[model_providers.mock]',
        'name = "mock"',
        `base_url = "${server.url}/v1"`,
        'env_key = "OPENAI_API_KEY"',
        'wire_api = "responses"',
        'supports_websockets = false',
        '[tui]',
        'screen_reader_detection_done = true',
        ...trusted.flatMap((path) => [`[projects."${path}"]`, 'trust_level = "trusted"']),
        '',
      ].join('\n'),
    );
    const runAsync = (args, cwd) =>
      new Promise((resolve) => spawn(node, [CLI, ...args], { cwd, env: { ...env, ...agentEnv }, stdio: 'ignore' }).on('close', resolve));
    const waitFor = async (needle, from) => {
      for (const until = Date.now() + 120_000; Date.now() < until; await new Promise((r) => setTimeout(r, 20))) {
        const hit = server.requests.slice(from).find((request) => JSON.stringify(request.body ?? '').includes(needle));
        if (hit) return hit.at;
      }
      throw new Error(`no request with ${needle}`);
    };
    const switches = [];
    const direct = [];
    for (let i = 0; i < size(1, 3); i++) {
      const name = `t${i}`;
      pwt(['create', name], repo, agentEnv);
      const cwd = join(sessions, name);
      await runAsync(['agent', 'start', 'claude', '--prompt', `warm ${i}`], cwd);
      await waitFor(`warm ${i}`, 0);
      await new Promise((r) => setTimeout(r, 1500)); // claude writes its turn
      const mark = server.requests.length;
      const started = Date.now();
      await runAsync(['agent', 'switch', 'codex', '--prompt', `switched ${i}`], cwd);
      switches.push((await waitFor(`switched ${i}`, mark)) - started);

      // Baseline: codex started by hand in a tmux window of its own, with a prompt.
      const other = join(sessions, `t${i + 3}`);
      pwt(['create', `t${i + 3}`], repo, agentEnv);
      const from = server.requests.length;
      const t0 = Date.now();
      spawnSync(
        'tmux',
        [
          '-L',
          'bench',
          'new-session',
          '-d',
          '-c',
          other,
          '-x',
          '200',
          '-y',
          '50',
          '--',
          'env',
          `PATH=${agentEnv.PATH}`,
          `OPENAI_API_KEY=sk-fake`,
          'codex',
          '--disable',
          'daemon_auto_start',
          '--',
          `direct ${i}`,
        ],
        { env: { ...env, ...agentEnv }, cwd: '/' },
      );
      direct.push((await waitFor(`direct ${i}`, from)) - t0);
      spawnSync('tmux', ['-L', 'bench', 'kill-server'], { env, cwd: '/' });
    }
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    row('pwt agent switch codex -> first request', median(switches), 'codex in tmux by hand -> first request', median(direct));
    console.log(
      `agent switch: ${switches.map((ms) => `${ms} ms`).join(', ')} (stops claude with /exit, waits for its transcript, builds the handoff, starts codex); by hand: ${direct.map((ms) => `${ms} ms`).join(', ')}`,
    );
    tmux('kill-server');
    await server.close();
  }
} finally {
  tmux('kill-server');
  spawnSync('tmux', ['-L', 'bench', 'kill-server'], { env, cwd: '/' });
  rmSync(tmuxDir, { recursive: true, force: true });
  rmSync(w.root, { recursive: true, force: true });
}
