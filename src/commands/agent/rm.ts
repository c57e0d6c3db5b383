import { defineCommand } from 'citty';
import { removeAgent } from '../../core/agents/runtime/index.js';
import { openProject } from '../../core/project/project.js';
import { isInteractive, log } from '../../ui/log.js';
import { confirm } from '../../ui/prompts.js';
import { printNotes, resolveSession, sessionArg } from './_shared.js';

export default defineCommand({
  meta: { name: 'rm', description: 'Delete one agent session record (stopping it first); the worktree stays' },
  args: {
    id: { type: 'positional', required: true, description: 'Agent id or provider' },
    yes: { type: 'boolean', description: 'Do not ask' },
    ...sessionArg,
  },
  async run({ args }) {
    const project = await openProject();
    const session = await resolveSession(project, args.session);
    if (!args.yes && isInteractive() && !(await confirm(`Delete agent session ${args.id} of ${session}? (the vendor's own files stay)`, true))) return;
    const result = await removeAgent(project, { session, agent: args.id });
    printNotes(result.notes);
    log.success(
      `Removed agent session ${result.removed.id}` +
        (result.removed.vendorSessionId
          ? ` (the ${result.removed.provider} conversation ${result.removed.vendorSessionId} stays in ${result.removed.provider}'s own files)`
          : '') +
        '.',
    );
    if (result.remaining > 0) return;
    if (isInteractive() && !args.yes && (await confirm(`That was the last agent session of ${session}. End the session too (pwt remove ${session})?`, false))) {
      const { runCommand } = await import('citty');
      await runCommand((await import('../remove.js')).default, { rawArgs: [session] });
      return;
    }
    log.info(`It was the last agent session of ${session}; the worktree and branch stay. End the session with: pwt remove ${session}`);
  },
});
