import { defineCommand } from 'citty';
import { resumeAgent } from '../../core/agents/runtime/index.js';
import { openProject } from '../../core/project/project.js';
import { detachArg, printNotes, resolveSession, sessionArg, showAgent } from './_shared.js';

export default defineCommand({
  meta: { name: 'resume', description: 'Resume a recorded agent session by its vendor id' },
  args: {
    id: { type: 'positional', required: false, description: 'Agent id or provider (default: the most recent agent here)' },
    ...detachArg,
    ...sessionArg,
  },
  async run({ args }) {
    const project = await openProject();
    const session = await resolveSession(project, args.session);
    const launch = await resumeAgent(project, { session, agent: args.id });
    printNotes(launch.notes);
    await showAgent(launch, args.detach);
  },
});
