import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { PwtError, Exit } from './errors.js';

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

export const notInstalled = (cmd: string): PwtError => new PwtError(`${cmd} is not installed or not on PATH.`, Exit.precondition, `Install ${cmd} and try again.`);

/** Runs a program to its end and collects its output; a missing program is a precondition error. */
export function runProcess(cmd: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
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
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') reject(notInstalled(cmd));
      else reject(error);
    });
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
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  child.on('error', () => child.stdout.destroy());
  child.stdout.on('close', () => {
    if (child.exitCode === null) child.kill();
  });
  child.stdout.setEncoding('utf8');
  return child.stdout;
}
