import { defineCommand } from 'citty';
import { shellWord } from '../core/infra/shell-word.js';
import { shellIntegrationHint } from '../core/shell/install.js';
import { usageError } from '../core/infra/errors.js';
import { assertNamePattern } from '../core/project/names.js';
import { openProject } from '../core/project/project.js';
import { endedOnHost, runOnHostIfThere } from './_host.js';
import { removeSession, STRATEGIES, type RemoveOp, type RemoveResult, type Strategy } from '../core/sessions/remove/index.js';
import { isInteractive, log, printJson } from '../ui/log.js';
import { stepSpinner } from '../ui/progress.js';
import { hookArgs, jsonArg } from './_args.js';
import { hookOptions } from '../ui/hooks.js';

export default defineCommand({
  meta: { name: 'remove', description: 'End a session: open a PR, merge, keep the branch, or abandon it (archived)' },
  args: {
    name: { type: 'positional', description: 'Session name', required: true },
    strategy: { type: 'string', description: 'pr | merge | keep | abandon (asked at a terminal; default elsewhere: keep)' },
    yes: {
      type: 'boolean',
      alias: 'y',
      description: 'Confirm without asking: abandon, or a pr that would carry base commits the remote lacks',
    },
    squash: { type: 'boolean', description: "With merge: one commit on the base instead of a merge commit (the branch's commits are archived)" },
    message: { type: 'string', description: 'With --squash: the commit message (default: the session name, goals and squashed commits)' },
    commit: { type: 'string', description: 'Commit uncommitted work (untracked included) with this message first' },
    force: {
      type: 'boolean',
      description:
        'Go past a locked worktree, running processes, a detached HEAD or an operation in progress ' +
        '(archiving what would be lost); with abandon also archive uncommitted work',
    },
    'dry-run': { type: 'boolean', description: 'Print the plan and change nothing' },
    ...hookArgs,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    assertNamePattern(args.name);
    if (args.strategy !== undefined && !(STRATEGIES as readonly string[]).includes(args.strategy)) {
      throw usageError(`Unknown strategy "${args.strategy}".`, `Use one of: ${STRATEGIES.join(', ')}.`);
    }
    if (args.message !== undefined && !args.squash)
      throw usageError('--message goes with --squash.', 'Run: pwt remove <name> --strategy merge --squash --message "..."');
    if (args.squash && args.strategy !== undefined && args.strategy !== 'merge')
      throw usageError(`--squash goes with --strategy merge, not ${args.strategy}.`, 'Run: pwt remove <name> --strategy merge --squash');
    const project = await openProject();
    // A session on a host ends there, by the same ending sequence run by the pwt there (docs/hosts.md).
    if (
      await runOnHostIfThere(project, args.name, ['remove', ...rawArgs], {
        json: args.json,
        after: args['dry-run'] ? undefined : () => endedOnHost(project, args.name, args.strategy),
      })
    )
      return;
    const dryRun = Boolean(args['dry-run']);
    const result = await removeSession(project, {
      name: args.name,
      // --squash alone means a squash merge.
      ...(args.strategy || args.squash ? { strategy: (args.strategy ?? 'merge') as Strategy } : {}),
      ...(args.squash ? { squash: args.message !== undefined ? { message: args.message } : {} } : {}),
      ...(args.commit !== undefined ? { commit: args.commit } : {}),
      yes: args.yes,
      acceptWarnings: Boolean(args.yes),
      force: args.force,
      dryRun,
      // --json is for scripts: stdout stays pure JSON, so nothing is asked (clack draws prompts on stdout).
      interactive: isInteractive() && !args.json,
      onStep: args.json ? undefined : (title) => log.info(title),
      spin: stepSpinner(args.json),
      hooks: hookOptions(args),
    });
    if (result.hookNote) log.warn(result.hookNote);
    for (const action of result.actions) if (action.op === 'hook' && action.failed) log.warn(action.failed);
    if (args.json) {
      printJson({
        actions: result.actions,
        dryRun: result.dryRun,
        ...(result.warnings.length ? { warnings: result.warnings } : {}),
        ...(result.inventory.length ? { inventory: result.inventory } : {}),
      });
      return;
    }
    report(result);
  },
});

