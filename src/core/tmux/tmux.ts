import { spawn, spawnSync } from 'node:child_process';
import { DoorError, PwtError, Exit } from '../infra/errors.js';
import { doorRefusal } from '../infra/door-errors.js';
import { traceSpawn } from '../infra/process.js';

/**
 * The one door to tmux (as git.ts is to git). Every call goes to pwt's own
 * server (`tmux -L pwt`; `TMUX_TMPDIR` decides where its socket lives, which
 * is how tests isolate it), is spawned without a shell with an argument
 * array, and has its failures mapped here: "no server" is an answer (nothing
 * runs), anything else that looks transient (a timeout, a server busy or
 * restarting under load) is retried and then reported as TmuxUnavailable,
 * which callers must treat as "unknown", never as "the agent died".
 *
 * Commands are chained with THEN, never with the string ';': tmux's argument
 * parser takes any argument that ends in ';' as a separator (the ';' is cut
 * off and what follows is a new tmux command), so the door writes THEN as ';'
 * and sends every string that ends in ';' with a '\' before that ';', which
 * tmux turns back into the string as given (tmuxArgv). A value (a path, an
 * environment value, an agent's argument) can so never end a command early.
 */
export const SOCKET_NAME = 'pwt';
const TIMEOUT_MS = 5_000;
const RETRIES = 3;

/** The separator between two tmux commands in one call (tmux's `;`): not a string, so no value can be taken for it. */
export const THEN: unique symbol = Symbol('tmux ;');
/** One element of a tmux command list: an argument as the command must receive it, or THEN. */
export type TmuxArg = string | typeof THEN;

/**
 * The arguments as tmux must be given them: THEN as ';', and a string that
 * ends in ';' with a '\' before that ';' (tmux cuts an argument's final ';'
 * and makes a '\' before it the literal ';': "x;" is sent "x\;", "x\;" is
 * sent "x\\;", ";" is sent "\;"; each reaches the command as it was).
 */
export function tmuxArgv(args: readonly TmuxArg[]): string[] {
  return args.map((arg) => (arg === THEN ? ';' : arg.endsWith(';') ? `${arg.slice(0, -1)}\\;` : arg));
}

/** The command list for people (messages, traces): each argument as given, THEN as ';'. */
export function readableArgs(args: readonly TmuxArg[]): string[] {
  return args.map((arg) => (arg === THEN ? ';' : arg));
}

/** The first command's name, for a message. */
const commandName = (args: readonly TmuxArg[]) => (typeof args[0] === 'string' ? args[0] : '');

export interface TmuxResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** tmux answered, but with an error that is not about a missing server. */
export class TmuxError extends DoorError {
  /** The command as given (THEN shown as ';'). */
  readonly args: readonly string[];

  constructor(
    args: readonly TmuxArg[],
    readonly result: TmuxResult,
  ) {
    const said = result.stderr.trim() || result.stdout.trim();
    const readable = readableArgs(args);
    super('tmux-failed', { program: 'tmux', args: readable, said: said.split('\n')[0] ?? '' }, `tmux ${commandName(args)} failed (${result.code}): ${said}`);
    this.name = 'TmuxError';
    this.args = readable;
  }
}

/** tmux could not be asked (timeout, crash, busy socket): the state is unknown, not "dead". */
export class TmuxUnavailable extends DoorError {
  constructor(message: string) {
    super('tmux-unreachable', { program: 'tmux', said: message }, message);
    this.name = 'TmuxUnavailable';
  }
}

/** What tmux prints when pwt's server is not running (so nothing of pwt's runs). */
const NO_SERVER = /no server running|error connecting to .*\((No such file or directory|Connection refused)\)/i;
/** Answers that say "ask again": a busy socket or a server restarting under load. */
const TRANSIENT = /server exited unexpectedly|Resource temporarily unavailable|lost server|error connecting to .*\((?!No such file|Connection refused)/i;
/** Answers that mean the target is gone (a window or session closed meanwhile). */
const NO_TARGET = /can't find (session|window|pane)|session not found|window not found|pane not found/i;

export const isNoServer = (result: TmuxResult) => NO_SERVER.test(result.stderr);
export const isNoTarget = (result: TmuxResult) => NO_TARGET.test(result.stderr);

/** The environment tmux itself runs with: never the user's own tmux server's variables. */
export function tmuxEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.TMUX;
  delete copy.TMUX_PANE;
  return copy;
}

