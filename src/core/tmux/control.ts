import { spawn, type ChildProcess } from 'node:child_process';
import { traceSpawn } from '../infra/process.js';
import { SOCKET_NAME, tmuxEnv, tmuxRaw, TmuxUnavailable, type TmuxResult } from './tmux.js';

/**
 * tmux control mode (tmux(1), "CONTROL MODE"): one long-lived `tmux -C`
 * client of pwt's server that takes commands on its stdin, one per line, and
 * answers each with a block framed by `%begin <time> <number> <flags>` and a
 * matching `%end` or `%error` line (same three numbers). Between blocks (never
 * inside one) tmux writes notifications: `%output`, `%window-add`,
 * `%sessions-changed`, `%exit`... `pwt watch` reads every pane and screen
 * through one such client, so a refresh starts no tmux process; every other
 * caller, and watch whenever the client cannot start or has died, spawns
 * `tmux` per call as before (tmux.ts).
 *
 * The client attaches to one of the server's sessions (tmux has no other way
 * to keep a control client connected) without disturbing it:
 * `-f ignore-size` (its size never counts when tmux sizes windows),
 * `-f no-output` (no `%output` stream of every pane), `-E` (the session's
 * environment is not updated from pwt's, as `update-environment` would).
 * Its stdin is a pipe from this process: when the process ends, even killed,
 * tmux reads end of file and the client exits.
 */

/** One event of the control-mode stream. */
export type ControlEvent =
  | { kind: 'reply'; number: number; flags: number; ok: boolean; lines: string[] }
  | { kind: 'output'; pane: string; bytes: Buffer }
  | { kind: 'exit'; reason: string }
  | { kind: 'notification'; name: string; args: string };

/**
 * The bytes of a `%output` value: tmux escapes bytes below space and the
 * backslash as `\ooo` (octal) and passes every other byte as it is (not
 * necessarily UTF-8), so the value is read byte for byte (latin1).
 */
export function decodeOutput(value: Buffer): Buffer {
  return Buffer.from(
    value.toString('latin1').replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))),
    'latin1',
  );
}

const BEGIN = /^%begin (\d+) (\d+) (\d+)$/;
const OUTPUT = Buffer.from('%output ');

/**
 * Turns control-mode lines into events. A block's content is taken as it is
 * (a pane's screen may hold lines starting with `%`, even `%end`): only the
 * `%end` or `%error` with the very time, number and flags of its `%begin`
 * closes it.
 */
export class ControlParser {
  private block: { head: string; number: number; flags: number; lines: string[] } | null = null;
  private rest = Buffer.alloc(0);

  /** Feeds raw bytes (chunks may end anywhere); returns the events of every complete line. */
  push(chunk: Buffer): ControlEvent[] {
    const events: ControlEvent[] = [];
    let data = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10)) {
      const event = this.line(data.subarray(0, nl));
      if (event) events.push(event);
      data = data.subarray(nl + 1);
    }
    this.rest = Buffer.from(data);
    return events;
  }

  /** One complete line (without its newline). */
  line(raw: Buffer): ControlEvent | null {
    if (!this.block && raw.subarray(0, OUTPUT.length).equals(OUTPUT)) {
      const rest = raw.subarray(OUTPUT.length);
      const gap = rest.indexOf(32);
      return {
        kind: 'output',
        pane: rest.subarray(0, gap < 0 ? undefined : gap).toString('utf8'),
        bytes: gap < 0 ? Buffer.alloc(0) : decodeOutput(rest.subarray(gap + 1)),
      };
    }
    const line = raw.toString('utf8');
    if (this.block) {
      const { head, number, flags, lines } = this.block;
      if (line === `%end ${head}` || line === `%error ${head}`) {
        this.block = null;
        return { kind: 'reply', number, flags, ok: line.startsWith('%end'), lines };
      }
      lines.push(line);
      return null;
    }
    const begin = BEGIN.exec(line);
    if (begin) {
      this.block = { head: `${begin[1]} ${begin[2]} ${begin[3]}`, number: Number(begin[2]), flags: Number(begin[3]), lines: [] };
      return null;
    }
    if (!line.startsWith('%')) return null;
    const space = line.indexOf(' ');
    const name = line.slice(1, space < 0 ? undefined : space);
    const args = space < 0 ? '' : line.slice(space + 1);
    if (name === 'exit') return { kind: 'exit', reason: args };
    return { kind: 'notification', name, args };
  }
}

/**
 * One argument as tmux's command parser reads it back: in single quotes
 * (nothing inside is expanded: no `$VAR`, `~`, `#` comment or `;`, so a
 * string ending in ';', or ';' itself, stays data), a quote as `'\''`.
 */
