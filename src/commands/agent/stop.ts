import { defineCommand } from 'citty';
import { stopAgent } from '../../core/agents/runtime/index.js';
import { openProject } from '../../core/project/project.js';
import { printNotes, resolveSession, sessionArg } from './_shared.js';

export default defineCommand({
  meta: { name: 'stop', description: 'Stop the running agent (its own quit command first), recording how to resume it' },
  args: {
    id: { type: 'positional', required: false, description: 'Agent id or provider (default: the running agent)' },
    ...sessionArg,
  },
  async run({ args }) {
    const project = await openProject();
    const session = await resolveSession(project, args.session);
    printNotes((await stopAgent(project, { session, agent: args.id })).notes);
  },
});
