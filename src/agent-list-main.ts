import agentListCommand from './commands/agent/list.js';
import { runResolved } from './commands/_run.js';
import { connectUi } from './ui/connect.js';

/**
 * `pwt agent list` without `--session` (a named session may be a host's, run
 * there through the dispatcher): an entry of its own, like src/status-main.ts,
 * for the same reason (what scripts and `watch`-like loops poll).
 */
export async function dispatchAgentList(args: string[]): Promise<void> {
  connectUi();
  await runResolved(agentListCommand, args, ['agent', 'list']);
}
