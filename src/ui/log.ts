import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { createConsola, type ConsolaInstance } from 'consola/basic';

/**
 * People read stderr, scripts read stdout (docs/concepts.md). The basic build of
 * consola (the full one costs ~35 ms per start), created on first use so
 * commands that print nothing for people (path, hooks) never build it.
 */
let instance: ConsolaInstance | undefined;
export const log = new Proxy({} as ConsolaInstance, {
  get(_target, key) {
    instance ??= createConsola({ stdout: process.stderr, stderr: process.stderr, formatOptions: { date: false, colors: !process.env.NO_COLOR } });
    const value = instance[key as keyof ConsolaInstance];
    return typeof value === 'function' ? value.bind(instance) : value;
  },
});

/**
 * Prompts only when a person can see the question and answer it: stdin and
 * stdout (where the prompts draw) are terminals, and CI is unset. With
 * stdout in a pipe (`pwt create x 2>&1 | tail`, `pwt remove s | cat`) the
 * question would be drawn where nobody sees it, so pwt acts as without a
 * terminal (its defaults, or a refusal that names the flag).
 */
export function isInteractive(): boolean {
  return Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY) && !process.env.CI;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** Data on stdout exactly as given (shell code that is sourced as it is). */
export function printRaw(text: string): void {
  process.stdout.write(text);
}

/** The terminal bell (on stdout, where the full-screen view draws). */
export function bell(): void {
  process.stdout.write('\u0007');
}

/** One plain line on stderr, without the log's decoration (hooks' warnings, debugging traces). */
export function errorLine(text: string): void {
  process.stderr.write(`${text}\n`);
}

const useColor = () => !process.env.NO_COLOR && process.stdout.isTTY === true && process.env.TERM !== 'dumb';
const paint = (code: number) => (text: string) => (useColor() ? `\u001B[${code}m${text}\u001B[0m` : text);
export const color = { dim: paint(2), bold: paint(1), red: paint(31), green: paint(32), yellow: paint(33), cyan: paint(36) };

/**
 * stdout as the channel of a protocol (`pwt mcp`): a stream of its own on
 * file descriptor 1 whose write errors (the client went away) are dropped,
 * so a gone reader never ends the process while an operation finishes.
 */
export function protocolOutput(): Writable {
  const stream = createWriteStream('', { fd: 1, autoClose: false });
  stream.on('error', () => undefined);
  return stream;
}
