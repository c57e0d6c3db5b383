import { defineCommand } from 'citty';
import { usageError } from '../../core/infra/errors.js';
import { openProject } from '../../core/project/project.js';
import { findAgent, waitForActivity } from '../../core/agents/runtime/activity/control.js';
import { stillQueued, wakeIfHibernated } from '../../core/agents/scheduler/wake.js';
import { printJson } from '../../ui/log.js';
import { printAgentNotes } from '../../ui/agent-notes.js';
import { jsonArg } from '../_args.js';

export default defineCommand({
  meta: { name: 'wait', description: 'Block until the running agent is idle (or waiting for you); exit 3 on timeout or when it is not running' },
  args: {
    id: { type: 'positional', description: 'Agent id or provider (default: the running agent of this session)', required: false },
    for: { type: 'string', description: 'idle (its turn is over, default) or waiting (it asks you something)', default: 'idle' },
    timeout: { type: 'string', description: 'Seconds to wait at most (default 600)', default: '600' },
    session: { type: 'string', description: 'The session (default: the one of this folder)' },
    ...jsonArg,
  },
  async run({ args }) {
    if (args.for !== 'idle' && args.for !== 'waiting') throw usageError(`--for takes idle or waiting, not "${args.for}".`, 'Run: pwt agent wait --help');
    const seconds = Number(args.timeout);
    if (!Number.isFinite(seconds) || seconds < 0)
      throw usageError(`--timeout takes seconds, not "${args.timeout}".`, 'Run: pwt agent wait --for idle --timeout 300');
    const project = await openProject();
    let target = await findAgent(project, { session: args.session, id: args.id });
    const woke = await wakeIfHibernated(project, target);
    if (woke) {
      printAgentNotes(woke.notes, 'info');
      if (woke.queued !== undefined) throw stillQueued(woke);
      target = { session: target.session, agent: woke.agent };
    }
    const state = await waitForActivity(project, target, args.for, seconds * 1000);
    if (args.json) printJson({ id: target.agent.id, session: target.session, ...state });
  },
});
