import { defineCommand } from 'citty';
import { usageError } from '../core/infra/errors.js';
import { assertNamePattern } from '../core/project/names.js';
import { openProject } from '../core/project/project.js';
import { runOnHostIfThere } from './_host.js';
import { syncSession } from '../core/sessions/sync/index.js';
import { log, printJson } from '../ui/log.js';
import { stepSpinner } from '../ui/progress.js';
import { jsonArg } from './_args.js';

export default defineCommand({
  meta: {
    name: 'sync',
    description: "Bring the base's new commits into a session (merge by default, or rebase); conflicts are checked first and change nothing",
  },
  args: {
    name: { type: 'positional', description: 'Session name (default: the session you are in)', required: false },
    merge: { type: 'boolean', description: 'Merge the base into the session branch (the default; never rewrites commits)' },
    rebase: { type: 'boolean', description: 'Rebase the session branch onto the base instead' },
    force: { type: 'boolean', description: 'Sync even while an agent runs in the session' },
    'dry-run': { type: 'boolean', description: 'Print the plan and change nothing' },
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    if (args.name !== undefined) assertNamePattern(args.name);
    if (args.merge && args.rebase) throw usageError('--merge and --rebase exclude each other.', 'Pass one of them (merge is the default).');
    const project = await openProject();
    if (await runOnHostIfThere(project, args.name, ['sync', ...rawArgs], { json: args.json })) return;
    const result = await syncSession(project, {
      ...(args.name !== undefined ? { name: args.name } : {}),
      mode: args.rebase ? 'rebase' : 'merge',
      force: args.force,
      dryRun: args['dry-run'],
      onStep: args.json ? undefined : (title) => log.info(title),
      spin: stepSpinner(args.json),
    });
    if (args.json) {
      printJson({ session: result.session.id, base: result.base, behind: result.behind, actions: result.actions, dryRun: result.dryRun });
      return;
    }
    for (const note of result.notes) log.warn(note);
    if (result.finished) {
      log.success(
        `Finished the pwt sync of ${result.session.id} that was interrupted (started ${result.finished}): ` +
          `${result.session.branch} has ${result.base}'s commits and the base commit is recorded.`,
      );
      return;
    }
    if (result.behind === 0) {
      log.success(`${result.session.id} is up to date with ${result.base}.`);
      return;
    }
    if (result.dryRun) {
      log.info(`Dry run: pwt sync ${result.session.id} would do:`);
      result.titles.forEach((title, index) => log.log(`  ${index + 1}. ${title}`));
      return;
    }
    log.success(`Brought ${result.behind} commit(s) of ${result.base} into ${result.session.branch}.`);
  },
});
