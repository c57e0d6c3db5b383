import statusCommand from './commands/status.js';
import { runResolved } from './commands/_run.js';
import { connectUi } from './ui/connect.js';

/**
 * `pwt status` (run by people, prompts and scripts more than any other
 * command, and measured against the plain git loop): loaded by src/cli.ts
 * instead of the dispatcher, and built as an entry of its own
 * (scripts/build.mjs), because Node resolving and linking the dispatcher's
 * dozens of shared chunks costs more than the status code itself.
 */
export async function dispatchStatus(args: string[]): Promise<void> {
  connectUi();
  await runResolved(statusCommand, args, ['status']);
}
