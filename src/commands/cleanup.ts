import { defineCommand } from 'citty';
import { cleanup } from '../core/sessions/cleanup.js';
import { openProject } from '../core/project/project.js';
import { isInteractive, log, printJson } from '../ui/log.js';
import { hookArgs, jsonArg } from './_args.js';
import { hookOptions } from '../ui/hooks.js';
import { stepSpinner } from '../ui/progress.js';

export default defineCommand({
  meta: { name: 'cleanup', description: 'Find and repair orphans: missing or unregistered worktrees, stray folders, prunable git entries' },
  args: {
    force: { type: 'boolean', description: 'Act on every orphan without asking (adopts unregistered worktrees)' },
    'delete-branch': { type: 'boolean', description: 'Also delete the branches of sessions whose worktree is gone (unmerged ones are archived first)' },
    'dry-run': { type: 'boolean', description: 'Print the plan and change nothing' },
    ...hookArgs,
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
      spin: stepSpinner(args.json),
      // The sessions it ends run the project's pre-remove and post-remove hooks, as pwt remove does.
      hooks: hookOptions(args),
    });
    if (result.hookNote) log.warn(result.hookNote);
    for (const action of result.actions) if (action.op === 'hook' && action.failed) log.warn(action.failed);
    if (!args.json) for (const note of result.notes) log.warn(note);
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
