/**
 * Completion candidates for the shell functions, as a pure function of the
 * words typed so far (the antfu/ni split: parse here, the world is passed in).
 * The shells send every word up to the cursor, the program first and the word
 * being completed last (maybe empty); pwt prints every candidate for that
 * position, one per line, and the shell filters them by prefix (so zsh's own
 * matchers, e.g. case-insensitive ones, still apply).
 */
export interface FlagInfo {
  /** Long name without dashes, e.g. "strategy". */
  name: string;
  takesValue: boolean;
  /** Values of an enum flag. */
  values?: string[];
}

export interface CompletionWorld {
  /** Top-level command names users see (hidden ones left out), aliases included. */
  commands: string[];
  aliases: Record<string, string>;
  /** Subcommand names of a group (e.g. hooks -> install, uninstall, status); empty for a plain command. */
  subcommands(command: string): Promise<string[]>;
  /** Flags of a command path, e.g. ["remove"] or ["hooks", "install"]. */
  flags(path: string[]): Promise<FlagInfo[]>;
  /** Session names from the manifest (no git status scan). */
  sessions(): Promise<string[]>;
  /** Named runs (the run files' names). */
  runs(): Promise<string[]>;
  /** The providers of one run (for `pwt run pick <run> <provider>`). */
  runProviders(run: string): Promise<string[]>;
  /** pwt agent ids from the manifest. */
  agentIds(): Promise<string[]>;
  /** Provider names (claude, codex, ...). */
  providers: readonly string[];
}

/** `pwt agent <sub>` first positionals: a provider, or an agent (its id or its provider). */
const AGENT_POSITIONAL: Record<string, 'provider' | 'agent'> = {
  start: 'provider',
  switch: 'provider',
  new: 'provider',
  transcript: 'provider',
  attach: 'agent',
  stop: 'agent',
  resume: 'agent',
  rm: 'agent',
};

/** Commands whose first positional is a session name. */
const SESSION_POSITIONAL = new Set(['remove', 'path', 'sync', 'diff']);
/** Commands whose every positional is a session name. */
const SESSIONS_POSITIONAL = new Set(['land']);
/** `pwt run` subcommands whose first positional is a run name. */
const RUN_POSITIONAL = new Set(['show', 'compare', 'pick', 'rm', 'resume', 'stop', 'send']);
/** Other first positionals with a fixed set of values. */
const FIXED_POSITIONAL: Record<string, string[]> = { 'shell-init': ['bash', 'zsh', 'fish'] };

const flagWords = (flags: FlagInfo[]) => [...flags.map((flag) => `--${flag.name}`), '--help'];

/** Candidates for the argument part of a command line (after the command path). */
async function completeArgs(
  world: CompletionWorld,
  path: string[],
  args: string[],
  current: string,
  positional: (index: number, given: string[]) => Promise<string[]>,
): Promise<string[]> {
  const flags = await world.flags(path);
  const byName = new Map(flags.map((flag) => [flag.name, flag]));
  const previous = args.at(-1);
  const pending = previous?.startsWith('--') && !previous.includes('=') ? byName.get(previous.slice(2)) : undefined;
  if (pending?.takesValue)
    return pending.name === 'session' || pending.name === 'on'
      ? world.sessions()
      : pending.name === 'run' && path[0] === 'land'
        ? world.runs()
        : (pending.values ?? []);
  if (current.startsWith('-')) return flagWords(flags);
  const given: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i] as string;
    if (word === '--') return [];
    if (word.startsWith('-')) {
      const flag = byName.get(word.replace(/^--?/, ''));
      if (flag?.takesValue && !word.includes('=')) i++;
      continue;
    }
    given.push(word);
  }
  return positional(given.length, given);
}

export async function completeWords(world: CompletionWorld, words: readonly string[]): Promise<string[]> {
  if (words.length < 2) return [];
  const program = words[0] as string;
  const current = words.at(-1) as string;
  const before = words.slice(1, -1);
  if (program === 'pcd') return before.length === 0 ? world.sessions() : [];
  // pend [name] [pwt remove flags]: a name only as the first word.
  if (program === 'pend') return completeArgs(world, ['remove'], before, current, async (index) => (index === 0 ? world.sessions() : []));
  if (before.length === 0) return current.startsWith('-') ? ['--help', '--version'] : [...world.commands, 'help'];
  if (before[0] === 'help') return before.length === 1 ? world.commands : world.subcommands(world.aliases[before[1] as string] ?? (before[1] as string));
  const command = world.aliases[before[0] as string] ?? (before[0] as string);
  const subcommands = await world.subcommands(command);
  if (subcommands.length > 0) {
    if (before.length === 1) return subcommands;
    const sub = before[1] as string;
    if (!subcommands.includes(sub)) return [];
    return completeArgs(world, [command, sub], before.slice(2), current, async (index, given) => {
      const kind = command === 'agent' && index === 0 ? AGENT_POSITIONAL[sub] : undefined;
      if (kind === 'provider') return [...world.providers];
      if (kind === 'agent') return [...(await world.agentIds()), ...world.providers];
      if (command !== 'run' || !RUN_POSITIONAL.has(sub)) return [];
      if (index === 0) return world.runs();
      return sub === 'pick' && index === 1 ? world.runProviders(given[0] as string) : [];
    });
  }
  return completeArgs(world, [command], before.slice(1), current, async (index, given) => {
    if (SESSIONS_POSITIONAL.has(command)) return (await world.sessions()).filter((name) => !given.includes(name));
    if (index !== 0) return [];
    if (SESSION_POSITIONAL.has(command)) return world.sessions();
    return FIXED_POSITIONAL[command] ?? [];
  });
}
