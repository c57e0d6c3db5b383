import { defineCommand } from 'citty';
import { openProject } from '../../core/project/project.js';
import { compareRun, type BranchComparison, type RunComparison } from '../../core/agents/runs/compare.js';
import { assertRunName } from '../../core/agents/runs/store.js';
import { color, log, printJson, printLine } from '../../ui/log.js';
import { usageCost, usageTokens, usageTotalLine } from '../../ui/usage.js';
import { table } from '../../ui/table.js';
import { jsonArg } from '../_args.js';

export default defineCommand({
  meta: { name: 'compare', description: "The run's branches side by side: commits, files, lines, shared files, clean merge into the base" },
  args: {
    run: { type: 'positional', description: 'Run name', required: true },
    check: { type: 'string', description: 'A command to run in each worktree, one at a time (e.g. "npm test"); its output is kept under .pwt/runs/<run>/' },
    ...jsonArg,
  },
  async run({ args }) {
    assertRunName(args.run);
    const project = await openProject();
    const comparison = await compareRun(project, args.run, {
      ...(args.check !== undefined ? { check: args.check } : {}),
      onCheck: (session) => log.info(`Running ${args.check} in ${session}...`),
    });
    if (args.json) printJson(comparison);
    else printHuman(comparison);
  },
});

const MERGE_WORDS: Record<BranchComparison['merge'], string> = {
  clean: 'clean',
  conflicts: 'CONFLICTS',
  'already-merged': 'already in base',
  unknown: '-',
};

function printHuman(comparison: RunComparison): void {
  const withCheck = comparison.agents.some((agent) => agent.check);
  const rows = comparison.agents.map((agent) => {
    if (!agent.exists) return [agent.provider, agent.session, color.dim('gone'), '', '', '', '', ...(withCheck ? [''] : [])];
    return [
      agent.provider,
      agent.session,
      String(agent.commits.length),
      String(agent.files.length),
      `+${agent.added} -${agent.removed}`,
      agent.uncommitted > 0 ? color.yellow(String(agent.uncommitted)) : '0',
      agent.merge === 'conflicts' ? color.red(MERGE_WORDS[agent.merge]) : MERGE_WORDS[agent.merge],
      ...(withCheck ? [agent.check ? (agent.check.exitCode === 0 ? color.green('pass') : color.red(`fail (${agent.check.exitCode})`)) : '-'] : []),
    ];
  });
  printLine(table(['PROVIDER', 'SESSION', 'COMMITS', 'FILES', 'LINES', 'UNCOMMITTED', 'MERGE', ...(withCheck ? ['CHECK'] : [])], rows));
  const total = usageTotalLine(comparison.usage);
  if (total) printLine(total);
  for (const agent of comparison.agents.filter((each) => each.exists)) {
    printLine();
    printLine(
      color.bold(`${agent.provider} (${agent.branch})`) +
        (agent.usage ? color.dim(`  ${usageTokens(agent.usage)}${agent.usage.costUsd === undefined ? '' : `, ${usageCost(agent.usage)}`}`) : ''),
    );
    for (const commit of agent.commits) printLine(`  ${commit.sha.slice(0, 8)} ${commit.subject}`);
    for (const file of agent.files) printLine(`  ${file.added === null ? 'binary' : `+${file.added} -${file.removed}`}  ${file.path}`);
    if (agent.conflicts.length > 0) printLine(color.red(`  conflicts with ${agent.base} in: ${agent.conflicts.join(', ')}`));
    if (agent.check) {
      printLine(`  check exited ${agent.check.exitCode}; output: ${agent.check.log}`);
      if (agent.check.exitCode !== 0 && agent.check.tail) for (const line of agent.check.tail.split('\n')) printLine(color.dim(`  | ${line}`));
    }
  }
  if (comparison.shared.length > 0) {
    printLine();
    printLine(color.yellow('Files changed by more than one agent:'));
    for (const file of comparison.shared) printLine(`  ${file.path}  (${file.sessions.join(', ')})`);
  }
  printLine();
  printLine(`Keep one with: pwt run pick ${comparison.run} <provider> [--strategy merge|pr]`);
}
