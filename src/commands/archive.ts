import { defineCommand } from 'citty';
import { openProject } from '../core/project/project.js';
import { deleteArchive, listAllArchives, planPrune } from '../core/sessions/archive.js';
import { assertNamePattern } from '../core/project/names.js';
import { usageError } from '../core/infra/errors.js';
import { isInteractive, log, printJson, printLine } from '../ui/log.js';
import { confirm } from '../ui/prompts.js';
import { describeArchive } from '../ui/archives.js';
import { jsonArg } from './_args.js';

const nameArg = { name: { type: 'positional', description: 'Session name (default: every archived session)', required: false } } as const;

const list = defineCommand({
  meta: { name: 'list', description: 'The archives of every session (or one): what each holds, its folder, which pwt restore takes' },
  args: { ...nameArg, ...jsonArg },
  async run({ args }) {
    if (args.name) assertNamePattern(args.name);
    const project = await openProject();
    const listings = await listAllArchives(project.repo.mainPath, project.sessionsDir, args.name);
    if (args.json) {
      printJson({
        sessions: listings.map((listing) => ({
          name: listing.name,
          archives: listing.entries.map((entry) => ({
            ref: entry.ref,
            stamp: entry.stamp,
            commit: entry.commit,
            ...entry.meta,
            folder: listing.folders.includes(entry.stamp),
            restoreTakes: entry === listing.picked,
          })),
          strayFolders: listing.strayFolders,
        })),
      });
      return;
    }
    if (listings.length === 0) {
      log.info(args.name ? `No archives of ${args.name}.` : 'No archives.');
      return;
    }
    for (const listing of listings) {
      printLine(`${listing.name}  (* is what pwt restore ${listing.name} takes)`);
      for (const entry of listing.entries)
        printLine(
          `  ${entry === listing.picked ? '*' : ' '} ${entry.stamp}  ` +
            `${describeArchive(entry)}${listing.folders.includes(entry.stamp) ? `  + folder .archive/${listing.name}/${entry.stamp}` : ''}`,
        );
      for (const stray of listing.strayFolders) printLine(`    .archive/${listing.name}/${stray}: a folder with no archive ref (pwt leaves it to you)`);
    }
  },
});

const prune = defineCommand({
  meta: {
    name: 'prune',
    description: 'Delete old archives (ref and folder): all but the --keep newest of each session, never the newest nor the one restore takes',
  },
  args: {
    ...nameArg,
    keep: { type: 'string', description: 'How many of the newest archives to keep per session (default 1; the most complete is kept too)' },
    yes: { type: 'boolean', alias: 'y', description: 'Delete without asking' },
    'dry-run': { type: 'boolean', description: 'List what would be deleted and change nothing' },
    ...jsonArg,
  },
  async run({ args }) {
    if (args.name) assertNamePattern(args.name);
    const keep = args.keep === undefined ? 1 : Number(args.keep);
    if (!Number.isInteger(keep) || keep < 1)
      throw usageError(
        `--keep takes a whole number of 1 or more, not "${args.keep}".`,
        'The newest archive of a session is never deleted: pwt archive prune --keep 1',
      );
    const project = await openProject();
    const doomed = planPrune(await listAllArchives(project.repo.mainPath, project.sessionsDir, args.name), keep);
    const lines = doomed.map(({ name, entry, folder }) => `${name} ${entry.stamp}  ${describeArchive(entry)}${folder ? ' + its folder' : ''}`);
    const dryRun = Boolean(args['dry-run']);
    if (doomed.length > 0 && !dryRun && !args.yes) {
      if (!isInteractive() || args.json)
        throw usageError(
          `pwt archive prune would delete ${doomed.length} archive(s); it asks first, and nobody is at a terminal to answer.`,
          'Look with --dry-run, then run it again with --yes.',
        );
      log.info(`Would delete:\n${lines.map((line) => `  ${line}`).join('\n')}`);
      if (!(await confirm(`Delete these ${doomed.length} archive(s)? Their work is gone for good.`, false))) {
        log.info('Nothing deleted.');
        return;
      }
    }
    if (!dryRun) for (const { entry } of doomed) await deleteArchive(project.repo.mainPath, project.sessionsDir, entry);
    if (args.json) {
      printJson({ dryRun, deleted: doomed.map(({ name, entry, folder }) => ({ name, ref: entry.ref, stamp: entry.stamp, folder })) });
      return;
    }
    if (doomed.length === 0) {
      log.info(`Nothing to prune: no session has more than ${keep} archive(s) besides the one restore takes.`);
      return;
    }
    if (dryRun) log.info(`Dry run: pwt archive prune would delete:\n${lines.map((line) => `  ${line}`).join('\n')}`);
    else log.success(`Deleted ${doomed.length} archive(s):\n${lines.map((line) => `  ${line}`).join('\n')}`);
  },
});

export default defineCommand({
  meta: { name: 'archive', description: 'Archives of ended sessions: list | prune' },
  subCommands: { list, prune },
});
