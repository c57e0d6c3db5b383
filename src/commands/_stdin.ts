import { usageError } from '../core/infra/errors.js';

/**
 * TEXT given as `-`: read from stdin (a text longer than one command-line
 * argument may be, 128 KiB on Linux), without its trailing newlines.
 */
export async function textArg(value: string, command: string): Promise<string> {
  if (value !== '-') return value;
  if (process.stdin.isTTY) throw usageError(`${command} - reads the text from stdin, and stdin is a terminal.`, `Pipe it in: ${command} - < message.txt`);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').replace(/\n+$/, '');
  if (!text) throw usageError(`${command} -: stdin was empty.`, `Pipe the text in: ${command} - < message.txt`);
  return text;
}