export function quoteArg(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

const START_MS = 3_000;
const REPLY_MS = 5_000;

interface Pending {
  resolve(result: TmuxResult): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** One `tmux -C` client: send commands, read their replies in order. */
export class ControlClient {
  private readonly parser = new ControlParser();
  private readonly pending: Pending[] = [];
  private ready: Pending | null = null;
  private exited = false;
  private readonly ended: Promise<void>;

  private constructor(readonly child: ChildProcess) {
    this.ended = new Promise((done) => child.once('close', () => done()));
  }

  /** The client's process id (tests check that it is gone after close). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /**
   * Starts a client attached to one of the server's sessions (the most
   * recently used: `attach` without a target). Null when it cannot: no server
   * or no session, a tmux without control-mode client flags (before 3.2), no
   * answer in time.
   */
  static async open(): Promise<ControlClient | null> {
    // -N: never start a server (an attach would, to find no session in it).
    const args = ['-u', '-N', '-L', SOCKET_NAME, '-C', 'attach-session', '-E', '-f', 'ignore-size,no-output'];
    traceSpawn('tmux', args, '/', 'control mode');
    let child: ChildProcess;
    try {
      child = spawn('tmux', args, { cwd: '/', env: tmuxEnv(), stdio: ['pipe', 'pipe', 'ignore'] });
    } catch {
      return null;
    }
    const client = new ControlClient(child);
    child.on('error', () => client.died('tmux could not be started'));
    child.on('close', () => client.died('the tmux control client exited'));
    child.stdin?.on('error', () => client.died('the tmux control client closed its input'));
    child.stdout?.on('data', (chunk: Buffer) => client.receive(chunk));
    // Never what keeps this process running: at its end tmux reads end of file and the client exits.
    child.unref();
    (child.stdin as unknown as { unref?(): void } | null)?.unref?.();
    (child.stdout as unknown as { unref?(): void } | null)?.unref?.();
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), START_MS);
      client.ready = { resolve: (result) => resolve(result.code === 0), reject: () => resolve(false), timer };
    });
    if (client.ready) clearTimeout(client.ready.timer);
    client.ready = null;
    if (ok && client.alive) return client;
    await client.close();
    return null;
  }

  /**
   * Runs one tmux command (its argv, every element data) and returns its reply as a spawned tmux would. One
   * command only: tmux answers each command of a line in a block of its own, and replies are matched in order.
   */
  run(args: readonly string[]): Promise<TmuxResult> {
    if (this.exited || !this.child.stdin?.writable) return Promise.reject(new TmuxUnavailable('the tmux control client is not running'));
    if (args.some((arg) => /[\n\r]/.test(arg))) return Promise.reject(new TmuxUnavailable('a line break cannot pass through tmux control mode'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // Replies come in order: one missing means the next would be taken for it. This client is done.
        this.died(`tmux ${args[0]} did not answer within ${REPLY_MS / 1000} s in control mode`);
        void this.close();
      }, REPLY_MS);
      this.pending.push({ resolve, reject, timer });
      this.child.stdin?.write(`${args.map(quoteArg).join(' ')}\n`);
    });
  }

  private receive(chunk: Buffer): void {
    for (const event of this.parser.push(chunk)) {
      if (event.kind === 'exit') this.died(`the tmux control client exited${event.reason ? `: ${event.reason}` : ''}`);
      if (event.kind !== 'reply') continue;
      const result: TmuxResult = event.ok
        ? { stdout: event.lines.length ? `${event.lines.join('\n')}\n` : '', stderr: '', code: 0 }
        : { stdout: '', stderr: event.lines.length ? `${event.lines.join('\n')}\n` : '', code: 1 };
      // The attach itself answers first, with flags 0; commands written on stdin are answered with flags 1
      // (tmux 3.2+). A block with flags 0 later is none of ours (a hook's command run for this client).
      if (event.flags === 0) {
        this.ready?.resolve(result);
        continue;
      }
      const waiting = this.pending.shift();
      if (!waiting) continue;
      clearTimeout(waiting.timer);
      waiting.resolve(result);
    }
  }

  private died(reason: string): void {
    if (this.exited) return;
    this.exited = true;
    const error = new TmuxUnavailable(reason);
    this.ready?.reject(error);
    for (const waiting of this.pending.splice(0)) {
      clearTimeout(waiting.timer);
      waiting.reject(error);
    }
  }

  /** Ends the client (end of input, then a signal if it lingers) and resolves once its process is gone. */
  async close(): Promise<void> {
    this.died('the tmux control client was closed');
    // Never started (no tmux on PATH), or already gone.
    if (this.child.pid === undefined || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 1_000);
    await this.ended;
    clearTimeout(timer);
  }
}

/** Between attempts to start a client after one failed, the reads spawn tmux as before. */
const RETRY_MS = 10_000;

let current: ControlClient | null = null;
let opening: Promise<ControlClient | null> | null = null;
let failedAt = -Infinity;

/**
 * Makes sure this process has its control client (watch calls it each
 * refresh): keeps a live one, starts one when there is none (again at once
 * after one died; after a failed start, not before RETRY_MS), and tells
 * whether one runs now.
 */
export async function ensureControlClient(now = Date.now()): Promise<boolean> {
  if (current?.alive) return true;
  current = null;
  if (!opening) {
    if (now - failedAt < RETRY_MS) return false;
    opening = ControlClient.open().finally(() => (opening = null));
  }
  const client = await opening;
  if (client) current = client;
  else failedAt = Date.now();
  return client !== null;
}

/** The live control client, if this process has one. */
export function controlClient(): ControlClient | null {
  return current?.alive ? current : null;
}

/** Closes this process's control client (watch's exit); resolves once its tmux process is gone. */
export async function closeControlClient(): Promise<void> {
  const client = current ?? (await opening);
  current = null;
  failedAt = -Infinity;
  await client?.close();
}

/**
 * Runs tmux commands that only read (list-panes, capture-pane), each its own
 * command, through the control client when this process has one, else null
 * (also when the client fails meanwhile): the caller then spawns tmux as it
 * always did.
 */
export async function overControl(commands: readonly (readonly string[])[]): Promise<TmuxResult[] | null> {
  const client = controlClient();
  if (!client) return null;
  try {
    return await Promise.all(commands.map((args) => client.run(args)));
  } catch (error) {
    if (error instanceof TmuxUnavailable) return null;
    throw error;
  }
}

/** One read through the control client when there is one, else a spawned tmux (tmuxRaw). */
export async function tmuxRead(args: readonly string[]): Promise<TmuxResult> {
  return (await overControl([args]))?.[0] ?? tmuxRaw(args);
}
