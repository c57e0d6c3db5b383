import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { envDir, findExecutable, homeOf } from './vendors/common.js';
import { preconditionError, usageError } from '../infra/errors.js';

/**
 * `pwt mcp install <client> [--uninstall] [--global]`: pwt's entry in the
 * file where each agent CLI reads its MCP servers (docs/mcp.md, "Install").
 * The project's file by default (what the CLI reads for this project), the
 * user's with --global. Only the `pwt` entry is touched: the file is read,
 * the entry set or taken out, and written back whole (atomically); a file
 * pwt cannot read is refused, never overwritten.
 */
export const CLIENTS = ['claude', 'codex', 'gemini', 'copilot', 'opencode'] as const;
export type Client = (typeof CLIENTS)[number];
const NAME = 'pwt';

export interface ServerCommand {
  command: string;
  args: string[];
}

export interface InstallPlace {
  client: Client;
  file: string;
  scope: 'project' | 'user';
  format: 'json' | 'toml';
  /** Where the servers are in a JSON file: mcpServers (most) or mcp (opencode). */
  key: 'mcpServers' | 'mcp';
}

export interface InstallResult {
  client: Client;
  file: string;
  scope: 'project' | 'user';
  change: 'added' | 'updated' | 'unchanged' | 'removed' | 'absent';
  entry?: unknown;
  previous?: unknown;
}

export function parseClient(value: string): Client {
  if ((CLIENTS as readonly string[]).includes(value)) return value as Client;
  if (value === 'pi')
    throw preconditionError(
      'pi has no MCP support (by its design), so pwt cannot register there.',
      "Give pi the pwt commands instead: pwt templates install puts pwt's workflow prompts where agents read them.",
    );
  if (value === 'cursor') throw preconditionError("pwt mcp install does not know cursor-agent's MCP file yet.", 'Add pwt by hand: command pwt, args ["mcp"].');
  throw usageError(`Unknown client "${value}".`, `Use one of: ${CLIENTS.join(', ')}.`);
}

/** The file `client` reads for this project (`root`: the repository's main worktree) or for the user. */
export function placeOf(client: Client, root: string, global: boolean, env: NodeJS.ProcessEnv = process.env): InstallPlace {
  const home = homeOf(env);
  const scope = global ? 'user' : 'project';
  switch (client) {
    case 'claude':
      return {
        client,
        scope,
        format: 'json',
        key: 'mcpServers',
        file: global ? join(envDir(env, 'CLAUDE_CONFIG_DIR') ?? home, '.claude.json') : join(root, '.mcp.json'),
      };
    case 'codex':
      return {
        client,
        scope,
        format: 'toml',
        key: 'mcpServers',
        file: global ? join(envDir(env, 'CODEX_HOME') ?? join(home, '.codex'), 'config.toml') : join(root, '.codex', 'config.toml'),
      };
    case 'gemini':
      return {
        client,
        scope,
        format: 'json',
        key: 'mcpServers',
        file: join(global ? (envDir(env, 'GEMINI_CLI_HOME') ?? home) : root, '.gemini', 'settings.json'),
      };
    case 'copilot': {
      if (global)
        return { client, scope, format: 'json', key: 'mcpServers', file: join(envDir(env, 'COPILOT_HOME') ?? join(home, '.copilot'), 'mcp-config.json') };
      // copilot reads .mcp.json when there is one, else .github/mcp.json.
      const shared = join(root, '.mcp.json');
      return { client, scope, format: 'json', key: 'mcpServers', file: existsSync(shared) ? shared : join(root, '.github', 'mcp.json') };
    }
    case 'opencode': {
      const dir = global ? join(envDir(env, 'XDG_CONFIG_HOME') ?? join(home, '.config'), 'opencode') : root;
      const jsonc = join(dir, 'opencode.jsonc');
      return { client, scope, format: 'json', key: 'mcp', file: existsSync(jsonc) ? jsonc : join(dir, 'opencode.json') };
    }
  }
}

/** How a client starts pwt's server: `pwt` when that is on PATH and is this pwt, else this pwt's path. */
export function serverCommand(cliPath: string, args: string[], env: NodeJS.ProcessEnv = process.env): ServerCommand {
  const onPath = findExecutable('pwt', env);
  const same = (a: string, b: string) => {
    try {
      return realpathSync(a) === realpathSync(b);
    } catch {
      return false;
    }
  };
  return { command: onPath && same(onPath, cliPath) ? 'pwt' : cliPath, args: ['mcp', ...args] };
}

