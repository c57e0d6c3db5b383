import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../../infra/package-root.js';
import type { Provider } from '../../vendors/types.js';

/**
 * What to add to a vendor's launch so its own event hooks report to
 * `pwt _agent-event`, without writing anything into the user's vendor
 * settings (docs/activity.md has what each pinned CLI emits):
 *
 * - claude: `--settings <file>`, a settings file of pwt's own (outside the
 *   worktree) holding only hooks; claude merges it over the user's settings
 *   for this launch. A file, not inline JSON (inline hooks were reported
 *   ignored by some 2.1 releases).
 * - codex: `-c notify=[...]`, a one-launch config override; codex runs that
 *   program with a JSON argument at the end of each turn.
 * - opencode: a plugin file of pwt's own, added through
 *   `OPENCODE_CONFIG_CONTENT` (opencode merges that config over the user's
 *   for this process; the user's own value is kept, the plugin appended to
 *   its `plugin` list). The plugin forwards opencode's bus events (session
 *   busy/idle, permission and question asked/replied).
 * - others: nothing (pi, gemini, copilot, cursor): the screen and the
 *   process decide.
 */
export interface ActivityLaunch {
  args: string[];
  /** Files to write before the launch (absolute path -> content). */
  files: { path: string; content: string }[];
  /** Environment to add to the launch. */
  env: Record<string, string>;
}

/** Where pwt's per-launch hook settings go (beside the per-agent records). */
export const hookSettingsFile = (agentsDir: string, agentId: string): string => join(agentsDir, `${agentId}.claude-settings.json`);
/** pwt's opencode plugin for one launch. */
export const opencodePluginFile = (agentsDir: string, agentId: string): string => join(agentsDir, `${agentId}.opencode-plugin.js`);

/** The argv that runs `pwt _agent-event <agents dir> <agent id> <event>` with this very pwt. */
export function eventCommand(agentsDir: string, agentId: string, event: string): string[] {
  return [process.execPath, join(packageRoot(), 'dist', 'cli.cjs'), '_agent-event', agentsDir, agentId, event];
}

/** POSIX single-quoting: claude runs hook commands through a shell. */
const shellQuote = (arg: string): string => (/^[A-Za-z0-9_./:=@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

/** claude hook events pwt listens to, with the Notification kinds split by matcher. */
const CLAUDE_HOOKS: [hook: string, matcher: string, event: string][] = [
  ['SessionStart', '', 'SessionStart'],
  ['UserPromptSubmit', '', 'UserPromptSubmit'],
  ['PreToolUse', '', 'PreToolUse'],
  ['PostToolUse', '', 'PostToolUse'],
  ['PermissionRequest', '', 'PermissionRequest'],
  ['Notification', 'permission_prompt', 'Notification:permission_prompt'],
  ['Notification', 'elicitation_dialog', 'Notification:elicitation_dialog'],
  ['Notification', 'idle_prompt', 'Notification:idle_prompt'],
  ['Stop', '', 'Stop'],
  ['StopFailure', '', 'StopFailure'],
];

export function claudeHookSettings(agentsDir: string, agentId: string): Record<string, unknown> {
  const hooks: Record<string, unknown[]> = {};
  for (const [hook, matcher, event] of CLAUDE_HOOKS) {
    const command = eventCommand(agentsDir, agentId, event).map(shellQuote).join(' ');
    (hooks[hook] ??= []).push({ matcher, hooks: [{ type: 'command', command, timeout: 10 }] });
  }
  return { hooks };
}

/** A TOML array of strings (JSON strings are valid TOML basic strings). */
const tomlArray = (items: string[]): string => `[${items.map((item) => JSON.stringify(item)).join(',')}]`;

/**
 * The plugin opencode loads for one launch: it imports pwt's own plugin
 * (`hooks/opencode-activity.js` in pwt's package, which forwards the events)
 * with the command that records them for this agent.
 */
export function opencodePlugin(agentsDir: string, agentId: string): string {
  const argv = eventCommand(agentsDir, agentId, '').slice(0, -1);
  const shared = pathToFileURL(join(packageRoot(), 'hooks', 'opencode-activity.js')).href;
  return [
    "// Written by pwt for one launch of opencode: reports the agent's activity to pwt (see pwt's docs/activity.md).",
    `import { pwtActivity } from ${JSON.stringify(shared)};`,
    `export const PwtActivity = pwtActivity(${JSON.stringify(argv)});`,
    '',
  ].join('\n');
}

/** The user's OPENCODE_CONFIG_CONTENT with pwt's plugin appended, or null when it is not a JSON object pwt can add to. */
function withOpencodePlugin(current: string | undefined, plugin: string): string | null {
  let config: Record<string, unknown> = {};
  if (current !== undefined && current.trim() !== '') {
    try {
      config = JSON.parse(current) as Record<string, unknown>;
    } catch {
      return null;
    }
    if (typeof config !== 'object' || config === null || Array.isArray(config)) return null;
  }
  const plugins = Array.isArray(config.plugin) ? config.plugin : [];
  return JSON.stringify({ ...config, plugin: [...plugins, plugin] });
}

export function activityLaunch(provider: Provider, agentsDir: string, agentId: string, env: NodeJS.ProcessEnv = {}): ActivityLaunch {
  switch (provider) {
    case 'claude': {
      const path = hookSettingsFile(agentsDir, agentId);
      return { args: ['--settings', path], files: [{ path, content: `${JSON.stringify(claudeHookSettings(agentsDir, agentId), null, 2)}\n` }], env: {} };
    }
    case 'codex':
      return { args: ['-c', `notify=${tomlArray(eventCommand(agentsDir, agentId, 'codex-notify'))}`], files: [], env: {} };
    case 'opencode': {
      const path = opencodePluginFile(agentsDir, agentId);
      const content = withOpencodePlugin(env.OPENCODE_CONFIG_CONTENT, pathToFileURL(path).href);
      // A config text pwt cannot add to is left as the user wrote it: the screen decides then.
      if (content === null) return { args: [], files: [], env: {} };
      return { args: [], files: [{ path, content: opencodePlugin(agentsDir, agentId) }], env: { OPENCODE_CONFIG_CONTENT: content } };
    }
    default:
      return { args: [], files: [], env: {} };
  }
}

/**
 * The CLI's arguments (without the program) with the launch's flags added:
 * before a `--` that ends the options (the prompt follows it), else first,
 * so a command line still ends with what the adapter built (`--resume <id>`).
 */
export function withActivityArgs(args: string[], launch: ActivityLaunch): string[] {
  const end = args.indexOf('--');
  return end < 0 ? [...launch.args, ...args] : [...args.slice(0, end), ...launch.args, ...args.slice(end)];
}
