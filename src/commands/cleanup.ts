import { defineCommand } from 'citty';
import { cleanup } from '../core/sessions/cleanup.js';
import { openProject } from '../core/project/project.js';
import { isInteractive, log, printJson } from '../ui/log.js';
import { jsonArg } from './_args.js';

export default defineCommand({
  meta: { name: 'cleanup', description: 'Find and repair orphans: missing or unregistered worktrees, stray folders, prunable git entries' },
  args: {
    force: { type: 'boolean', description: 'Act on every orphan without asking (adopts unregistered worktrees)' },
    'delete-branch': { type: 'boolean', description: 'Also delete the branches of sessions whose worktree is gone (unmerged ones are archived first)' },
    'dry-run': { type: 'boolean', description: 'Print the plan and change nothing' },
    ...jsonArg,
  },
  async run({ args }) {
    const project = await openProject();
    const result = await cleanup(project, {
      force: args.force,
      deleteBranch: args['delete-branch'],
      dryRun: args['dry-run'],
      // --json keeps stdout pure JSON, so it never asks (prompts draw on stdout).
      interactive: isInteractive() && !args.json,
      onStep: args.json ? undefined : (title) => log.info(title),
    });
    if (args.json) {
      printJson({ actions: result.actions, dryRun: result.dryRun, orphans: result.orphans, interrupted: result.interrupted });
      return;
    }
    if (result.interrupted.length) {
      const what = result.interrupted.join('; ');
      if (result.dryRun)
        log.info(
          `Interrupted and not finished: ${what}. ${result.reportOnly ? 'pwt cleanup --force' : 'pwt cleanup'} finishes them (or run each command again).`,
        );
      else log.success(`Finished what was interrupted: ${what}.`);
    }
    if (result.orphans.length === 0) {
      if (result.interrupted.length) return;
      log.success('No orphans: the manifest, git and the sessions dir agree.');
      return;
    }
    if (result.dryRun) {
      log.info(
        result.reportOnly
          ? `Found ${result.orphans.length} orphan(s). Not at a terminal, so nothing was changed; pwt cleanup --force would:`
          : `Dry run: pwt cleanup would:`,
      );
      result.titles.forEach((title, index) => log.log(`  ${index + 1}. ${title}`));
      return;
    }
    log.success(result.actions.length ? `Done: ${result.actions.length} step(s).` : 'Nothing done (every orphan skipped).');
  },
});
