import { spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PWT_ENV } from '../infra/env.js';
import { preconditionError } from '../infra/errors.js';
import { notInstalled, traceSpawn } from '../infra/process.js';

/**
 * The one door to ssh (as git.ts is to git). pwt uses the user's own ssh:
 * their ~/.ssh/config, keys and agent (plus `-F <file>` only when
 * PWT_SSH_CONFIG names one). Connections are shared through ssh's
 * ControlMaster with a control socket under pwt's runtime folder, so after
 * the first call to a host each call costs one round trip, not a handshake.
 *
 * What runs on the host is a POSIX sh script built here from quoted words
 * (shQuote): ssh joins its arguments into one command line for the remote
 * login shell, so the script travels base64-encoded inside a fixed command
 * whose only characters are safe in sh, bash, zsh and fish alike. No name,
 * goal or prompt is ever read as code by a remote shell.
 */
export interface SshTarget {
  /** pwt's name for the host (for messages). */
  name: string;
  /** What the user gives ssh: `user@host`, an alias from their ssh config. */
  destination: string;
}

export interface SshResult {
  stdout: string;
  stderr: string;
  /** ssh's exit code: the remote command's, or 255 when ssh itself failed. */
  code: number;
  /** True when pwt gave up waiting (the timeout) and killed ssh. */
  timedOut: boolean;
}

/** How long a host may take to answer before it counts as unreachable (ms). */
export function hostTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env[PWT_ENV.hostTimeoutMs]);
  return Number.isFinite(value) && value > 0 ? value : 5_000;
}

/** pwt's runtime folder: short, because a unix socket's path is limited to ~100 bytes. */
export function runtimeDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'pwt') : `/tmp/pwt-${process.getuid?.() ?? 'user'}`;
  mkdirSync(base, { recursive: true, mode: 0o700 });
  // The control sockets carry live connections: the folder must be this user's alone (not one another user made first in /tmp).
  const info = lstatSync(base);
  const uid = process.getuid?.();
  if (!info.isDirectory() || (uid !== undefined && info.uid !== uid) || (info.mode & 0o077) !== 0) {
    throw preconditionError(
      `${base} is not a private folder of yours (pwt keeps its ssh control sockets there).`,
      `Remove it (or set XDG_RUNTIME_DIR to a folder only you can read), then run the command again.`,
    );
  }
  return base;
}

/** A word quoted for a POSIX shell: '…' with each ' written as '\''. */
export const shQuote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

/** A path on the host as one sh word; a leading `~/` is the home there. */
export const shPath = (path: string): string => (path === '~' ? '"$HOME"' : path.startsWith('~/') ? `"$HOME"/${shQuote(path.slice(2))}` : shQuote(path));

/** The fixed command line that runs `script` under sh on the host, whatever the login shell. */
export function remoteCommand(script: string): string {
  const encoded = Buffer.from(script, 'utf8').toString('base64');
  return `exec sh -c 'eval "$(printf %s ${encoded} | base64 -d)"'`;
}

function sshArgs(target: SshTarget, options: { tty: boolean; batch: boolean; connectTimeoutS: number }): string[] {
  const args: string[] = [];
  const config = process.env[PWT_ENV.sshConfig];
  if (config) args.push('-F', config);
  args.push(
    '-o',
    'ControlMaster=auto',
    '-o',
    `ControlPath=${join(runtimeDir(), '%C')}`,
    '-o',
    'ControlPersist=300',
    '-o',
    `ConnectTimeout=${options.connectTimeoutS}`,
    '-o',
    'ServerAliveInterval=5',
    '-o',
    'ServerAliveCountMax=2',
  );
  if (options.batch) args.push('-o', 'BatchMode=yes');
  args.push(options.tty ? '-t' : '-T', '-q', '--', target.destination);
  return args;
}

/**
 * Runs a script on the host and collects its output. `timeoutMs` bounds the
 * whole call (connection and answer): past it ssh is killed and the result
 * says timedOut. Without it, only connecting is bounded.
 */
export function sshRun(target: SshTarget, script: string, options: { timeoutMs?: number; input?: string } = {}): Promise<SshResult> {
  const connectTimeoutS = Math.max(1, Math.ceil(hostTimeoutMs() / 1000));
  const args = [...sshArgs(target, { tty: false, batch: true, connectTimeoutS }), remoteCommand(script)];
  return new Promise((resolve, reject) => {
    // stderr is a file-less pipe we stop reading at exit: a ControlPersist master forked
    // by this call keeps no pipe of ours open (it detaches onto /dev/null).
    traceSpawn('ssh', args);
    const child = spawn('ssh', args, { stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let settled = false;
    const finish = (code: number) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code, timedOut });
    };
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
          finish(255);
        }, options.timeoutMs)
      : undefined;
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      if (settled) return;
      settled = true;
      reject(error.code === 'ENOENT' ? notInstalled('ssh') : error);
    });
    // 'exit', not 'close': a master ssh forks to keep the connection may hold a copy of a pipe.
    child.on('exit', (code, signal) => setImmediate(() => finish(code ?? (signal ? 255 : 1))));
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/**
 * Runs a script on the host with the user's terminal (`ssh -t`): for
 * attaching to an agent's tmux there. Resolves with ssh's exit code.
 * Synchronous for the reason tmuxInteractive is (tmux.ts): while ssh has the
 * terminal this process reads none of its keys.
 */
export async function sshInteractive(target: SshTarget, script: string): Promise<number> {
  const connectTimeoutS = Math.max(1, Math.ceil(hostTimeoutMs() / 1000));
  const args = [...sshArgs(target, { tty: true, batch: false, connectTimeoutS }), remoteCommand(script)];
  traceSpawn('ssh', args, undefined, 'attached');
  const result = spawnSync('ssh', args, { stdio: 'inherit' });
  if (result.error) throw (result.error as NodeJS.ErrnoException).code === 'ENOENT' ? notInstalled('ssh') : result.error;
  return result.status ?? (result.signal ? 255 : 1);
}