function report(result: RemoveResult): void {
  const { facts, strategy } = result;
  const id = facts.session.id;
  if (!result.asked) for (const warning of result.warnings) log.warn(warning.message);
  for (const note of result.notes) log.warn(note);
  if (result.dryRun) {
    if (result.inventory.length) log.info(`The worktree of ${id} holds more than its branch:\n${result.inventory.map((line) => `  - ${line}`).join('\n')}`);
    log.info(`Dry run: pwt remove ${id} --strategy ${strategy}${result.squash ? ' --squash' : ''} would do:`);
    result.titles.forEach((title, index) => log.log(`  ${index + 1}. ${title}`));
    return;
  }
  if (result.finished) log.info(`Finished the pwt remove ${id} --strategy ${strategy} that was interrupted (started ${result.finished}).`);
  const find = <K extends RemoveOp['op']>(op: K) => result.actions.find((action): action is Extract<RemoveOp, { op: K }> => action.op === op);
  const archive = find('archive');
  const pr = find('create-pr')?.url ?? facts.session.pr;
  const artifacts = find('archive-artifacts');
  const merge = find('merge');
  const squashed = find('squash-merge');
  const stays = result.branchTipAfter ? `the branch ${facts.session.branch} stays` : `the branch ${facts.session.branch} does not exist`;
  const opened = find('create-pr')?.url;
  if (strategy === 'pr' && opened) log.success(`Opened ${opened} and removed the worktree; ${stays}.`);
  else if (strategy === 'pr' && pr) log.success(`Pushed ${facts.session.branch} to its open pull request ${pr} and removed the worktree; ${stays}.`);
  if (squashed)
    log.success(
      `Squashed ${facts.session.branch} into one commit on ` +
        `${String(squashed.into)}${squashed.commit ? ` (${String(squashed.commit).slice(0, 10)})` : ''} and ` +
        `deleted the branch (push the base yourself when ready).`,
    );
  else if (strategy === 'merge' && merge) {
    const how =
      merge.mode === 'already-merged'
        ? `${facts.session.branch} was already in ${String(merge.into)}: nothing to merge;`
        : `Merged ${facts.session.branch} into ${String(merge.into)} (${String(merge.commit ?? '').slice(0, 10)}) and`;
    log.success(`${how} deleted the branch${merge.mode === 'already-merged' ? '' : ' (push the base yourself when ready)'}.`);
  } else if (strategy === 'merge') log.success(`Removed the session ${id}; there was no branch ${facts.session.branch} to merge.`);
  if (squashed && archive) log.info(`The branch's own commits are archived as ${String(archive.ref)} (pwt restore ${id} brings them back).`);
  if (strategy === 'keep') log.success(`Removed the worktree of ${id}; ${stays}.`);
  if (strategy !== 'abandon' && !squashed && archive)
    log.info(
      `What only the worktree held is archived as ${String(archive.ref)} (git log ${String(archive.ref)}; ` +
        `pwt restore ${id} --at ${String(archive.ref).split('/').pop()}).`,
    );
  for (const action of result.actions) {
    if (action.op === 'archive-nested' || action.op === 'archive-ignored')
      log.info(`${action.op === 'archive-nested' ? 'Nested repositories' : 'Ignored files that differed from the main worktree'} copied to ${action.to}`);
  }
  if (strategy === 'abandon') {
    log.success(`Abandoned ${id}.`);
    if (archive) log.info(`Archived as ${String(archive.ref)}. Bring it back with: pwt restore ${id}`);
  }
  if (artifacts) log.info(`Artifacts kept in ${String(artifacts.to)}`);
  if (facts.cwdInside) {
    log.info(`Your shell is still inside the removed folder: cd ${shellWord(facts.project.repo.mainPath)}  (pend does this for you)`);
    const tip = shellIntegrationHint();
    if (tip) log.info(tip);
  }
}
