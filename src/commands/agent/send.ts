import { defineCommand } from 'citty';
import { usageError } from '../../core/infra/errors.js';
import { openProject } from '../../core/project/project.js';
import { findAgent, sendText } from '../../core/agents/runtime/activity/control.js';
import { wakeIfHibernated } from '../../core/agents/scheduler/wake.js';
import { log } from '../../ui/log.js';
import { printAgentNotes } from '../../ui/agent-notes.js';
import { textArg } from '../_stdin.js';

export default defineCommand({
  meta: { name: 'send', description: 'Paste TEXT into the running agent as one message and submit it; refused while it waits on a question' },
  args: {
    first: { type: 'positional', description: 'Agent id or provider (optional), then TEXT (- reads it from stdin)', required: true },
    second: { type: 'positional', description: 'TEXT, when an agent is named first (- reads it from stdin)', required: false },
    session: { type: 'string', description: 'The session (default: the one of this folder)' },
    answer: { type: 'boolean', description: 'Send even while the agent waits on a question (the text and Enter answer it)' },
  },
  async run({ args }) {
    const [id, given] = args.second === undefined ? [undefined, args.first] : [args.first, args.second];
    const text = given ? await textArg(given, 'pwt agent send') : given;
    if (!text) throw usageError('pwt agent send needs the text to send.', 'Run: pwt agent send [ID] "text"');
    const project = await openProject();
    const target = await findAgent(project, { session: args.session, id });
    const woke = await wakeIfHibernated(project, target, text);
    if (woke) {
      printAgentNotes(woke.notes, 'info');
      if (woke.queued === undefined) log.success(`Woke ${target.agent.id} and sent it the text.`);
      else log.success(`${target.agent.id} is queued (place ${woke.queued}); the text goes with it when it starts.`);
      return;
    }
    await sendText(project, target, text, { answer: args.answer });
    log.success(`Sent to ${target.agent.id}.`);
  },
});
