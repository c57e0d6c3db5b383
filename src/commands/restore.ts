import { defineCommand } from 'citty';
import { assertNamePattern } from '../core/project/names.js';
import { openProject } from '../core/project/project.js';
import { restoreSession } from '../core/sessions/restore/index.js';
import { archivesOf } from '../core/sessions/restore/facts.js';
import { describeArchive } from '../ui/archives.js';
import { log, printJson, printLine } from '../ui/log.js';
import { hookArgs, jsonArg } from './_args.js';
import { hookOptions, reportHookResult } from '../ui/hooks.js';

export default defineCommand({
  meta: { name: 'restore', description: 'Bring back a removed or abandoned session from its archive ref: branch, worktree, uncommitted work, manifest entry' },
  args: {
    name: { type: 'positional', description: 'Session name', required: true },
    at: { type: 'string', description: 'Archive stamp to restore (default: the newest, unless an older one holds the same commits plus more; see --list)' },
    list: { type: 'boolean', description: 'List the archives of the session (what each holds, which restore would take) and change nothing' },
    'dry-run': { type: 'boolean', description: 'Print the plan and change nothing' },
    ...hookArgs,
    ...jsonArg,
  },
  async run({ args }) {
    assertNamePattern(args.name);
    const project = await openProject();
    if (args.list) {
      const { entries, picked } = await archivesOf(project, args.name);
      if (args.json) {
        printJson({
          archives: entries.map((entry) => ({ ref: entry.ref, stamp: entry.stamp, commit: entry.commit, ...entry.meta, picked: entry === picked })),
        });
        return;
      }
      if (!picked) {
        log.info(`No archives of ${args.name}.`);
        return;
      }
      log.info(`Archives of ${args.name}, oldest first (* is the one pwt restore ${args.name} takes; another with --at STAMP):`);
      for (const entry of entries) printLine(`${entry === picked ? '*' : ' '} ${entry.stamp}  ${describeArchive(entry)}`);
      return;
    }
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
      printJson({
        actions: result.actions,
        dryRun,
        session: { ...result.session, path: result.path },
        archive: result.entry.ref,
        ...(result.leftFolder ? { leftInArchive: result.leftFolder } : {}),
      });
      return;
    }
    if (dryRun) {
      log.info(`Dry run: pwt restore ${args.name} would restore ${result.entry.ref}:`);
      result.titles.forEach((title, index) => log.log(`  ${index + 1}. ${title}`));
      return;
    }
    if (result.finished) log.info(`Finished the pwt restore ${result.session.id} that was interrupted (started ${result.finished}).`);
    log.success(
      `Restored ${result.session.id} on ${result.session.branch} from ${result.entry.ref}${result.entry.meta.dirty ? ', uncommitted work included' : ''}.`,
    );
    const newer = result.archives.filter((entry) => entry.stamp > result.entry.stamp);
    if (args.at === undefined && newer.length)
      log.info(
        `Took ${result.entry.stamp}, not the newer ${newer.map((entry) => entry.stamp).join(', ')}: it ` +
          `holds the same commits plus more (${describeArchive(result.entry)}). See pwt restore ` +
          `${result.session.id} --list.`,
      );
    else if (result.archives.length > 1)
      log.info(`${result.archives.length - 1} other archive(s) of ${result.session.id}: pwt restore ${result.session.id} --list`);
    const env = result.actions.find((action) => action.op === 'copy-env') as { copied?: string[] } | undefined;
    if (env?.copied?.length) log.info(`Copied env files: ${env.copied.join(', ')}`);
    log.info(`Path: ${result.path}`);
    if (result.leftFolder)
      log.info(
        `Not brought back, still in ${result.leftFolder.path}: ${result.leftFolder.entries.join(', ')} ` +
          `(copy what you need; pwt archive prune deletes it with its ref).`,
      );
    log.info(`Go there: pcd ${result.session.id}   (the archive ref stays: pwt archive list; pwt archive prune deletes old ones)`);
  },
});
