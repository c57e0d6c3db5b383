import { defineCommand } from 'citty';
import { openProject } from '../core/project/project.js';
import { collectStatus } from '../core/sessions/status.js';
import { printJson } from '../ui/log.js';
import { statusView } from '../ui/status-view.js';
import { jsonArg } from './_args.js';
import { hasHosts } from '../core/hosts/store.js';

export default defineCommand({
  meta: { name: 'status', description: 'The main worktree, every session (changes, ahead/behind, age, goal) and orphans' },
  args: {
    all: { type: 'boolean', description: 'Also list kept session branches that have no worktree' },
    ...jsonArg,
  },
  async run({ args }) {
    const project = await openProject(process.cwd(), { readOnly: true });
    // Hosts are asked in parallel with the local scan (one round trip each); none configured: nothing loaded.
    const hosts = hasHosts(project.sessionsDir) ? import('../core/hosts/sessions.js').then((m) => m.collectHostStatus(project)) : Promise.resolve([]);
    if (args.json) {
      const report = await collectStatus(project, { all: args.all });
      const withAgents = report.sessions.some((session) => session.agents.length > 0);
      // Activity and usage (and the vendors' transcript readers) load only when some session has agents.
      const summary = withAgents ? await import('../core/agents/runtime/activity/summary.js') : null;
      const [states, usage] = summary
        ? await Promise.all([summary.agentStates(project), import('../core/agents/usage.js').then((m) => m.usageByAgent(project))])
        : [null, new Map()];
      // A usage limit shows as status `limited` (with `limitedUntil`); a running agent's activity beside it.
      const agentJson = (agent: (typeof report.sessions)[number]['agents'][number]) => ({
        ...(summary && states ? summary.agentJson(agent, states) : agent),
        ...(usage.has(agent.id) ? { usage: usage.get(agent.id) } : {}),
      });
      // Host sessions follow the local ones, each with "host" and "reachable" (docs/hosts.md).
      const onHosts = (await hosts).flatMap((host) => host.sessions);
      printJson({ ...report, sessions: [...report.sessions.map((session) => ({ ...session, agents: session.agents.map(agentJson) })), ...onHosts] });
      return;
    }
    const view = statusView(project.config.branchPrefix);
    view.finish(await collectStatus(project, { all: args.all, events: view, limits: true }));
    const onHosts = await hosts;
    if (onHosts.length) (await import('../ui/hosts-view.js')).printHostSessions(onHosts);
  },
});
