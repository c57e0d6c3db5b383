import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { existsSync } from 'node:fs';
import { DoorError, type PwtError } from './errors.js';
import { doorRefusal } from './door-errors.js';
import { PWT_ENV } from './env.js';
import { notes } from './notes.js';
import { shellWord } from './shell-word.js';

/**
 * Starting other programs. Only this module and the doors (git/, gh/, tmux/)
 * spawn processes (test/architecture.test.ts checks it). Always without a
 * shell, with an argument array: no value is ever parsed by a shell, so
 * nothing needs quoting.
 */
export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Called with each piece of stdout as it arrives (for output read while the command runs). */
  onStdout?: (text: string) => void;
}

/**
 * PWT_DEBUG=1: one trace line for each program pwt starts, by whichever door
 * starts it (the ui prints traces on stderr). `how` says when it is not a
 * plain spawn (zx's shell, an attached terminal, detached).
 */
export function traceSpawn(cmd: string, args: readonly string[], cwd?: string, how?: string): void {
  if (process.env[PWT_ENV.debug] !== '1') return;
  notes.trace(`pwt: run ${[cmd, ...args].map(shellWord).join(' ')}${cwd ? `  (in ${cwd})` : ''}${how ? `  [${how}]` : ''}`);
}

export const notInstalled = (cmd: string): PwtError => doorRefusal('program-missing', { program: cmd });

/** spawn says ENOENT both for a missing program and for a missing folder to run it in: tell them apart. */
export function spawnFailure(cmd: string, cwd: string | undefined, error: NodeJS.ErrnoException): Error {
  if (error.code !== 'ENOENT') return error;
  if (cwd !== undefined && !existsSync(cwd)) return new DoorError('folder-missing', { program: cmd, path: cwd }, `cannot run ${cmd} in ${cwd}: no such folder`);
  return notInstalled(cmd);
}

/** Runs a program to its end and collects its output; a missing program is a precondition error. */
export function runProcess(cmd: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  traceSpawn(cmd, args, opts.cwd);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    // A chunk may end inside a multi-byte character; the decoder keeps the rest for the next one.
    const decoder = new StringDecoder('utf8');
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => {
      if (opts.onStdout) opts.onStdout(decoder.write(chunk));
      else out.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => reject(spawnFailure(cmd, opts.cwd, error)));
    child.on('close', (code, signal) => {
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code: code ?? (signal ? 128 : 1),
      });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/**
 * A program's stdout as a text stream (stderr ignored), for output too big to
 * hold. The program is ended when the reader stops early (destroying the
 * stream closes the pipe; a program still running then is killed).
 */
export function streamStdout(cmd: string, args: readonly string[]): Readable {
  traceSpawn(cmd, args, undefined, 'streamed');
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  child.on('error', () => child.stdout.destroy());
  child.stdout.on('close', () => {
    if (child.exitCode === null) child.kill();
  });
  child.stdout.setEncoding('utf8');
  return child.stdout;
}
