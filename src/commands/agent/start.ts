import { defineCommand } from 'citty';
import { defaultProvider, parseProviderName, startAgent } from '../../core/agents/runtime/index.js';
import { openProject } from '../../core/project/project.js';
import { detachArg, handoffArg, printNotes, promptArg, providerList, resolveSession, sessionArg, showAgent } from './_shared.js';

export default defineCommand({
  meta: { name: 'start', description: 'Start (or resume) an agent CLI in this session, in tmux' },
  args: {
    provider: { type: 'positional', required: false, description: `${providerList} (default: config defaultAgent, else claude)` },
    ...promptArg,
    name: { type: 'string', description: 'A name for the conversation (where the CLI takes one)' },
    ...handoffArg,
    ...detachArg,
    ...sessionArg,
  },
  async run({ args }) {
    const project = await openProject();
    const provider = args.provider ? parseProviderName(args.provider) : defaultProvider(project);
    const session = await resolveSession(project, args.session);
    const launch = await startAgent(project, { session, provider, prompt: args.prompt, name: args.name, handoff: args.handoff !== false });
    printNotes(launch.notes);
    await showAgent(launch, args.detach);
  },
});
