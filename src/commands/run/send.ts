import { defineCommand } from 'citty';
import { preconditionError } from '../../core/infra/errors.js';
import { openProject } from '../../core/project/project.js';
import { requireRun } from '../../core/agents/runs/store.js';
import { findAgent, sendText } from '../../core/agents/runtime/activity/control.js';
import { log } from '../../ui/log.js';
import { textArg } from '../_stdin.js';

export default defineCommand({
  meta: { name: 'send', description: 'Paste TEXT into every running agent of a run and submit it (not into one waiting on a question)' },
  args: {
    run: { type: 'positional', description: 'Run name', required: true },
    text: { type: 'positional', description: 'The text to send (- reads it from stdin)', required: true },
    answer: { type: 'boolean', description: 'Send even to agents that wait on a question (the text and Enter answer it)' },
  },
  async run({ args }) {
    const project = await openProject();
    const run = requireRun(project.sessionsDir, args.run);
    const text = await textArg(args.text, 'pwt run send');
    const failed: string[] = [];
    let sent = 0;
    for (const member of run.agents) {
      if (!member.agentId) continue;
      try {
        const target = await findAgent(project, { session: member.session, id: member.agentId });
        await sendText(project, target, text, { answer: args.answer });
        sent++;
        log.success(`Sent to ${member.agentId}.`);
      } catch (error) {
        failed.push(member.agentId);
        log.warn(`${member.agentId}: ${(error as Error).message}`);
      }
    }
    if (sent === 0) throw preconditionError(`No agent of run ${args.run} is running.`, `Resume them with: pwt run resume ${args.run}`);
    if (failed.length) throw preconditionError(`Not sent to ${failed.join(', ')}.`, `See them with: pwt run show ${args.run}`);
  },
});
