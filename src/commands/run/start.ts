import { readFileSync } from 'node:fs';
import { defineCommand } from 'citty';
import { preconditionError, usageError } from '../../core/infra/errors.js';
import { openProject } from '../../core/project/project.js';
import { dollars, parseBudget } from '../../core/agents/runs/budget.js';
import { startRun } from '../../core/agents/runs/start.js';
import { log, printJson } from '../../ui/log.js';
import { jsonArg, repeated } from '../_args.js';
import { printNotes } from '../agent/_shared.js';
import { noteWithText } from '../../core/agents/runtime/note-text.js';

export default defineCommand({
  meta: { name: 'start', description: 'Give one task to several agents: a session <run>-<provider> each, agents started detached' },
  args: {
    run: { type: 'positional', description: 'Run name (session-name rules)', required: true },
    agents: { type: 'string', description: 'Comma-separated providers, e.g. claude,codex,pi', required: true },
    goal: { type: 'string', description: 'A goal of the run (repeatable); the prompt when no --prompt is given' },
    prompt: { type: 'string', description: 'The first prompt for every agent' },
    'prompt-file': { type: 'string', description: 'Read the first prompt from this file' },
    base: { type: 'string', description: "Branch or commit the sessions start from (default: the main worktree's branch)" },
    budget: { type: 'string', description: "Stop the run's agents (resumably) once their cost together passes this many US dollars" },
    host: { type: 'string', description: 'Start the run on this host (pwt host list): its sessions and agents live there (docs/hosts.md)' },
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    if (args.prompt !== undefined && args['prompt-file'] !== undefined)
      throw usageError('Pass --prompt or --prompt-file, not both.', 'Run: pwt run start --help');
    let prompt = args.prompt;
    if (args['prompt-file'] !== undefined) {
      try {
        prompt = readFileSync(args['prompt-file'], 'utf8');
      } catch (error) {
        throw preconditionError(`Cannot read the prompt file ${args['prompt-file']}: ${(error as Error).message}.`, 'Pass a readable file with --prompt-file.');
      }
    }
    const budgetUsd = args.budget === undefined ? undefined : parseBudget(args.budget);
    const project = await openProject();
    if (args.host !== undefined) {
      const { startRunOnHostCommand } = await import('../_host-run.js');
      await startRunOnHostCommand(project, args.host, args.run, {
        agents: repeated(rawArgs, 'agents').length > 0 ? repeated(rawArgs, 'agents') : [args.agents],
        goals: repeated(rawArgs, 'goal'),
        prompt,
        base: args.base,
        budget: args.budget,
        json: args.json,
      });
      return;
    }
    const result = await startRun(project, {
      name: args.run,
      providers: repeated(rawArgs, 'agents').length > 0 ? repeated(rawArgs, 'agents') : [args.agents],
      goals: repeated(rawArgs, 'goal'),
      ...(prompt !== undefined ? { prompt } : {}),
      ...(args.base !== undefined ? { base: args.base } : {}),
      ...(budgetUsd !== undefined ? { budgetUsd } : {}),
      onProgress: args.json ? undefined : (message) => log.info(message),
    });
    // --json keeps each note's line beside its data, as before notes were data.
    if (args.json) printJson({ ...result, notes: result.notes.map(noteWithText) });
    else {
      if (result.finished) log.info(`Finished the pwt run start ${result.run} that was interrupted (started ${result.finished}).`);
      printNotes(result.notes.filter((note) => note.kind !== 'started'));
      for (const each of result.started) log.success(`${each.provider} started in session ${each.session} (agent ${each.agentId}).`);
      if (budgetUsd !== undefined && result.started.length > 0)
        log.info(`Budget ${dollars(budgetUsd)}: pwt stops the run's agents (resumably) once their cost together passes it.`);
      if (result.started.length > 0) log.info(`See them with: pwt run show ${result.run}; attach to one with: pwt agent attach <agent>`);
    }
    if (result.failed.length > 0) {
      throw preconditionError(
        `Run ${result.run}: ${result.failed.map((each) => `${each.provider} did not start (${each.error})`).join('; ')}.`,
        `Fix that (install the CLI), then start what is missing with: pwt run resume ${result.run}`,
      );
    }
  },
});
