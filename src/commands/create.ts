import { defineCommand } from 'citty';
import { createSession } from '../core/sessions/create/index.js';
import { assertNamePattern } from '../core/project/names.js';
import { openProject } from '../core/project/project.js';
import { log, printJson } from '../ui/log.js';
import { shellIntegrationHint, writeCdTarget } from '../core/shell/integration.js';
import { hookArgs, jsonArg, repeated } from './_args.js';
import { hookOptions, reportHookResult } from '../ui/hooks.js';
import { relative } from 'node:path';

export default defineCommand({
  meta: { name: 'create', description: 'Create a session: a git worktree on branch session/<name> in the sessions dir' },
  args: {
    name: { type: 'positional', description: 'Session name (letters, digits, . _ -; at most 64)', required: true },
    goal: { type: 'string', description: 'A goal for the session (repeatable)' },
    base: { type: 'string', description: 'Branch or commit to start from (default: the main worktree\'s branch)' },
    'allow-dirty': { type: 'boolean', description: 'Allow uncommitted changes in the main worktree' },
    env: { type: 'boolean', default: true, description: 'Copy env files into the session (--no-env to skip)' },
    ...hookArgs,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    assertNamePattern(args.name);
    const project = await openProject();
    const result = await createSession(project, {
      name: args.name,
      goals: repeated(rawArgs, 'goal'),
      base: args.base,
      allowDirty: args['allow-dirty'],
      copyEnv: args.env !== false,
      hooks: hookOptions(args),
    });
    writeCdTarget(result.path); // for pstart (shell/*): a raw path, never shell code
    if (args.json) {
      reportHookResult(result);
      printJson({ ...result.session, path: result.path, ...(result.hooks.length ? { hooks: result.hooks } : {}) });
      return;
    }
    log.success(`Created session ${result.session.id} on ${result.session.branch} (from ${result.session.base}).`);
    if (result.envCopied.length) log.info(`Copied env files: ${result.envCopied.join(', ')}`);
    if (result.envKept.length) log.info(`Kept the session's own: ${result.envKept.join(', ')} (never overwritten)`);
    if (result.copied.length) log.info(`Copied from the main worktree: ${result.copied.join(', ')}`);
    reportHookResult(result);
    log.info(`Path: ${result.path}`);
    log.info(`Go there: pcd ${result.session.id}   (or: cd ${relative(process.cwd(), result.path) || '.'})`);
    const tip = shellIntegrationHint();
    if (tip) log.info(tip);
  },
});
