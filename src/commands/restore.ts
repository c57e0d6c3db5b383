import { defineCommand } from 'citty';
import { assertNamePattern } from '../core/project/names.js';
import { openProject } from '../core/project/project.js';
import { restoreSession } from '../core/sessions/restore/index.js';
import { log, printJson } from '../ui/log.js';
import { hookArgs, jsonArg } from './_args.js';
import { hookOptions, reportHookResult } from '../ui/hooks.js';

export default defineCommand({
  meta: { name: 'restore', description: 'Bring back a removed or abandoned session from its archive ref: branch, worktree, uncommitted work, manifest entry' },
  args: {
    name: { type: 'positional', description: 'Session name', required: true },
    at: { type: 'string', description: 'Archive stamp to restore (default: the newest; see git for-each-ref refs/pwt/archive/<name>/)' },
    'dry-run': { type: 'boolean', description: 'Print the plan and change nothing' },
    ...hookArgs,
    ...jsonArg,
  },
  async run({ args }) {
    assertNamePattern(args.name);
    const project = await openProject();
    const dryRun = Boolean(args['dry-run']);
    const result = await restoreSession(project, {
      name: args.name,
      ...(args.at !== undefined ? { at: args.at } : {}),
      dryRun,
      onStep: args.json ? undefined : (title) => log.info(title),
      hooks: hookOptions(args),
    });
    reportHookResult(result);
    if (args.json) {
      printJson({ actions: result.actions, dryRun, session: { ...result.session, path: result.path }, archive: result.entry.ref });
      return;
    }
    if (dryRun) {
      log.info(`Dry run: pwt restore ${args.name} would restore ${result.entry.ref}:`);
      result.titles.forEach((title, index) => log.log(`  ${index + 1}. ${title}`));
      return;
    }
    log.success(`Restored ${result.session.id} on ${result.session.branch} from ${result.entry.ref}${result.entry.meta.dirty ? ', uncommitted work included' : ''}.`);
    const env = result.actions.find((action) => action.op === 'copy-env') as { copied?: string[] } | undefined;
    if (env?.copied?.length) log.info(`Copied env files: ${env.copied.join(', ')}`);
    log.info(`Path: ${result.path}`);
    log.info(`Go there: pcd ${result.session.id}   (the archive ref stays; delete it with git update-ref -d ${result.entry.ref})`);
  },
});
