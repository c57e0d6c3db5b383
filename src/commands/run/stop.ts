import { defineCommand } from 'citty';
import { preconditionError } from '../../core/infra/errors.js';
import { openProject } from '../../core/project/project.js';
import { failures, stopRun } from '../../core/agents/runs/lifecycle.js';
import { assertRunName } from '../../core/agents/runs/store.js';
import { jsonArg } from '../_args.js';
import { printOutcomes } from './_outcomes.js';

export default defineCommand({
  meta: { name: 'stop', description: 'Stop every running agent of a run (resumable with pwt run resume)' },
  args: {
    run: { type: 'positional', description: 'Run name', required: true },
    ...jsonArg,
  },
  async run({ args }) {
    assertRunName(args.run);
    const result = await stopRun(await openProject(), args.run);
    printOutcomes(result, Boolean(args.json));
    const failed = failures(result);
    if (failed.length > 0)
      throw preconditionError(
        `Run ${args.run}: ${failed.map((each) => `${each.provider}: ${each.message}`).join('; ')}`,
        `Try again: pwt run stop ${args.run}`,
      );
  },
});
