import { renderUsage, runCommand, type CommandDef } from 'citty';
import { aliases, commands, summaries } from './commands/index.js';
import { examples } from './commands/_examples.js';
import { checkArgv } from './commands/_args.js';
import { usageError } from './core/infra/errors.js';
import { packageVersion } from './core/infra/package-root.js';
import { connectUi } from './ui/connect.js';
import { printLine } from './ui/log.js';

/**
 * Command dispatch, loaded by src/cli.ts (which owns exit codes). Done here
 * rather than by citty's runMain so that unknown flags are usage errors and
 * every error reaches cli.ts with its exit code (README "Exit codes").
 */
type AnyCommand = CommandDef<any>;

/** Hidden (not in summaries): candidates and the current session for the shell functions. It reads the table, so it is not in it. */
const hidden: Record<string, () => Promise<AnyCommand>> = { complete: () => import('./commands/complete.js').then((m) => m.default) };
const loaderOf = (name: string) => commands[name] ?? hidden[name];

function topHelp(): string {
  const width = Math.max(...Object.keys(summaries).map((name) => name.length));
  const lines = Object.entries(summaries).map(([name, text]) => `  ${name.padEnd(width)}  ${text}`);
  return [
    `pwt ${packageVersion()} - parallel worktrees for parallel AI coding agents`,
    '',
    'Usage: pwt <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `pwt help <command>` (or `pwt <command> --help`) for its options and examples; `pwt --version` (-V) prints the version.',
    'Exit codes: 0 done, 1 bug, 2 usage, 3 precondition, 4 conflict, 130 cancelled.',
  ].join('\n');
}

/** --help or -h before any `--` (after it, words are values). */
function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

export async function dispatch(argv: string[]): Promise<void> {
  connectUi();
  const [first, ...rest] = argv;
  if (first === 'help' && rest.length > 0) {
    // `pwt help remove` is `pwt remove --help`; `pwt help hooks install` reaches the subcommand.
    const [command, ...sub] = rest as [string, ...string[]];
    const load = loaderOf(aliases[command] ?? command);
    if (!load) throw usageError(`Unknown command "${command}".`, 'Run: pwt help');
    await runResolved(await load(), [...sub, '--help'], [aliases[command] ?? command]);
    return;
  }
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    printLine(topHelp());
    return;
  }
  if (first === '--version' || first === '-V' || first === '-v') {
    printLine(packageVersion());
    return;
  }
  const name = aliases[first] ?? first;
  const load = loaderOf(name);
  if (!load) throw usageError(`Unknown command "${first}".`, 'Run: pwt --help');
  await runResolved(await load(), rest, [name]);
}

async function runResolved(cmd: AnyCommand, rawArgs: string[], path: string[]): Promise<void> {
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
