// `pwt mcp` against `pwt status --json` on a repository with 50 sessions:
// - cold: a new `pwt status --json` process, against a new `pwt mcp` server
//   that the SDK's client starts, initializes, asks list_sessions once, and closes;
// - warm: one list_sessions call on a server that is already running (what an
//   agent pays per call), against the same new `pwt status --json` process;
// - the protocol's own cost per call: a tools/list round trip (no pwt work).
// Interleaved runs, medians.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CLI, size, makeRepo, spawnSync, timeAsync, world } from './lib.mjs';

const SESSIONS = 50;
const RUNS = size(4, 15);
const w = world();
const node = process.execPath;

const repo = makeRepo(w, 'app', 200);
const sessionsDir = join(w.root, 'app-sessions');
mkdirSync(sessionsDir);
w.run(
  'sh',
  [
    '-c',
    `set -e; i=0; while [ "$i" -lt ${SESSIONS} ]; do git worktree add --quiet -b "session/s$i" "${sessionsDir}/s$i" HEAD; if [ $((i % 3)) -eq 0 ]; then echo edit > "${sessionsDir}/s$i/edit.txt"; fi; i=$((i + 1)); done`,
  ],
  repo,
);
const startedAt = new Date().toISOString();
const sessions = Array.from({ length: SESSIONS }, (_, i) => ({
  id: `s${i}`,
  branch: `session/s${i}`,
  worktree: `../app-sessions/s${i}`,
  startedAt,
  goals: [`goal ${i}`],
  status: 'active',
  base: 'main',
}));
writeFileSync(join(sessionsDir, '.manifest.json'), JSON.stringify({ version: 1, project: 'app', sessions }, null, 2));

const status = () => {
  const result = spawnSync(node, [CLI, 'status', '--json'], { cwd: repo, env: w.env, encoding: 'utf8' });
  if (result.status !== 0 || JSON.parse(result.stdout).sessions.length !== SESSIONS) throw new Error(`pwt status failed: ${result.stderr}`);
};

async function connect() {
  const transport = new StdioClientTransport({ command: node, args: [CLI, 'mcp'], cwd: repo, env: w.env, stderr: 'ignore' });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

async function listSessions(client) {
  const result = await client.callTool({ name: 'list_sessions', arguments: {} });
  if (result.isError || result.structuredContent.sessions.length !== SESSIONS) throw new Error(`list_sessions failed: ${JSON.stringify(result.content)}`);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const cold = { status: [], mcp: [] };
const warm = { status: [], call: [], list: [] };
const client = await connect();
await listSessions(client);
status();
for (let i = 0; i < RUNS; i++) {
  cold.status.push(await timeAsync(async () => status()));
  cold.mcp.push(
    await timeAsync(async () => {
      const fresh = await connect();
      await listSessions(fresh);
      await fresh.close();
    }),
  );
  warm.call.push(await timeAsync(() => listSessions(client)));
  warm.list.push(await timeAsync(() => client.listTools()));
}
await client.close();

const line = (label, ms, note = '') => console.log(`${label.padEnd(62)} ${ms.toFixed(1).padStart(8)} ms${note}`);
console.log(
  `${SESSIONS} sessions (a third with an uncommitted file), ${RUNS} interleaved runs, medians; node ${process.version}, ${(await import('node:os')).cpus().length} cores\n`,
);
const statusMs = median(cold.status);
line('pwt status --json (a new process)', statusMs);
line('pwt mcp: start + initialize + list_sessions + close', median(cold.mcp), `   ${(median(cold.mcp) / statusMs).toFixed(2)}x status`);
line('pwt mcp: list_sessions on a running server (round trip)', median(warm.call), `   ${(median(warm.call) / statusMs).toFixed(2)}x status`);
line('pwt mcp: tools/list on a running server (protocol only)', median(warm.list));
rmSync(w.root, { recursive: true, force: true });
