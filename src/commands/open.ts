import { defineCommand } from 'citty';
import { shellWord } from '../core/infra/shell-word.js';
import { relative } from 'node:path';
import { assertNamePattern } from '../core/project/names.js';
import { openProject } from '../core/project/project.js';
import { openSession } from '../core/sessions/open/index.js';
import { writeCdTarget } from '../core/shell/integration.js';
import { shellIntegrationHint } from '../core/shell/install.js';
import { log, printJson } from '../ui/log.js';
import { stepSpinner } from '../ui/progress.js';
import { hookArgs, jsonArg, repeated } from './_args.js';
import { hookOptions, reportHookResult } from '../ui/hooks.js';

export default defineCommand({
  meta: {
    name: 'open',
    description: 'A session on an existing branch, without creating one: a kept session, a PR branch, any local or remote branch',
  },
  args: {
    branch: { type: 'positional', description: 'Branch (local, remote or origin/<branch>) or the name of a kept session', required: true },
    goal: { type: 'string', description: 'A goal for the session (repeatable; default: the goals pwt remembers for the branch)' },
    name: { type: 'string', description: "Session name (default: the kept session's name, else the branch with / as -)" },
    env: { type: 'boolean', default: true, description: 'Copy env files into the session (--no-env to skip)' },
    ...hookArgs,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    if (args.name !== undefined) assertNamePattern(args.name);
    const project = await openProject();
    const result = await openSession(project, {
      target: args.branch,
      ...(args.name !== undefined ? { name: args.name } : {}),
      goals: repeated(rawArgs, 'goal'),
      copyEnv: args.env !== false,
      onStep: args.json ? undefined : (title) => log.info(title),
      spin: stepSpinner(args.json),
      hooks: hookOptions(args),
    });
    reportHookResult(result);
    writeCdTarget(result.path); // for shell functions: a raw path, never shell code
    if (args.json) {
      printJson({ ...result.session, path: result.path, alreadyOpen: result.alreadyOpen, actions: result.actions });
      return;
    }
    const { session } = result;
    if (result.finished) log.info(`Finished the pwt open that was interrupted (started ${result.finished}).`);
    if (result.alreadyOpen)
      log.info(`${session.id} is already open on ${session.branch}.${result.goalsAdded?.length ? ` Added the goal(s): ${result.goalsAdded.join('; ')}` : ''}`);
    else
      log.success(
        `Opened session ${session.id} on ` +
          `${session.branch}${result.tracking ? ` (a new local branch tracking ${result.tracking})` : ''}${session.base ? `, base ${session.base}` : ''}.`,
      );
    if (result.goalsFrom === 'manifest' || result.goalsFrom === 'archive')
      log.info(`Goals restored (from the ${result.goalsFrom === 'manifest' ? 'manifest' : 'archive'}): ${session.goals.join('; ')}`);
    const env = result.actions.find((action) => action.op === 'copy-env') as { copied?: string[] } | undefined;
    if (env?.copied?.length) log.info(`Copied env files: ${env.copied.join(', ')}`);
    log.info(`Path: ${result.path}`);
    log.info(`Go there: pcd ${session.id}   (or: cd ${shellWord(relative(process.cwd(), result.path) || '.')})`);
    const tip = shellIntegrationHint();
    if (tip && !result.alreadyOpen) log.info(tip);
  },
});
