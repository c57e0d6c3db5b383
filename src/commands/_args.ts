import type { ArgsDef } from 'citty';
import { usageError } from '../core/infra/errors.js';

/**
 * citty parses leniently: unknown flags pass and repeated string flags keep
 * only the last value. pwt's contract says an unknown flag is a usage error
 * (exit 2) and `--goal` repeats, so argv is checked here first.
 */
interface Known {
  strings: Set<string>;
  booleans: Set<string>;
  /** Infinity when the last positional takes any number (its valueHint ends in "..."). */
  positionals: number;
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function knownFlags(def: ArgsDef): Known {
  const known: Known = { strings: new Set(), booleans: new Set(['help', 'h']), positionals: 0 };
  for (const [name, arg] of Object.entries(def)) {
    if (arg.type === 'positional') {
      known.positionals += arg.valueHint?.endsWith('...') ? Infinity : 1;
      continue;
    }
    const alias = 'alias' in arg ? arg.alias : undefined;
    const names = [name, kebab(name), ...(Array.isArray(alias) ? alias : alias ? [alias] : [])];
    for (const each of names) (arg.type === 'boolean' ? known.booleans : known.strings).add(each);
  }
  return known;
}

/** Throws a usage error for an unknown flag, a flag without its value, or one positional too many. */
export function checkArgv(rawArgs: readonly string[], def: ArgsDef, command: string): void {
  const known = knownFlags(def);
  let positionals = 0;
  for (let i = 0; i < rawArgs.length; i++) {
    const token = rawArgs[i] as string;
    if (token === '--') {
      positionals += rawArgs.length - i - 1;
      break;
    }
    if (!token.startsWith('-') || token === '-') {
      positionals++;
      continue;
    }
    const [flag = '', inline] = token.replace(/^--?/, '').split(/=(.*)/s);
    if (known.booleans.has(flag) || (flag.startsWith('no-') && known.booleans.has(flag.slice(3)))) continue;
    if (known.strings.has(flag)) {
      if (inline !== undefined) continue;
      const value = rawArgs[i + 1];
      if (value === undefined || (value.startsWith('--') && value.length > 2)) throw usageError(`${token} needs a value.`, `Run: pwt ${command} --help`);
      i++;
      continue;
    }
    throw usageError(`Unknown option ${token} for pwt ${command}.`, `Run: pwt ${command} --help`);
  }
  if (positionals > known.positionals) {
    throw usageError(`Too many arguments for pwt ${command}.`, `Run: pwt ${command} --help`);
  }
}

/** Every value of a repeatable string flag, in order (`--goal a --goal b`, `--goal=c`). */
export function repeated(rawArgs: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const token = rawArgs[i] as string;
    if (token === '--') break;
    if (token === `--${name}`) {
      const value = rawArgs[i + 1];
      if (value !== undefined) values.push(value);
      i++;
    } else if (token.startsWith(`--${name}=`)) values.push(token.slice(name.length + 3));
  }
  return values;
}

export const jsonArg = { json: { type: 'boolean', description: 'Print JSON on stdout (and nothing else there)' } } as const;

/** --no-hooks and --trust-hooks, for the commands that run project hooks. */
export const hookArgs = {
  hooks: { type: 'boolean', default: true, description: 'Run the project hooks from .pwt.json (--no-hooks skips them)' },
  'trust-hooks': { type: 'boolean', description: "Approve this repository's current project hooks without asking" },
} as const;
