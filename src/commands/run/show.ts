import { defineCommand } from 'citty';
import { openProject } from '../../core/project/project.js';
import { showRun } from '../../core/agents/runs/state.js';
import { age } from '../../core/infra/time.js';
import { color, printJson, printLine } from '../../ui/log.js';
import { usageCost, usageTokens, usageTotalLine } from '../../ui/usage.js';
import { table } from '../../ui/table.js';
import { jsonArg } from '../_args.js';
import { dollars } from '../../core/agents/runs/budget.js';
import type { RunState } from '../../core/agents/runs/state.js';

export default defineCommand({
  meta: { name: 'show', description: "One run: each agent's session, status, vendor id, commits ahead and changed files" },
  args: {
    run: { type: 'positional', description: 'Run name', required: true },
    ...jsonArg,
  },
  async run({ args }) {
    const project = await openProject();
    const state = await showRun(project, args.run);
    if (args.json) {
      printJson(state);
      return;
    }
    printLine(
      `${color.bold(state.name)}  started ${age(state.createdAt)}${state.base ? ` from ${state.base}` : ''}` +
        (state.picked ? `  picked ${state.picked.provider} (${state.picked.strategy})` : ''),
    );
    for (const goal of state.goals) printLine(`  goal: ${goal}`);
    printLine();
    const rows = state.agents.map((agent) => [
      agent.provider,
      agent.session,
      agent.status === 'failed'
        ? color.red('failed')
        : agent.status === 'removed'
          ? color.dim('removed')
          : agent.status === 'limited'
            ? color.yellow('limited') + (agent.limitedUntil ? ` until ${new Date(agent.limitedUntil).toTimeString().slice(0, 5)}` : '')
            : agent.status,
      agent.vendorSessionId ?? '-',
      agent.ahead === null ? '-' : `+${agent.ahead}`,
      agent.exists ? (agent.changes > 0 ? color.yellow(`${agent.changes} changed`) : 'clean') : '-',
      usageTokens(agent.usage),
      usageCost(agent.usage),
    ]);
    printLine(table(['PROVIDER', 'SESSION', 'STATUS', 'VENDOR ID', 'AHEAD', 'CHANGES', 'TOKENS', 'COST'], rows));
    const total = usageTotalLine(state.usage);
    if (total) printLine(total);
    if (typeof state.budgetUsd === 'number') printLine(budgetLine(state));
    for (const agent of state.agents.filter((each) => each.error)) printLine(color.red(`${agent.provider}: ${agent.error}`));
  },
});

/** The budget, what was spent, and whether pwt stopped the run for it. */
function budgetLine(state: RunState): string {
  const budget = `Budget ${dollars(state.budgetUsd as number)}`;
  const stop = state.budgetStop;
  if (!stop) return `${budget}: ${dollars(state.spentUsd ?? 0)} spent so far; pwt stops the run's agents (resumably) once their cost passes it.`;
  return color.yellow(
    `${budget} passed ${age(stop.at)} (${dollars(stop.costUsd)} spent): pwt stopped ${stop.stopped.join(', ') || 'its agents'}. ` +
      `Go on with a higher budget: pwt run resume ${state.name} --budget USD`,
  );
}
