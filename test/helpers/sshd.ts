import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { NODE } from './sandbox.js';
import { killPwtServer } from './tmux.js';

/**
 * A real sshd of the test's own on 127.0.0.1: a free port, generated host and
 * user keys, an isolated sshd_config (never the machine's sshd, never its
 * keys), logging in as the current user. The "host" is this machine, with
 * its own environment for the sessions it starts (SetEnv: its own HOME, git
 * config, TMUX_TMPDIR), so pwt there is as isolated as pwt here.
 *
 * OpenSSH reads ~/.ssh/config from the home in the password database, not
 * from $HOME: the client side gets its own file (`configFile`), which tests
 * hand to pwt with PWT_SSH_CONFIG (`ssh -F`).
 */
export const SSHD = '/usr/sbin/sshd';
/** The ssh alias of the test host in `configFile`. */
export const ALIAS = 'pwt-test-host';

export interface TestSshd {
  port: number;
  dir: string;
  /** The ssh client config naming ALIAS (and `unreachable`, a port nothing listens on). */
  configFile: string;
  /** The TMUX_TMPDIR sessions on the host use. */
  hostTmux: string;
  /** The HOME sessions on the host see. */
  hostHome: string;
  /** Env for local pwt: PWT_SSH_CONFIG and a short runtime folder of this test's own. */
  clientEnv: NodeJS.ProcessEnv;
  /** Stops the server and every connection it holds (the host "goes away"). */
  stop(): Promise<void>;
  /** Ends ssh masters, the server, the host's tmux; removes nothing else. */
  cleanup(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Resolves once the port speaks SSH (its banner), or throws after `ms`. */
async function waitForBanner(port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.setTimeout(1000);
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('SSH-'));
      });
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`sshd did not answer on 127.0.0.1:${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const keygen = (file: string) => {
  const result = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ssh-keygen failed: ${result.stderr}`);
};

/** A TCP server that accepts connections and never says a word (a host that hangs). */
export async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export async function startSshd(
  root: string,
  options: { nodeBin: string; hostEnv?: Record<string, string>; extraHosts?: Record<string, number> } = { nodeBin: NODE },
): Promise<TestSshd> {
  const dir = join(root, 'sshd');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const hostHome = join(root, 'host-home');
  const hostTmux = join(root, 'host-tmux');
  const runtime = join(root, 'run');
  for (const folder of [hostHome, hostTmux, runtime]) mkdirSync(folder, { recursive: true, mode: 0o700 });
  writeFileSync(
    join(hostHome, '.gitconfig'),
    '[user]\n\tname = Host Author\n\temail = host@example.test\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n',
  );
  keygen(join(dir, 'host_ed25519'));
  keygen(join(dir, 'id_ed25519'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'id_ed25519.pub')), { mode: 0o600 });
  // Privilege separation needs this folder when sshd starts as root (the package makes it at boot).
  if (process.getuid?.() === 0 && !existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
  const user = userInfo().username;
  const env: Record<string, string> = {
    HOME: hostHome,
    GIT_CONFIG_GLOBAL: join(hostHome, '.gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'HostAuthor',
    GIT_AUTHOR_EMAIL: 'host@example.test',
    GIT_COMMITTER_NAME: 'HostAuthor',
    GIT_COMMITTER_EMAIL: 'host@example.test',
    GIT_TERMINAL_PROMPT: '0',
    PATH: `${dirname(options.nodeBin)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    TMUX_TMPDIR: hostTmux,
    LC_ALL: 'C',
    NO_COLOR: '1',
    // No CI: what is interactive on the host is decided as for a user there (a terminal under ssh -t).
    ...options.hostEnv,
  };
  // An empty value drops the variable (e.g. CI for agents that behave differently under it).
  for (const key of Object.keys(env)) if (env[key] === '') delete env[key];
  for (const [key, value] of Object.entries(env)) if (/[\s"]/.test(value)) throw new Error(`host env ${key} holds a space or quote: ${value}`);
  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(dir, 'host_ed25519')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        'PermitRootLogin prohibit-password',
        `AllowUsers ${user}`,
        'PrintMotd no',
        'MaxSessions 100',
        'MaxStartups 100',
        `SetEnv ${Object.entries(env)
          .map(([key, value]) => `${key}=${value}`)
          .join(' ')}`,
        'LogLevel ERROR',
        '',
      ].join('\n'),
    );
    const started = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    started.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    try {
      await waitForBanner(port, 10_000);
      child = started;
    } catch {
      started.kill('SIGKILL');
      if (attempt === 4) throw new Error(`sshd did not start: ${log}`);
    }
  }
  const hostKey = readFileSync(join(dir, 'host_ed25519.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostKey}\n`);
  const hostBlock = (alias: string, to: number) =>
    [
      `Host ${alias}`,
      '  HostName 127.0.0.1',
      `  Port ${to}`,
      `  User ${user}`,
      `  IdentityFile ${join(dir, 'id_ed25519')}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  LogLevel ERROR',
    ].join('\n');
  const extra = Object.entries(options.extraHosts ?? {}).map(([alias, to]) => hostBlock(alias, to));
  const configFile = join(dir, 'ssh_config');
  writeFileSync(configFile, `${[hostBlock(ALIAS, port), ...extra].join('\n')}\n`, { mode: 0o600 });
  const server = child!;
  const endMasters = () => {
    const sockets = existsSync(join(runtime, 'pwt')) ? readdirSync(join(runtime, 'pwt')) : [];
    for (const socket of sockets)
      spawnSync('ssh', ['-F', configFile, '-S', join(runtime, 'pwt', socket), '-O', 'exit', ALIAS], { stdio: 'ignore', timeout: 5000 });
  };
  const stop = async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    // The connections' own sshd processes belong to this server's process group only
    // through their parent; pkill -P ends exactly this server's children.
    spawnSync('pkill', ['-KILL', '-P', String(server.pid)]);
    const gone = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    server.kill('SIGKILL');
    await gone;
  };
  return {
    port,
    dir,
    configFile,
    hostTmux,
    hostHome,
    clientEnv: { PWT_SSH_CONFIG: configFile, XDG_RUNTIME_DIR: runtime },
    stop,
    async cleanup() {
      endMasters();
      await stop();
      killPwtServer(hostTmux);
    },
  };
}

/** `host add` arguments for a pwt of this build run on the host by `node <cli>`. */
export const pwtOnHost = (nodeBin: string, cli: string): string => `${nodeBin} ${cli}`;
