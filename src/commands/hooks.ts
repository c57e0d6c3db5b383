import { defineCommand } from 'citty';
import { installHooks, uninstallHooks, type InstallOp, type UninstallOp } from '../core/hooks/install.js';
import { hooksReport, type HooksReport } from '../core/hooks/status.js';
import { ORIGINAL_SUFFIX } from '../core/hooks/files.js';
import { openProject } from '../core/project/project.js';
import { log, printJson, printLine } from '../ui/log.js';
import { jsonArg } from './_args.js';
import { usageError } from '../core/infra/errors.js';
import type { Project } from '../core/project/project.js';
import type { Manager, ViaResult } from '../core/hooks/managers.js';
import type { HookReview } from '../core/project/hooks/review.js';
import { describeChanges } from '../core/project/hooks/trust.js';

const MANAGER_NAMES = ['simple-git-hooks', 'husky', 'lefthook'];
const viaArg = {
  via: {
    type: 'string',
    description: "simple-git-hooks | husky | lefthook: write into that hook manager's committed config instead of this clone's hooks folder",
  },
} as const;

function manager(via: string | undefined): Manager | null {
  if (via === undefined) return null;
  if (!MANAGER_NAMES.includes(via)) throw usageError(`Unknown hook manager "${via}".`, `Use one of: ${MANAGER_NAMES.join(', ')}.`);
  return via as Manager;
}

function reportVia(result: ViaResult, installing: boolean): void {
  for (const { hook, op } of result.hooks)
    log.info(
      `${hook}: ` +
        (op === 'added'
          ? `added to ${result.file}`
          : op === 'updated'
            ? `updated in ${result.file}`
            : op === 'removed'
              ? `removed from ${result.file}`
              : installing
                ? 'already there, unchanged'
                : 'not there, nothing to do'),
    );
  if (installing) {
    log.success(
      `pwt's hooks are in ${result.manager}'s config (${result.file}): commit it, and every clone that ` +
        `installs ${result.manager}'s hooks gets them (they do nothing where pwt is not set up).`,
    );
    log.info(`This clone's dispatcher: ${result.dispatcher}. Other clones: run pwt hooks install --via ${result.manager} there once.`);
  }
  if (result.activate) log.info(`Let ${result.manager} update this clone's hooks: ${result.activate}`);
}

async function managerHint(project: Project): Promise<void> {
  const { detectManagers } = await import('../core/hooks/managers.js');
  const found = detectManagers(project.repo.worktreePath);
  if (found.length)
    log.info(`This repository uses ${found.join(', ')}: pwt hooks install --via ${found[0]} puts pwt's hooks into its committed config, for every clone.`);
}

const INSTALLED: Record<InstallOp, string> = {
  created: 'installed',
  'chained-line': 'added one line to your existing hook (it still runs as before)',
  'moved-original': `your existing hook moved to <hook>${ORIGINAL_SUFFIX}; pwt's hook runs it with the same arguments and stdin`,
  updated: 'updated',
  unchanged: 'already installed, unchanged',
};

const UNINSTALLED: Record<UninstallOp, string> = {
  removed: 'removed',
  'restored-original': 'removed; your original hook is back',
  'line-removed': "removed pwt's line; your hook is as it was",
  'not-installed': 'not installed, nothing to do',
};

function perWorktreeNote(report: { perWorktree: boolean; hooksPath: string | null }): void {
  if (report.perWorktree) {
    log.info(
      `core.hooksPath is relative (${report.hooksPath}): git runs hooks from that folder in each ` +
        `worktree, so a session gets pwt's hooks only once you run pwt hooks install inside it.`,
    );
  }
}

const install = defineCommand({
  meta: { name: 'install', description: 'Install the post-checkout and pre-push hooks into the hooks folder git uses (keeps and chains existing hooks)' },
  args: { ...viaArg, ...jsonArg },
  async run({ args }) {
    const via = manager(args.via);
    const project = await openProject();
    if (via) {
      const { installVia } = await import('../core/hooks/managers.js');
      const done = await installVia(project, via);
      return args.json ? printJson(done) : reportVia(done, true);
    }
    const result = await installHooks(project);
    if (args.json) return printJson(result);
    log.success(`pwt's git hooks are in ${result.hooksDir}${result.hooksPath ? ` (core.hooksPath = ${result.hooksPath})` : ''}:`);
    for (const action of result.actions) log.info(`${action.hook}: ${INSTALLED[action.op].replace('<hook>', action.hook)}`);
    perWorktreeNote(result);
    log.info('PWT_HOOKS=0 skips them, PWT_DEBUG=1 traces them; pwt hooks uninstall removes them.');
    await managerHint(project);
  },
});

const uninstall = defineCommand({
  meta: { name: 'uninstall', description: "Remove pwt's hooks and restore exactly the hooks that were there" },
  args: { ...viaArg, ...jsonArg },
  async run({ args }) {
    const via = manager(args.via);
    if (via) {
      const { uninstallVia } = await import('../core/hooks/managers.js');
      const done = await uninstallVia(await openProject(), via);
      return args.json ? printJson(done) : reportVia(done, false);
    }
    const result = await uninstallHooks(await openProject());
    if (args.json) return printJson(result);
    for (const action of result.actions) log.info(`${action.hook}: ${UNINSTALLED[action.op]}`);
    if (result.dispatcherOp === 'kept') log.info(`Kept ${result.dispatcher}: another worktree's hooks still use it.`);
  },
});

