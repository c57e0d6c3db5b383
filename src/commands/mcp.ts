import { defineCommand } from 'citty';
import { usageError } from '../core/infra/errors.js';
import { protocolOutput } from '../ui/log.js';
import { repeated } from './_args.js';

/**
 * `pwt mcp`: pwt as an MCP server over stdio (docs/mcp.md), and `pwt mcp
 * install <client>`, which registers it in an agent CLI's configuration.
 * The MCP SDK loads only here.
 */
export default defineCommand({
  meta: { name: 'mcp', description: 'Serve pwt to agents over the Model Context Protocol (stdio); `install <client>` registers it in a client' },
  args: {
    action: { type: 'positional', required: false, description: 'install (register pwt in CLIENT), or nothing to serve on stdin/stdout' },
    client: { type: 'positional', required: false, description: 'With install: claude | codex | gemini | copilot | opencode' },
    repo: { type: 'string', description: 'The repository to serve (default: the one of the current directory)' },
    'allow-end': {
      type: 'boolean',
      description: 'Let agents end, pick and land without asking the user (default: they ask through the client, and are refused where it cannot ask)',
    },
    check: { type: 'string', description: 'A check command agents may run in compare_run and land (repeatable; exactly this text)' },
    uninstall: { type: 'boolean', description: "With install: take pwt out of the client's configuration" },
    global: { type: 'boolean', description: "With install: the client's user configuration instead of the project's" },
  },
  async run({ args, rawArgs }) {
    if (args.action === undefined) {
      if (args.client !== undefined || args.uninstall || args.global)
        throw usageError('--uninstall and --global go with pwt mcp install <client>.', 'Run: pwt mcp install claude');
      const { serveMcp } = await import('../core/mcp/server.js');
      await serveMcp({
        ...(args.repo !== undefined ? { repo: args.repo } : {}),
        allowEnd: Boolean(args['allow-end']),
        checks: repeated(rawArgs, 'check'),
        input: process.stdin,
        output: protocolOutput(),
      });
      return;
    }
    if (args.action !== 'install') throw usageError(`Unknown action "${args.action}" for pwt mcp.`, 'Run: pwt mcp (serve) or pwt mcp install <client>');
    if (args.client === undefined)
      throw usageError('pwt mcp install needs a client.', 'Run: pwt mcp install claude   (claude, codex, gemini, copilot, opencode)');
    const { runInstall } = await import('./_mcp-install.js');
    await runInstall(args.client, {
      uninstall: Boolean(args.uninstall),
      global: Boolean(args.global),
      repo: args.repo,
      allowEnd: Boolean(args['allow-end']),
      checks: repeated(rawArgs, 'check'),
    });
  },
});