/**
 * codex starts a stdio MCP server with a few variables of its own environment
 * only (HOME, PATH, SHELL, TERM, LANG, TMPDIR and the like) plus those named
 * in the entry's `env_vars`. Without these pwt's server would find another
 * tmux server (TMUX_TMPDIR), other config and cache folders, and other agent
 * homes than the pwt the user runs: the agents it starts would land where the
 * user's `pwt agent list` never looks.
 */
export const CODEX_FORWARDED_ENV = [
  'TMUX_TMPDIR',
  'XDG_CONFIG_HOME',
  'XDG_CACHE_HOME',
  'XDG_DATA_HOME',
  'XDG_STATE_HOME',
  'XDG_RUNTIME_DIR',
  'CLAUDE_CONFIG_DIR',
  'CODEX_HOME',
  'GEMINI_CLI_HOME',
  'COPILOT_HOME',
  'PI_CODING_AGENT_DIR',
] as const;

/** pwt's entry as each client writes its local (stdio) servers. */
function entryFor(client: Client, server: ServerCommand): unknown {
  switch (client) {
    case 'claude':
      return { type: 'stdio', command: server.command, args: server.args, env: {} };
    case 'copilot':
      return { type: 'local', command: server.command, args: server.args, tools: ['*'] };
    case 'gemini':
      return { command: server.command, args: server.args };
    case 'opencode':
      return { type: 'local', command: [server.command, ...server.args], enabled: true };
    case 'codex':
      return { command: server.command, args: server.args, env_vars: [...CODEX_FORWARDED_ENV] };
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function writeAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.pwt-${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

function readJsonObject(file: string): Record<string, any> {
  if (!existsSync(file)) return {};
  const text = readFileSync(file, 'utf8');
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw preconditionError(
      `${file} is not plain JSON (${(error as Error).message}); pwt will not rewrite it.`,
      'Fix it (or take its comments out), then run pwt mcp install again; or add pwt there by hand: command pwt, args ["mcp"].',
    );
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw preconditionError(`${file} does not hold a JSON object; pwt will not rewrite it.`, 'Fix it, then run pwt mcp install again.');
  return value as Record<string, any>;
}

function changeJson(place: InstallPlace, entry: unknown | null): InstallResult {
  const data = readJsonObject(place.file);
  const servers = data[place.key];
  if (servers !== undefined && (typeof servers !== 'object' || servers === null || Array.isArray(servers))) {
    throw preconditionError(`"${place.key}" in ${place.file} is not an object; pwt will not rewrite it.`, 'Fix it, then run pwt mcp install again.');
  }
  const previous = servers?.[NAME];
  const base = { client: place.client, file: place.file, scope: place.scope };
  if (entry === null) {
    if (previous === undefined) return { ...base, change: 'absent' };
    delete servers[NAME];
    writeAtomic(place.file, `${JSON.stringify(data, null, 2)}\n`);
    return { ...base, change: 'removed', previous };
  }
  if (previous !== undefined && same(previous, entry)) return { ...base, change: 'unchanged', entry };
  data[place.key] = { ...(servers ?? {}), [NAME]: entry };
  writeAtomic(place.file, `${JSON.stringify(data, null, 2)}\n`);
  return { ...base, change: previous === undefined ? 'added' : 'updated', entry, ...(previous !== undefined ? { previous } : {}) };
}

const tomlString = (value: string) => JSON.stringify(value);
const TABLE = /^\s*\[\s*mcp_servers\s*\.\s*(?:pwt|"pwt")\s*\]\s*(#.*)?$/;
const ANY_TABLE = /^\s*\[/;

/** codex's TOML, edited as text so the user's comments and layout stay: pwt's own [mcp_servers.pwt] table goes, a new one is appended. */
function changeToml(place: InstallPlace, server: ServerCommand | null): InstallResult {
  const entry = server === null ? null : (entryFor('codex', server) as { command: string; args: string[]; env_vars: string[] });
  const text = existsSync(place.file) ? readFileSync(place.file, 'utf8') : '';
  let parsed: Record<string, any>;
  try {
    parsed = parseToml(text) as Record<string, any>;
  } catch (error) {
    throw preconditionError(
      `${place.file} is not valid TOML (${(error as Error).message.split('\n')[0]}); pwt will not rewrite it.`,
      'Fix it, then run pwt mcp install again.',
    );
  }
  const previous = parsed.mcp_servers?.[NAME];
  const base = { client: place.client, file: place.file, scope: place.scope };
  const lines = text.split('\n');
  const start = lines.findIndex((line) => TABLE.test(line));
  if (previous !== undefined && start === -1) {
    throw preconditionError(
      `${place.file} defines mcp_servers.pwt in a form pwt does not edit (not as its own [mcp_servers.pwt] table).`,
      'Change or remove it by hand.',
    );
  }
  const previousSubtables = start !== -1 && lines.slice(start + 1).some((line) => /^\s*\[\s*mcp_servers\s*\.\s*(pwt|"pwt")\s*\./.test(line));
  if (previousSubtables)
    throw preconditionError(`${place.file} has tables under mcp_servers.pwt; pwt will not rewrite them.`, 'Change or remove them by hand.');
  if (entry === null && previous === undefined) return { ...base, change: 'absent' };
  if (entry !== null && previous !== undefined && same(previous, entry)) return { ...base, change: 'unchanged', entry };
  let kept = lines;
  if (start !== -1) {
    const next = lines.findIndex((line, index) => index > start && ANY_TABLE.test(line));
    kept = [...lines.slice(0, start), ...(next === -1 ? [] : lines.slice(next))];
  }
  let out = kept.join('\n').replace(/\n+$/, '');
  if (entry !== null)
    out =
      `${out}${out ? '\n\n' : ''}[mcp_servers.pwt]\ncommand = ${tomlString(entry.command)}\nargs = [${entry.args.map(tomlString).join(', ')}]\n` +
      `env_vars = [${entry.env_vars.map(tomlString).join(', ')}]`;
  out = out ? `${out}\n` : '';
  // What pwt wrote must read back as the same servers, pwt's aside.
  const after = parseToml(out) as Record<string, any>;
  const others = (servers: Record<string, unknown> | undefined) => JSON.stringify(Object.entries(servers ?? {}).filter(([name]) => name !== NAME));
  if (others(after.mcp_servers) !== others(parsed.mcp_servers) || (entry !== null && !same(after.mcp_servers?.[NAME], entry))) {
    throw new Error(`pwt's edit of ${place.file} would change other settings; nothing was written`);
  }
  writeAtomic(place.file, out);
  if (entry === null) return { ...base, change: 'removed', previous };
  return { ...base, change: previous === undefined ? 'added' : 'updated', entry, ...(previous !== undefined ? { previous } : {}) };
}

export function install(place: InstallPlace, server: ServerCommand | null): InstallResult {
  if (place.format === 'toml') return changeToml(place, server);
  // .mcp.json is claude's file that copilot also reads: one entry, in claude's form (copilot takes it).
  const client = place.file.endsWith(`${sep}.mcp.json`) ? 'claude' : place.client;
  return changeJson(place, server === null ? null : entryFor(client, server));
}

/** Where pwt is registered now, for `pwt doctor`: each client's project and user file that has a pwt entry. */
export function registrations(root: string | null, env: NodeJS.ProcessEnv = process.env): { client: Client; scope: 'project' | 'user'; file: string }[] {
  const found: { client: Client; scope: 'project' | 'user'; file: string }[] = [];
  for (const client of CLIENTS) {
    for (const global of root === null ? [true] : [false, true]) {
      const place = placeOf(client, root ?? '', global, env);
      if (!existsSync(place.file)) continue;
      try {
        const text = readFileSync(place.file, 'utf8');
        const data = place.format === 'toml' ? (parseToml(text) as Record<string, any>).mcp_servers : JSON.parse(text)?.[place.key];
        if (data && typeof data === 'object' && NAME in data) found.push({ client, scope: place.scope, file: place.file });
      } catch {
        // An unreadable file registers nothing; pwt mcp install says why.
      }
    }
  }
  return found;
}

/** A path to show: relative to the project when inside it. */
export function shown(file: string, root: string): string {
  const path = relative(root, file);
  return path && !path.startsWith('..') ? path : file;
}
