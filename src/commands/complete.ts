import { defineCommand, type ArgsDef, type CommandDef } from 'citty';
import { preconditionError } from '../core/infra/errors.js';
import { findRepo } from '../core/git/repo.js';
import { loadConfig, PROVIDERS } from '../core/project/config.js';
import { readManifest } from '../core/manifest/store.js';
import { listRuns, readRun } from '../core/agents/runs/store.js';
import { nameProblem } from '../core/project/names.js';
import { completeWords, type CompletionWorld, type FlagInfo } from '../core/shell/complete.js';
import { currentSessionName } from '../core/shell/integration.js';
import { printLine } from '../ui/log.js';
import { aliases, commands, summaries } from './index.js';

/**
 * Hidden helper for the shell functions (not in `pwt --help`):
 *   pwt complete -- <program> <words...> <current>   completion candidates, one per line
 *   pwt complete --current                          the session the cwd is in (for pend)
 * Fast on purpose: reads the manifest only, never git status.
 */
type AnyCommand = CommandDef<any>;

async function resolve<T>(value: T | (() => T | Promise<T>) | undefined): Promise<T | undefined> {
  return typeof value === 'function' ? (value as () => T | Promise<T>)() : value;
}

async function loadPath(path: string[]): Promise<AnyCommand | undefined> {
  const [first, ...rest] = path;
  const load = first ? commands[first] : undefined;
  let cmd: AnyCommand | undefined = load ? await load() : undefined;
  for (const name of rest) {
    const subs = (await resolve(cmd?.subCommands)) as Record<string, AnyCommand | (() => Promise<AnyCommand>)> | undefined;
    cmd = await resolve(subs?.[name]);
  }
  return cmd;
}

/** Values of string flags that the commands check themselves (README "Commands"), by flag name. */
const KNOWN_VALUES: Record<string, readonly string[]> = {
  strategy: ['pr', 'merge', 'keep', 'abandon'],
  agent: PROVIDERS,
  provider: PROVIDERS,
  agents: PROVIDERS,
};

function flagsOf(def: ArgsDef): FlagInfo[] {
  const flags: FlagInfo[] = [];
  for (const [name, arg] of Object.entries(def)) {
    if (arg.type === 'positional') continue;
    // citty negates a boolean that defaults to true with --no-<name>.
    if (arg.type === 'boolean') flags.push({ name: arg.default === true ? `no-${name}` : name, takesValue: false });
    else {
      const values = arg.type === 'enum' ? arg.options : KNOWN_VALUES[name];
      flags.push({ name, takesValue: true, ...(values ? { values: [...values] } : {}) });
    }
  }
  return flags;
}

const world: CompletionWorld = {
  commands: [...Object.keys(summaries), ...Object.keys(aliases).filter((alias) => commands[aliases[alias] as string])],
  aliases,
  async subcommands(command) {
    const cmd = await loadPath([command]);
    return Object.keys((await resolve(cmd?.subCommands)) ?? {});
  },
  async flags(path) {
    const cmd = await loadPath(path);
    return flagsOf(((await resolve(cmd?.args)) ?? {}) as ArgsDef);
  },
  async sessions() {
    const repo = await findRepo();
    if (!repo) return [];
    const manifest = await readManifest({ repo, sessionsDir: loadConfig(repo).sessionsDir });
    return manifest?.sessions.map((session) => session.id) ?? [];
  },
  async runs() {
    const repo = await findRepo();
    if (!repo) return [];
    return listRuns(loadConfig(repo).sessionsDir).runs.map((run) => run.name);
  },
  async runProviders(name) {
    const repo = await findRepo();
    if (!repo || nameProblem(name)) return [];
    return readRun(loadConfig(repo).sessionsDir, name)?.agents.map((agent) => agent.provider) ?? [];
  },
  async agentIds() {
    const repo = await findRepo();
    if (!repo) return [];
    const manifest = await readManifest({ repo, sessionsDir: loadConfig(repo).sessionsDir });
    return manifest?.sessions.flatMap((session) => (session.agents ?? []).map((agent) => agent.id)) ?? [];
  },
  providers: PROVIDERS,
};

/**
 * After `--`: the program and the words typed so far, the current word last.
 * The dispatcher's strict argv check counts positionals, so declare enough
 * slots for any command line a person types.
 */
const MAX_WORDS = 200;
const wordSlots = Object.fromEntries(Array.from({ length: MAX_WORDS }, (_, i) => [`word${i}`, { type: 'positional' as const, required: false }]));

export default defineCommand({
  meta: { name: 'complete', description: 'Internal: completion candidates and the current session, for the shell functions' },
  args: {
    current: { type: 'boolean', description: 'Print the name of the session the current directory is in' },
    ...wordSlots,
  },
  async run({ rawArgs, args }) {
    if (args.current) {
      const name = await currentSessionName();
      if (!name) throw preconditionError('Not inside a pwt session.', 'cd into one first (pcd <name>), or name it: pend <name>.');
      printLine(name);
      return;
    }
    const dash = rawArgs.indexOf('--');
    const words = dash === -1 ? rawArgs : rawArgs.slice(dash + 1);
    for (const candidate of await completeWords(world, words)) printLine(candidate);
  },
});
