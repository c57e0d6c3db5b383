import { renderUsage, runCommand, type CommandDef } from 'citty';
import { examples } from './_examples.js';
import { checkArgv } from './_args.js';
import { usageError } from '../core/infra/errors.js';
import { printLine } from '../ui/log.js';

/**
 * Runs one resolved command (and its subcommands) with citty: help, the
 * argument check, citty's own errors as usage errors. Shared by the
 * dispatcher (src/main.ts) and the entries of status and agent list (src/status-main.ts, src/agent-list-main.ts), which
 * must not load the command table.
 */
type AnyCommand = CommandDef<any>;

/** --help or -h before any `--` (after it, words are values). */
function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

export async function runResolved(cmd: AnyCommand, rawArgs: string[], path: string[]): Promise<void> {
  const subCommands = (typeof cmd.subCommands === 'function' ? await cmd.subCommands() : cmd.subCommands) as
    Record<string, AnyCommand | (() => Promise<AnyCommand>)> | undefined;
  if (subCommands) {
    const [sub, ...rest] = rawArgs;
    if (sub === undefined || sub === '--help' || sub === '-h') {
      await printUsage(cmd, path);
      if (sub === undefined) throw usageError(`pwt ${path.join(' ')} needs a subcommand.`, `Run: pwt ${path.join(' ')} --help`);
      return;
    }
    const entry = subCommands[sub];
    if (!entry) throw usageError(`Unknown command "pwt ${path.join(' ')} ${sub}".`, `Run: pwt ${path.join(' ')} --help`);
    const resolved = typeof entry === 'function' ? await entry() : entry;
    await runResolved(resolved, rest, [...path, sub]);
    return;
  }
  if (wantsHelp(rawArgs)) {
    await printUsage(cmd, path);
    return;
  }
  const args = (typeof cmd.args === 'function' ? await cmd.args() : cmd.args) ?? {};
  checkArgv(rawArgs, args, path.join(' '));
  try {
    await runCommand(cmd, { rawArgs });
  } catch (error) {
    // citty's own argument errors (missing positional, bad enum value) are usage errors.
    if (error instanceof Error && error.name === 'CLIError')
      throw usageError(`${error.message.replace(/\u001B\[[0-9;]*m/g, '')}.`.replace(/\.\.$/, '.'), `Run: pwt ${path.join(' ')} --help`);
    throw error;
  }
}

/** citty's usage text, plain, naming the command as typed ("USAGE pwt agent sessions ..."). */
async function printUsage(cmd: AnyCommand, path: string[]): Promise<void> {
  const plain = (await renderUsage(cmd)).replace(/\u001B\[[0-9;]*m/g, '');
  const [description = '', ...body] = plain.split('\n');
  const lines = [
    // citty ends the description with "(<name>)"; the USAGE line already names the command.
    description.replace(/ \([^()]*\)$/, ''),
    ...body.map((line) =>
      line.replace(/^USAGE \S+/, `USAGE pwt ${path.join(' ')}`).replace(/^Use \S+( .*)? <command> --help/, `Use pwt ${path.join(' ')} <command> --help`),
    ),
  ];
  const text = lines
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n+$/, '');
  const shown = examples[path.join(' ')];
  printLine(`${text}${shown?.length ? `\n${['', 'EXAMPLES', '', ...shown.map((example) => `  ${example}`)].join('\n')}` : ''}`);
}
