import { defineCommand } from 'citty';
import { parseProviderName, startAgent } from '../../core/agents/runtime/index.js';
import { openProject } from '../../core/project/project.js';
import { detachArg, handoffArg, printNotes, promptArg, providerList, resolveSession, sessionArg, showAgent } from './_shared.js';

export default defineCommand({
  meta: { name: 'new', description: 'Another agent session with a different provider (only while no agent runs here)' },
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
    const launch = await startAgent(project, { session, provider: parseProviderName(args.provider), prompt: args.prompt, handoff: args.handoff !== false, mode: 'new' });
    printNotes(launch.notes);
    await showAgent(launch, args.detach);
  },
});