function spawnTmux(args: readonly TmuxArg[], input?: string): Promise<TmuxResult> {
  return new Promise((resolve, reject) => {
    // -u: under a non-UTF-8 locale (LC_ALL=C, common in scripts and CI) tmux prints
    // control characters in -F output as "_", which would turn the tab separators
    // of list-panes into underscores (tmux(1), -u).
    // cwd '/': a server this call starts keeps its folder for life, and must never sit in a worktree that may be removed.
    const argv = ['-u', '-L', SOCKET_NAME, ...tmuxArgv(args)];
    traceSpawn('tmux', argv, '/');
    const child = spawn('tmux', argv, {
      cwd: '/',
      env: tmuxEnv(),
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new TmuxUnavailable(`tmux ${commandName(args)} did not answer within ${TIMEOUT_MS / 1000} s`));
    }, TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? tmuxMissing() : error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code: code ?? (signal ? 128 : 1) });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

export function tmuxMissing(): PwtError {
  const refusal = doorRefusal('program-missing', { program: 'tmux' });
  return new PwtError('tmux is not installed or not on PATH; pwt runs agents inside tmux.', refusal.exitCode, refusal.hint, refusal.kind);
}

/**
 * Runs `tmux -L pwt <args>` and returns the result for the caller to read
 * (a non-zero exit is not thrown). Retries what looks transient: a crash by
 * signal, or a timeout.
 */
export async function tmuxRaw(args: readonly TmuxArg[], input?: string): Promise<TmuxResult> {
  let last: unknown;
  for (let attempt = 0; attempt < RETRIES; attempt++) {
    try {
      const result = await spawnTmux(args, input);
      // Killed by a signal (128+) or a transient socket error: not tmux's answer; ask again.
      if (result.code < 128 && !(result.code !== 0 && TRANSIENT.test(result.stderr))) return result;
      last = new TmuxUnavailable(`tmux ${commandName(args)} failed (${result.code}): ${result.stderr.trim()}`);
    } catch (error) {
      if (error instanceof PwtError) throw error;
      last = error;
    }
    await new Promise((done) => setTimeout(done, 100 * (attempt + 1)));
  }
  throw last instanceof TmuxUnavailable ? last : new TmuxUnavailable(`tmux ${commandName(args)} failed: ${(last as Error)?.message}`);
}

/** Runs tmux and returns stdout; a non-zero exit is a TmuxError. */
export async function tmux(args: readonly TmuxArg[], input?: string): Promise<string> {
  const result = await tmuxRaw(args, input);
  if (result.code !== 0) throw new TmuxError(args, result);
  return result.stdout;
}

/** The tmux version (e.g. "3.3a"), or null when tmux is not installed. */
export async function tmuxVersion(): Promise<string | null> {
  try {
    const result = await spawnTmux(['-V']);
    return result.stdout.trim().replace(/^tmux\s+/, '') || null;
  } catch (error) {
    if (error instanceof PwtError && error.exitCode === Exit.precondition) return null;
    throw error;
  }
}

/** Exit 3 with how to install tmux when it is missing. */
export async function requireTmux(): Promise<void> {
  if ((await tmuxVersion()) === null) throw tmuxMissing();
}

/** How an attach ended: tmux's exit code and what it wrote to stderr (its reason when it failed). */
export interface AttachEnd {
  code: number;
  stderr: string;
}

/**
 * Runs tmux on this terminal (attach) until the user detaches or the session
 * ends. Synchronous on purpose: while it runs this process reads nothing, so
 * tmux alone reads the terminal. A process that still reads its terminal (a
 * view whose input handler is not yet taken down) would take bytes tmux's
 * server was told were there; tmux's read then finds none, and tmux drops the
 * client ("server exited unexpectedly", exit 1). stderr is kept, so a client
 * that could not attach says why in a message the caller shows instead of a
 * line its own screen would paint over.
 */
export async function tmuxInteractive(args: readonly TmuxArg[]): Promise<AttachEnd> {
  // -u: under a non-UTF-8 locale (LC_ALL=C, common in scripts and CI) tmux prints
  // control characters in -F output as "_", which would turn the tab separators
  // of list-panes into underscores (tmux(1), -u).
  const argv = ['-u', '-L', SOCKET_NAME, ...tmuxArgv(args)];
  traceSpawn('tmux', argv, undefined, 'attached');
  const result = spawnSync('tmux', argv, { env: tmuxEnv(), stdio: ['inherit', 'inherit', 'pipe'], encoding: 'utf8' });
  if (result.error) throw (result.error as NodeJS.ErrnoException).code === 'ENOENT' ? tmuxMissing() : result.error;
  return { code: result.status ?? (result.signal ? 128 : 1), stderr: (result.stderr ?? '').trim() };
}