function printStatus(report: HooksReport, via: string | null): void {
  printLine(
    `hooks folder: ${report.hooksDir}` +
      (report.hooksPath ? ` (core.hooksPath = ${report.hooksPath}${report.perWorktree ? ', relative: one folder per worktree' : ''})` : ''),
  );
  printLine(`dispatcher:   ${report.dispatcher} (${report.dispatcherState})`);
  for (const hook of report.hooks) {
    const how = hook.how === 'line' ? ', one line in your hook' : hook.how === 'moved' ? `, runs your hook ${hook.original}` : '';
    const other = hook.state === 'missing' && hook.otherHook ? ' (another hook is there)' : '';
    printLine(`${hook.name.padEnd(14)}${hook.state}${how}${other}`);
  }
  if (report.disabled) printLine('PWT_HOOKS=0 is set: the hooks do nothing in this shell.');
  printLine(
    report.installed
      ? 'pwt hooks: installed'
      : via
        ? `pwt hooks: installed through ${via}'s committed config`
        : 'pwt hooks: not (fully) installed; run pwt hooks install',
  );
}

const status = defineCommand({
  meta: { name: 'status', description: "Where git runs hooks from and which of pwt's hooks are installed" },
  args: { ...jsonArg },
  async run({ args }) {
    const project = await openProject();
    const report = await hooksReport(project);
    const { detectManagers, managersWithPwt } = await import('../core/hooks/managers.js');
    const managers = { managers: detectManagers(project.repo.worktreePath), via: managersWithPwt(project.repo.worktreePath) };
    // The same verdict as pwt doctor: hooks in the folder git uses, or a manager's committed config with this clone's dispatcher current.
    const through = !report.installed && managers.via.length > 0 && report.dispatcherState === 'current' ? managers.via[0]! : null;
    if (args.json) return printJson({ ...report, ...managers, active: report.installed || through !== null });
    printStatus(report, through);
    if (managers.managers.length)
      printLine(
        `hook managers: ${managers.managers.join(', ')}${managers.via.length ? `; pwt's hooks are in the committed config of ${managers.via.join(', ')}` : ''}`,
      );
  },
});

function printReview(review: HookReview): void {
  const events = Object.entries(review.hooks);
  if (events.length === 0) {
    printLine(`${review.file}: no project hooks.`);
    return;
  }
  printLine(
    `${review.file}: project hooks ` +
      `${review.approved ? 'approved for this repository' : review.changed ? 'changed since you approved them' : 'not approved for this repository'}`,
  );
  for (const [event, entries] of events) for (const entry of entries ?? []) printLine(`  ${event.padEnd(12)} ${entry}`);
  if (review.changed) {
    printLine('Changed since the approved set:');
    for (const line of describeChanges(review.changed)) printLine(`  ${line}`);
  }
  if (!review.approved) printLine('pwt hooks approve approves this set (or pass --trust-hooks to the command that runs them).');
}

const show = defineCommand({
  meta: { name: 'show', description: 'The project hooks of .pwt.json, whether you approved them, and what changed since the approved set' },
  args: { ...jsonArg },
  async run({ args }) {
    const { reviewHooks } = await import('../core/project/hooks/review.js');
    const review = reviewHooks(await openProject());
    if (args.json) {
      const { approvedAt: _at, ...rest } = review;
      return printJson({
        ...rest,
        ...(review.changed
          ? { changed: Object.fromEntries(Object.entries(review.changed).map(([event, change]) => [event, { approved: change?.approved, now: change?.now }])) }
          : {}),
      });
    }
    printReview(review);
  },
});

const approve = defineCommand({
  meta: { name: 'approve', description: 'Approve the current project hooks of .pwt.json for this repository (no question: running this is the approval)' },
  args: { ...jsonArg },
  async run({ args }) {
    const { approveCurrentHooks, reviewHooks } = await import('../core/project/hooks/review.js');
    const project = await openProject();
    const before = reviewHooks(project);
    if (Object.keys(before.hooks).length === 0) {
      if (args.json) return printJson({ ...before, approved: false });
      return log.info(`${before.file} has no project hooks: nothing to approve.`);
    }
    const done = approveCurrentHooks(project);
    if (args.json) return printJson(reviewHooks(project));
    if (before.changed) for (const line of describeChanges(before.changed)) log.info(line);
    log.success(
      done.alreadyApproved
        ? 'These project hooks were already approved for this repository.'
        : `Approved the project hooks of ${before.file} for this repository; pwt runs them without asking until they change.`,
    );
  },
});

const revoke = defineCommand({
  meta: { name: 'revoke', description: "Withdraw your approval of this repository's project hooks: pwt asks again before running them" },
  args: { ...jsonArg },
  async run({ args }) {
    const { revokeHooks, reviewHooks } = await import('../core/project/hooks/review.js');
    const project = await openProject(process.cwd(), { readOnly: true });
    const revoked = revokeHooks(project);
    if (args.json) return printJson({ revoked, ...reviewHooks(project) });
    log.success(
      revoked
        ? "Revoked: pwt asks before running this repository's project hooks again (without a terminal it refuses, naming --trust-hooks)."
        : 'Nothing to revoke: no project hooks are approved for this repository.',
    );
  },
});

export default defineCommand({
  meta: { name: 'hooks', description: 'Git hooks that keep the manifest true (install, uninstall, status); project hooks you approve (show, approve, revoke)' },
  subCommands: { install, uninstall, status, show, approve, revoke },
});
