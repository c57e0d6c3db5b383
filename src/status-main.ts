import statusCommand from './commands/status.js';
import { runResolved } from './commands/_run.js';
import { connectUi } from './ui/connect.js';

/**
 * `pwt status` (the command a user and the shell prompt run most, and whose
 * time is measured against the plain git loop): loaded by src/cli.ts instead
 * of the dispatcher, and built as one file (scripts/build.mjs) holding only
 * what status needs, because Node resolving and linking the dispatcher's
 * dozens of shared chunks costs more than the status code itself.
 */
export async function dispatchStatus(args: string[]): Promise<void> {
  connectUi();
  await runResolved(statusCommand, args, ['status']);
}
