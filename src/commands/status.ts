import { defineCommand } from 'citty';
import { openProject } from '../core/project/project.js';
import { collectStatus } from '../core/sessions/status.js';
import { activityByAgent } from '../core/agents/runtime/activity/summary.js';
import { printJson } from '../ui/log.js';
import { statusView } from '../ui/status-view.js';
import { jsonArg } from './_args.js';

export default defineCommand({
  meta: { name: 'status', description: 'The main worktree, every session (changes, ahead/behind, age, goal) and orphans' },
  args: {
    all: { type: 'boolean', description: 'Also list kept session branches that have no worktree' },
    ...jsonArg,
  },
  async run({ args }) {
    const project = await openProject(process.cwd(), { readOnly: true });
    if (args.json) {
      const report = await collectStatus(project, { all: args.all });
      const activity = report.sessions.some((session) => session.agents.length > 0) ? await activityByAgent(project) : new Map();
      printJson({ ...report, sessions: report.sessions.map((session) => ({ ...session, agents: session.agents.map((agent) => ({ ...agent, ...(agent.status === 'running' ? activity.get(agent.id) : {}) })) })) });
      return;
    }
    const view = statusView(project.config.branchPrefix);
    view.finish(await collectStatus(project, { all: args.all, events: view }));
  },
});
