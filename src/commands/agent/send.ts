import { defineCommand } from 'citty';
import { usageError } from '../../core/infra/errors.js';
import { openProject } from '../../core/project/project.js';
import { findAgent, sendText } from '../../core/agents/runtime/activity/control.js';
import { log } from '../../ui/log.js';

export default defineCommand({
  meta: { name: 'send', description: 'Type TEXT into the running agent and submit it (Enter as its own key)' },
  args: {
    first: { type: 'positional', description: 'Agent id or provider (optional), then TEXT', required: true },
    second: { type: 'positional', description: 'TEXT, when an agent is named first', required: false },
    session: { type: 'string', description: 'The session (default: the one of this folder)' },
  },
  async run({ args }) {
    const [id, text] = args.second === undefined ? [undefined, args.first] : [args.first, args.second];
    if (!text) throw usageError('pwt agent send needs the text to send.', 'Run: pwt agent send [ID] "text"');
    const project = await openProject();
    const target = await findAgent(project, { session: args.session, id });
    await sendText(project, target, text);
    log.success(`Sent to ${target.agent.id}.`);
  },
});
