import { defineCommand } from 'citty';
import { openProject } from '../../core/project/project.js';
import { removeRun } from '../../core/agents/runs/end.js';
import { assertRunName } from '../../core/agents/runs/store.js';
import { log, printJson } from '../../ui/log.js';
import { hookArgs, jsonArg } from '../_args.js';
import { hookOptions } from '../../ui/hooks.js';
import { reportEnded } from './_outcomes.js';

export default defineCommand({
  meta: { name: 'rm', description: "End the run's sessions the safe way (keep: worktrees go, branches stay) and remove the run file" },
  args: {
    run: { type: 'positional', description: 'Run name', required: true },
    ...hookArgs,
    ...jsonArg,
  },
  async run({ args }) {
    assertRunName(args.run);
    const project = await openProject();
    const result = await removeRun(project, args.run, args.json ? undefined : (title) => log.info(title), hookOptions(args));
    reportEnded(result.kept);
    if (args.json) {
      printJson({
        run: result.run,
        kept: result.kept.map((each) => ({ session: each.session, provider: each.provider, actions: each.result?.actions ?? [] })),
        gone: result.gone,
      });
      return;
    }
    for (const each of result.kept) log.info(`Kept the branch of ${each.session}: ${String(each.result?.facts.session.branch ?? '')}`);
    for (const session of result.gone) log.info(`${session} was already gone.`);
    log.success(`Removed run ${result.run}.`);
  },
});
