import { defineCommand } from 'citty';
import { preconditionError } from '../../core/infra/errors.js';
import { openProject } from '../../core/project/project.js';
import { failures, resumeRun } from '../../core/runs/lifecycle.js';
import { assertRunName } from '../../core/runs/store.js';
import { jsonArg } from '../_args.js';
import { printOutcomes } from './_outcomes.js';

export default defineCommand({
  meta: { name: 'resume', description: 'Bring every agent of a run back (each by its own vendor id), detached' },
  args: {
    run: { type: 'positional', description: 'Run name', required: true },
    ...jsonArg,
  },
  async run({ args }) {
    assertRunName(args.run);
    const result = await resumeRun(await openProject(), args.run);
    printOutcomes(result, Boolean(args.json));
    const failed = failures(result);
    if (failed.length > 0)
      throw preconditionError(
        `Run ${args.run}: ${failed.map((each) => `${each.provider}: ${each.message}`).join('; ')}`,
        `Fix that, then run pwt run resume ${args.run} again (the others keep running).`,
      );
  },
});
