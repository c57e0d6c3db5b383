import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PwtError, Exit } from '../infra/errors.js';
import { traceSpawn } from '../infra/process.js';

/**
 * The door to commands a repository asks pwt to run (project hooks in
 * `.pwt.json`): a command line goes to `sh -c`, a `.mjs` file to zx's own
 * CLI (so the script gets zx's globals: `$`, `cd`, `fs`...). Output is
 * streamed to the caller as it comes, and the last lines are kept for the
 * error message of a failed hook.
 */
export interface StreamOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  onOutput?: (text: string) => void;
}

export interface StreamResult {
  code: number;
  /** The last lines of stdout and stderr together, for a failure message. */
  tail: string[];
}

const TAIL_LINES = 15;

function stream(cmd: string, args: readonly string[], opts: StreamOptions): Promise<StreamResult> {
  return new Promise((resolve, reject) => {
    traceSpawn(cmd, args, opts.cwd);
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const take = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      opts.onOutput?.(text);
      tail = (tail + text).slice(-8192);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') reject(new PwtError(`${cmd} is not installed or not on PATH.`, Exit.precondition, `Install ${cmd} and try again.`));
      else reject(error);
    });
    child.on('close', (code, signal) => {
      const lines = tail.replace(/\r/g, '\n').split('\n').map((line) => line.trimEnd()).filter(Boolean);
      resolve({ code: code ?? (signal ? 128 : 1), tail: lines.slice(-TAIL_LINES) });
    });
  });
}

/** Runs a command line with /bin/sh, like git runs its hooks. */
export function runCommandLine(line: string, opts: StreamOptions): Promise<StreamResult> {
  return stream('/bin/sh', ['-c', line], opts);
}

/** zx's CLI, from pwt's own dependencies (resolved only when a zx hook runs). */
function zxCli(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('zx/package.json');
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.zx;
  if (!bin) throw new Error(`zx at ${dirname(manifest)} has no zx bin`);
  return join(dirname(manifest), bin);
}

/** Runs a `.mjs` file as a zx script with the Node that runs pwt. */
export function runZxScript(script: string, opts: StreamOptions): Promise<StreamResult> {
  if (!existsSync(script)) return Promise.resolve({ code: 127, tail: [`${script}: no such file`] });
  return stream(process.execPath, [zxCli(), script], opts);
}
