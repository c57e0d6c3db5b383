import type { CommandDef } from 'citty';
import { aliases, commands, summaries } from './commands/index.js';
import { runResolved } from './commands/_run.js';
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
