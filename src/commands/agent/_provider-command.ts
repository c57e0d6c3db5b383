import { defineCommand } from 'citty';
import { parseProviderName, startAgent } from '../../core/agents/runtime/index.js';
import { openProject } from '../../core/project/project.js';
import { detachArg, handoffArg, printNotes, promptArg, providerList, resolveSession, sessionArg, showAgent } from './_shared.js';

/**
 * `pwt agent switch P` and `pwt agent new P` take the same flags and differ
 * only in the rule the runtime applies (`mode`): switch detaches whatever
 * runs here, new refuses while anything runs or when P already has a session.
 */
export function providerCommand(name: 'switch' | 'new', description: string) {
  return defineCommand({
    meta: { name, description },
    args: {
      provider: { type: 'positional', required: true, description: providerList },
      ...promptArg,
      ...handoffArg,
      ...detachArg,
      ...sessionArg,
    },
    async run({ args }) {
      const project = await openProject();
      const session = await resolveSession(project, args.session);
      const launch = await startAgent(project, {
        session,
        provider: parseProviderName(args.provider),
        prompt: args.prompt,
        handoff: args.handoff !== false,
        mode: name,
      });
      printNotes(launch.notes);
      await showAgent(launch, args.detach);
    },
  });
}
