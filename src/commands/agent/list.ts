import { defineCommand } from 'citty';
import { listAgents } from '../../core/agents/runtime/list.js';
import { shownStatus } from '../../core/agents/runtime/limited.js';
import { usageByAgent } from '../../core/agents/usage.js';
import { age } from '../../core/infra/time.js';
import { openProject } from '../../core/project/project.js';
import { color, log, printJson, printLine } from '../../ui/log.js';
import { table } from '../../ui/table.js';
import { jsonArg } from '../_args.js';
import { hasHosts } from '../../core/hosts/store.js';
import { resolveSession, sessionArg } from './_shared.js';

export default defineCommand({
  meta: { name: 'list', description: "This session's agent sessions (--all: every session's), status checked against tmux" },
  args: {
    all: { type: 'boolean', description: 'Every session of the project' },
    ...sessionArg,
    ...jsonArg,
  },
  async run({ args }) {
    const project = await openProject();
    const session = args.all ? undefined : await resolveSession(project, args.session);
    // --all with hosts: each host's agents too, asked in parallel with the local list.
    const onHosts = args.all && hasHosts(project.sessionsDir) ? import('../../core/hosts/agents.js').then((m) => m.hostAgents(project)) : Promise.resolve([]);
    const agents = await listAgents(project, { session });
    if (args.json) {
      const usage = await usageByAgent(project, session ? new Set([session]) : undefined);
      return printJson({
        agents: [
          ...agents.map(({ checked: _checked, tmuxSession: _tmux, limit, ...view }) => ({
            ...view,
            status: shownStatus(view.status, limit),
            ...(usage.has(view.id) ? { usage: usage.get(view.id) } : {}),
          })),
          ...(await onHosts).flatMap((host) => host.agents),
        ],
      });
    }
    const hosts = await onHosts;
    if (hosts.length)
      (await import('../../ui/hosts-view.js')).printHostAgents(
        agents.map((agent) => ({ ...agent, status: shownStatus(agent.status, agent.limit) })),
        hosts,
      );
    else if (agents.length === 0) {
      log.info(session ? `No agent sessions in ${session}. Start one: pwt agent start [provider]` : 'No agent sessions in this project.');
      return;
    }
    if (hosts.length) return;
    const paint = (status: string) =>
      status === 'running' ? color.green(status) : status === 'exited' || status === 'unknown' || status === 'limited' ? color.yellow(status) : status;
    // A usage limit: "limited until 21:47" (local time), or "limited" when the vendor gave no time.
    const statusOf = (agent: (typeof agents)[number]) =>
      paint(shownStatus(agent.status, agent.limit)) +
      (agent.limit && agent.limitedUntil ? ` until ${new Date(agent.limitedUntil).toTimeString().slice(0, 5)}` : '') +
      (agent.limit && agent.status !== 'running' ? ` (${agent.status})` : '') +
      (agent.queuePlace ? ` (${agent.queuePlace})` : '') +
      (agent.checked || agent.status === 'unknown' ? '' : ' (unchecked)');
    const doing = (agent: (typeof agents)[number]) => {
      if (!agent.activity) return '-';
      const shown = agent.activity === 'waiting' || agent.activity === 'limited' ? color.yellow(agent.activity) : agent.activity;
      return `${shown} (${agent.activitySource}, ${age(agent.activitySince!)})`;
    };
    const rows = agents.map((agent) => [
      agent.id,
      agent.session,
      agent.provider,
      statusOf(agent),
      doing(agent),
      agent.vendorSessionId ?? '-',
      age(agent.spawnedAt),
    ]);
    printLine(table(['AGENT', 'SESSION', 'PROVIDER', 'STATUS', 'ACTIVITY', 'VENDOR ID', 'STARTED'], rows));
    for (const agent of agents.filter((each) => each.status === 'unknown')) {
      log.warn(
        `${agent.id} is unknown: its process is alive, but pwt's tmux cannot show it (tmux not on PATH or ` +
          `not answering, or another TMUX_TMPDIR). Run pwt where it was started, or end it: pwt agent stop ${agent.id}`,
      );
    }
  },
});
