import { defineCommand } from 'citty';
import { preconditionError } from '../../core/infra/errors.js';
import { openProject } from '../../core/project/project.js';
import { budgetBeforeResume, parseBudget, watchRunBudget } from '../../core/agents/runs/budget.js';
import { failures, resumeRun } from '../../core/agents/runs/lifecycle.js';
import { assertRunName } from '../../core/agents/runs/store.js';
import { jsonArg } from '../_args.js';
import { printOutcomes } from './_outcomes.js';

export default defineCommand({
  meta: { name: 'resume', description: 'Bring every agent of a run back (each by its own vendor id), detached' },
  args: {
    run: { type: 'positional', description: 'Run name', required: true },
    budget: { type: 'string', description: 'A new budget in US dollars (a run stopped at its budget goes on only with a higher one)' },
    ...jsonArg,
  },
  async run({ args }) {
    assertRunName(args.run);
    const budgetUsd = args.budget === undefined ? undefined : parseBudget(args.budget);
    const project = await openProject();
    const budgeted = await budgetBeforeResume(project, args.run, budgetUsd);
    const result = await resumeRun(project, args.run);
    if (budgeted && result.agents.some((agent) => ['resumed', 'fresh', 'started', 'already-running'].includes(agent.outcome)))
      await watchRunBudget(project, args.run);
    printOutcomes(result, Boolean(args.json));
    const failed = failures(result);
    if (failed.length > 0)
      throw preconditionError(
        `Run ${args.run}: ${failed.map((each) => `${each.provider}: ${each.message}`).join('; ')}`,
        `Fix that, then run pwt run resume ${args.run} again (the others keep running).`,
      );
  },
});
