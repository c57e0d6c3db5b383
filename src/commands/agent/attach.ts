import { defineCommand } from 'citty';
import { resumeAgent, runningAgent } from '../../core/agents/runtime/index.js';
import { stillQueued } from '../../core/agents/scheduler/wake.js';
import { openProject } from '../../core/project/project.js';
import { printNotes, resolveSession, sessionArg, showAgent } from './_shared.js';

export default defineCommand({
  meta: { name: 'attach', description: 'Attach this terminal to the running agent (resuming it first if it is not running)' },
  args: {
    id: { type: 'positional', required: false, description: 'Agent id or provider (default: the running agent, else the most recent)' },
    ...sessionArg,
  },
  async run({ args }) {
    const project = await openProject();
    const session = await resolveSession(project, args.session);
    const running = await runningAgent(project, session, args.id);
    if (running) return showAgent({ agent: running }, false, { nest: true });
    const launch = await resumeAgent(project, { session, agent: args.id });
    printNotes(launch.notes);
    if (launch.queued !== undefined) throw stillQueued(launch);
    await showAgent(launch, false, { nest: true });
  },
});
