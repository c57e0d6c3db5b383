// Hosts (issue 23): (1) `pwt status --json` with 20 local sessions and a host
// holding 20 more, against the same 20 local sessions without the host: the
// host's share is one ssh round trip through the shared connection
// (ControlMaster) plus the pwt status run there, in parallel with the local
// scan. (2) `pwt agent attach --session <host session>` at a terminal: time
// from the command to the host agent's screen in the terminal, against a
// local `pwt agent attach` of the same kind of agent.
// The host is this machine through an sshd of the bench's own on 127.0.0.1
// (its own keys, config and environment; never the machine's sshd), running
// this build of pwt there. Needs /usr/sbin/sshd (openssh-server).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { CLI, size, compare, makeRepo, row, world } from './lib.mjs';

if (!existsSync('/usr/sbin/sshd')) {
  console.log('hosts: skipped (no /usr/sbin/sshd: apt-get install openssh-server)');
  process.exit(0);
}
const w = world();
const node = process.execPath;
const sshDir = join(w.root, 'sshd');
const hostHome = join(w.root, 'host-home');
const hostTmux = join(w.root, 'host-tmux');
const localTmux = join(w.root, 'local-tmux');
const runtime = join(w.root, 'run');
for (const dir of [sshDir, hostHome, hostTmux, localTmux, runtime]) mkdirSync(dir, { recursive: true, mode: 0o700 });
writeFileSync(join(hostHome, '.gitconfig'), '[user]\n\tname = Bench\n\temail = bench@example.test\n[init]\n\tdefaultBranch = main\n');
for (const key of ['host_ed25519', 'id_ed25519']) spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(sshDir, key)]);
writeFileSync(join(sshDir, 'authorized_keys'), readFileSync(join(sshDir, 'id_ed25519.pub')), { mode: 0o600 });
if (process.getuid?.() === 0 && !existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
const port = await new Promise((resolve) => {
  const server = createServer();
  server.listen(0, '127.0.0.1', () => {
    const { port: free } = server.address();
    server.close(() => resolve(free));
  });
});
const user = userInfo().username;
const hostEnv = {
  HOME: hostHome,
  GIT_CONFIG_GLOBAL: join(hostHome, '.gitconfig'),
  GIT_CONFIG_NOSYSTEM: '1',
  PATH: `${dirname(node)}:${process.env.PATH}`,
  TMUX_TMPDIR: hostTmux,
  LC_ALL: 'C',
  NO_COLOR: '1',
  TERM: 'xterm-256color',
};
writeFileSync(
  join(sshDir, 'sshd_config'),
  [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(sshDir, 'host_ed25519')}`,
    `PidFile ${join(sshDir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(sshDir, 'authorized_keys')}`,
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'PermitRootLogin prohibit-password',
    `AllowUsers ${user}`,
    'PrintMotd no',
    `SetEnv ${Object.entries(hostEnv)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
    'LogLevel ERROR',
    '',
  ].join('\n'),
);
const sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(sshDir, 'sshd_config')], { stdio: 'ignore' });
const hostKey = readFileSync(join(sshDir, 'host_ed25519.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
writeFileSync(join(sshDir, 'known_hosts'), `[127.0.0.1]:${port} ${hostKey}\n`);
const sshConfig = join(sshDir, 'ssh_config');
writeFileSync(
  sshConfig,
  [
    'Host bench-host',
    '  HostName 127.0.0.1',
    `  Port ${port}`,
    `  User ${user}`,
    `  IdentityFile ${join(sshDir, 'id_ed25519')}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${join(sshDir, 'known_hosts')}`,
    '  StrictHostKeyChecking yes',
    '  LogLevel ERROR',
    '',
  ].join('\n'),
);
const env = { ...w.env, PWT_SSH_CONFIG: sshConfig, XDG_RUNTIME_DIR: runtime, TMUX_TMPDIR: localTmux };
const pwt = (args, cwd, extra = {}) => w.run(node, [CLI, ...args], cwd, { ...env, ...extra });
const there = (args, cwd) => w.run(node, [CLI, ...args], cwd, { ...w.env, ...hostEnv });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A running "agent" registered as pwt's own: a tmux window printing a mark, recorded in the session's agents. */
function fakeAgent(sessionsDir, name, tmuxDir, mark) {
  const tmuxEnv = { ...w.env, TMUX_TMPDIR: tmuxDir };
  const tmux = (...args) => spawnSync('tmux', ['-L', 'pwt', ...args], { env: tmuxEnv, encoding: 'utf8', cwd: '/' });
  const file = join(sessionsDir, '.manifest.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  const session = manifest.sessions.find((entry) => entry.id === name);
  const [window, pane, pid] = tmux(
    'new-session',
    '-d',
    '-s',
    `bench/${name}`,
    '-x',
    '100',
    '-y',
    '20',
    '-P',
    '-F',
    '#{window_id} #{pane_id} #{pane_pid}',
    '--',
    'sh',
    '-c',
    `echo ${mark}; exec sleep 600`,
  )
    .stdout.trim()
    .split(' ');
  const id = `${name}-claude`;
  tmux('set-option', '-w', '-t', window, '@pwt-agent', id);
  const start = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[19];
  session.agents = [
    {
      id,
      provider: 'claude',
      status: 'running',
      cli: 'claude',
      cliCommand: ['claude'],
      spawnedAt: new Date().toISOString(),
      vendorSessionId: `v-${id}`,
      resumeArgs: ['claude'],
      tmux: { session: `bench/${name}`, window, pane, pid: Number(pid), pidStart: start },
    },
  ];
  writeFileSync(file, JSON.stringify(manifest, null, 2));
  return () => tmux('kill-server');
}

/** Milliseconds from starting `args` in a fresh terminal (a tmux pane) until its screen shows `mark`. */
async function timeToScreen(args, mark) {
  const socket = join(w.root, `term-${Date.now()}.sock`);
  const termEnv = { ...env, TERM: 'xterm-256color' };
  delete termEnv.CI;
  const started = process.hrtime.bigint();
  spawnSync('tmux', ['-S', socket, '-f', '/dev/null', 'new-session', '-d', '-x', '120', '-y', '30', '-c', local, '--', node, CLI, ...args], { env: termEnv });
  try {
    for (;;) {
      const screen = spawnSync('tmux', ['-S', socket, 'capture-pane', '-p'], { env: termEnv, encoding: 'utf8' }).stdout;
      if (screen.includes(mark)) return Number(process.hrtime.bigint() - started) / 1e6;
      if (Number(process.hrtime.bigint() - started) / 1e6 > 20_000) throw new Error(`no ${mark} on screen:\n${screen}`);
      await sleep(10);
    }
  } finally {
    spawnSync('tmux', ['-S', socket, 'kill-server'], { env: termEnv });
  }
}

let local;
const cleanups = [];
try {
  for (let i = 0; i < 100 && !spawnSync('ssh', ['-F', sshConfig, '-o', 'BatchMode=yes', 'bench-host', 'true']).status === 0; i++) await sleep(50);
  local = makeRepo(w, 'app', 10);
  const origin = join(w.root, 'app.git');
  w.run('git', ['clone', '--quiet', '--bare', local, origin], w.root);
  w.run('git', ['remote', 'add', 'origin', origin], local);
  const clone = join(w.root, 'box', 'app');
  w.run('git', ['clone', '--quiet', origin, clone], w.root);
  for (let i = 0; i < 20; i++) pwt(['create', `s${i}`], local);
  for (let i = 0; i < 20; i++) there(['create', `h${i}`], clone);
  const runs = size(3, 9);
  const alone = () => pwt(['status', '--json'], local);
  const hostsFile = join(w.root, 'app-sessions', '.pwt', 'hosts.json');
  pwt(['host', 'add', 'box', 'bench-host', '--repo', clone, '--pwt', `${node} ${CLI}`], local);
  const hostsText = readFileSync(hostsFile, 'utf8');
  const withHost = () => writeFileSync(hostsFile, hostsText);
  const withoutHost = () => writeFileSync(hostsFile, '{"version":1,"hosts":[]}\n');
  const counted = JSON.parse(pwt(['status', '--json'], local)).sessions.length;
  const { base, ours } = compare(
    () => (withoutHost(), alone()),
    () => (withHost(), alone()),
    runs,
  );
  row('pwt status, 20 local + 20 on a host', ours, '20 local sessions alone', base);
  const trip = compare(
    () => spawnSync('ssh', ['-F', sshConfig, '-o', `ControlPath=${join(runtime, 'pwt', '%C')}`, 'bench-host', 'true']),
    () =>
      spawnSync('ssh', [
        '-F',
        sshConfig,
        '-o',
        `ControlPath=${join(runtime, 'pwt', '%C')}`,
        'bench-host',
        `cd ${clone} && ${node} ${CLI} status --json >/dev/null`,
      ]),
    runs,
  );
  row('  the host part: ssh + pwt status there', trip.ours, 'one ssh round trip (shared connection)', trip.base);
  console.log(`status listed ${counted} sessions; the host is asked in parallel with the local scan, so it adds max(0, host - local), not their sum`);

  // 2. Attaching to an agent: on the host (ssh -t, the host's tmux) against here.
  withHost();
  pwt(['create', 'near'], local);
  cleanups.push(fakeAgent(join(w.root, 'app-sessions'), 'near', localTmux, 'NEAR-READY'));
  pwt(['create', 'far', '--host', 'box'], local);
  cleanups.push(fakeAgent(join(w.root, 'box', 'app-sessions'), 'far', hostTmux, 'FAR-READY'));
  const nearTimes = [];
  const farTimes = [];
  for (let i = 0; i < 5; i++) {
    nearTimes.push(await timeToScreen(['agent', 'attach', '--session', 'near'], 'NEAR-READY'));
    farTimes.push(await timeToScreen(['agent', 'attach', '--session', 'far'], 'FAR-READY'));
  }
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  row('pwt agent attach, agent on a host', median(farTimes), 'pwt agent attach, agent here', median(nearTimes));
  console.log("attach: time from the command to the agent's screen in a fresh terminal (a tmux pane), median of 5, the ssh connection already shared");
} finally {
  for (const cleanup of cleanups) cleanup();
  const sockets = existsSync(join(runtime, 'pwt')) ? readdirSync(join(runtime, 'pwt')) : [];
  for (const socket of sockets) spawnSync('ssh', ['-F', sshConfig, '-S', join(runtime, 'pwt', socket), '-O', 'exit', 'bench-host'], { stdio: 'ignore' });
  spawnSync('pkill', ['-KILL', '-P', String(sshd.pid)]);
  sshd.kill('SIGKILL');
}
