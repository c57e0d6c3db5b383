import { realpathSync } from 'node:fs';
import { requireRepo } from '../core/git/repo.js';
import { install, parseClient, placeOf, serverCommand, shown, type Client, type InstallResult } from '../core/agents/mcp-clients.js';
import { log } from '../ui/log.js';

/** `pwt mcp install <client> [--uninstall] [--global]`: what changed, one line, and what the client needs besides. */
export async function runInstall(
  name: string,
  opts: { uninstall: boolean; global: boolean; repo?: string; allowEnd: boolean; checks: string[] },
): Promise<void> {
  const client = parseClient(name);
  const root = opts.global ? process.cwd() : (await requireRepo(opts.repo ?? process.cwd())).mainPath;
  const place = placeOf(client, root, opts.global);
  const cli = realpathSync(process.argv[1] ?? 'pwt');
  const server = opts.uninstall ? null : serverCommand(cli, [...(opts.allowEnd ? ['--allow-end'] : []), ...opts.checks.flatMap((check) => ['--check', check])]);
  const result = install(place, server);
  report(client, result, root);
}

const commandLine = (entry: unknown) => {
  const value = entry as { command?: string | string[]; args?: string[] };
  return [...(Array.isArray(value.command) ? value.command : [value.command ?? '']), ...(value.args ?? [])].join(' ');
};

function report(client: Client, result: InstallResult, root: string): void {
  const where = `${shown(result.file, root)} (${client}, ${result.scope === 'project' ? 'this project' : 'your user'})`;
  switch (result.change) {
    case 'added':
      log.success(`Added pwt to ${where}: ${commandLine(result.entry)}`);
      break;
    case 'updated':
      log.success(`Updated pwt in ${where}: ${commandLine(result.entry)} (was: ${commandLine(result.previous)})`);
      break;
    case 'unchanged':
      log.info(`pwt is already in ${where}; nothing changed.`);
      break;
    case 'removed':
      log.success(`Removed pwt from ${where}; its other servers stay.`);
      break;
    case 'absent':
      log.info(`pwt is not in ${where}; nothing changed.`);
      break;
  }
  if (result.change === 'added' && result.scope === 'project') {
    log.info(`Commit ${shown(result.file, root)} so sessions made from now on have it too (each session is its own worktree).`);
    if (client === 'codex') log.info("codex reads a project's .codex/config.toml once you trust the project (it asks on first start).");
    if (client === 'copilot') log.info('copilot reads it in folders you trust (it asks on first start).');
  }
}
