import { defineCommand } from 'citty';
import { usageError } from '../../core/infra/errors.js';
import { openProject } from '../../core/project/project.js';
import { PICK_STRATEGIES, pickJson, pickRun, type PickStrategy } from '../../core/agents/runs/end.js';
import { assertRunName } from '../../core/agents/runs/store.js';
import { preconditionError } from '../../core/infra/errors.js';
import { isInteractive, log, printJson } from '../../ui/log.js';
import { confirm } from '../../ui/prompts.js';
import { hookArgs, jsonArg } from '../_args.js';
import { hookOptions } from '../../ui/hooks.js';
import { reportEnded } from './_outcomes.js';

export default defineCommand({
  meta: { name: 'pick', description: "Keep one agent's branch (merge or pr); abandon the run's other sessions (archived, restorable)" },
  args: {
    run: { type: 'positional', description: 'Run name', required: true },
    provider: { type: 'positional', description: 'The provider whose session to keep', required: true },
    strategy: { type: 'string', description: 'merge (default) | pr' },
    yes: { type: 'boolean', alias: 'y', description: 'Confirm without asking' },
    ...hookArgs,
    ...jsonArg,
  },
  async run({ args }) {
    assertRunName(args.run);
    const strategy = (args.strategy ?? 'merge') as PickStrategy;
    if (!PICK_STRATEGIES.includes(strategy)) throw usageError(`Unknown strategy "${args.strategy}" for pick.`, `Use one of: ${PICK_STRATEGIES.join(', ')}.`);
    const project = await openProject();
    const result = await pickRun(project, args.run, {
      provider: args.provider,
      strategy,
      yes: Boolean(args.yes),
      ...(isInteractive() && !args.json ? { confirm } : {}),
      onStep: args.json ? undefined : (title) => log.info(title),
      hooks: hookOptions(args),
    });
    if (result.finished && !args.json) log.info(`Finished the pwt run pick ${args.run} ${args.provider} that was interrupted (started ${result.finished}).`);
    reportEnded([result.picked, ...result.abandoned]);
    const failed = result.abandoned.filter((each) => each.error);
    if (args.json) {
      printJson(pickJson(result));
    } else {
      const pr = result.picked.result?.actions.find((action) => action.op === 'create-pr')?.url;
      log.success(
        strategy === 'merge'
          ? `Merged ${result.picked.session} into its base (push the base yourself when ready).`
          : `Opened ${String(pr ?? 'the pull request')} for ${result.picked.session}.`,
      );
      for (const each of result.abandoned.filter((entry) => !entry.error))
        log.info(`Abandoned ${each.session}; bring it back with: pwt restore ${each.session}`);
      for (const session of result.gone) log.info(`${session} was already gone.`);
    }
    if (failed.length > 0) {
      throw preconditionError(
        `Picked ${result.picked.session}, but could not abandon ${failed.map((each) => `${each.session} (${each.error})`).join('; ')}.`,
        `Fix that and end them yourself: pwt remove <session> --strategy abandon`,
      );
    }
  },
});
