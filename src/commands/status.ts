import { defineCommand } from 'citty';
import { openProject } from '../core/project/project.js';
import { collectStatus } from '../core/sessions/status.js';
import { activityByAgent } from '../core/agents/runtime/activity/summary.js';
import { usageByAgent } from '../core/agents/usage.js';
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
      const withAgents = report.sessions.some((session) => session.agents.length > 0);
      const [activity, usage] = withAgents ? await Promise.all([activityByAgent(project), usageByAgent(project)]) : [new Map(), new Map()];
      const agentJson = (agent: (typeof report.sessions)[number]['agents'][number]) => ({ ...agent, ...(agent.status === 'running' ? activity.get(agent.id) : {}), ...(usage.has(agent.id) ? { usage: usage.get(agent.id) } : {}) });
      printJson({ ...report, sessions: report.sessions.map((session) => ({ ...session, agents: session.agents.map(agentJson) })) });
      return;
    }
    const view = statusView(project.config.branchPrefix);
    view.finish(await collectStatus(project, { all: args.all, events: view }));
  },
});
