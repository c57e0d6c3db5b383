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
  /**
   * Lines anywhere in the output that read like a test runner's summary
   * ("2 failed", "Tests: 3 failed, 10 passed", "FAIL" and a test file, "not
   * ok 3"): a failure's tail is often only a stack trace, and these say what failed.
   */
  summary?: string[];
}

const TAIL_LINES = 15;
const SUMMARY_LINES = 8;
const SUMMARY = new RegExp(
  [
    '\\b\\d+\\s+(failed|failing|failures?|passed|passing|errors?|pending|skipped|todo)\\b',
    '^\\s*(Tests?|Test Files|Test Suites|Suites?)\\s*:',
    '^\\s*(FAIL|FAILED|ERROR|✗|✖|×|not ok)\\b',
    '^# (fail|pass|tests)\\s+\\d+',
  ].join('|'),
  'i',
);
// Colour codes would hide the words the summary looks for.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');

/** Picks summary lines from output that arrives in chunks (a line may be split across two). */
function summaryCollector(): { take(text: string): void; lines(): string[] } {
  let partial = '';
  const found: string[] = [];
  const check = (line: string) => {
    const clean = line.replace(ANSI, '').trimEnd();
    if (clean && clean.length <= 300 && SUMMARY.test(clean)) {
      found.push(clean);
      if (found.length > SUMMARY_LINES) found.shift();
    }
  };
  return {
    take(text) {
      const lines = (partial + text).replace(/\r/g, '\n').split('\n');
      partial = lines.pop() ?? '';
      lines.forEach(check);
    },
    lines() {
      if (partial) check(partial);
      partial = '';
      return found;
    },
  };
}

function stream(cmd: string, args: readonly string[], opts: StreamOptions): Promise<StreamResult> {
  return new Promise((resolve, reject) => {
    traceSpawn(cmd, args, opts.cwd);
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const summary = summaryCollector();
    const take = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      opts.onOutput?.(text);
      tail = (tail + text).slice(-8192);
      summary.take(text);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') reject(new PwtError(`${cmd} is not installed or not on PATH.`, Exit.precondition, `Install ${cmd} and try again.`));
      else reject(error);
    });
    child.on('close', (code, signal) => {
      const lines = tail
        .replace(/\r/g, '\n')
        .split('\n')
        .map((line) => line.trimEnd())
        .filter(Boolean);
      resolve({ code: code ?? (signal ? 128 : 1), tail: lines.slice(-TAIL_LINES), summary: summary.lines() });
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
