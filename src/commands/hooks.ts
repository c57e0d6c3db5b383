import { defineCommand } from 'citty';
import { installHooks, uninstallHooks, type InstallOp, type UninstallOp } from '../core/hooks/install.js';
import { hooksReport, type HooksReport } from '../core/hooks/status.js';
import { ORIGINAL_SUFFIX } from '../core/hooks/files.js';
import { openProject } from '../core/project/project.js';
import { log, printJson, printLine } from '../ui/log.js';
import { jsonArg } from './_args.js';

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
    log.info(`core.hooksPath is relative (${report.hooksPath}): git runs hooks from that folder in each worktree, so a session gets pwt's hooks only once you run pwt hooks install inside it.`);
  }
}

const install = defineCommand({
  meta: { name: 'install', description: 'Install the post-checkout and pre-push hooks into the hooks folder git uses (keeps and chains existing hooks)' },
  args: { ...jsonArg },
  async run({ args }) {
    const result = await installHooks(await openProject());
    if (args.json) return printJson(result);
    log.success(`pwt's git hooks are in ${result.hooksDir}${result.hooksPath ? ` (core.hooksPath = ${result.hooksPath})` : ''}:`);
    for (const action of result.actions) log.info(`${action.hook}: ${INSTALLED[action.op].replace('<hook>', action.hook)}`);
    perWorktreeNote(result);
    log.info('PWT_HOOKS=0 skips them, PWT_DEBUG=1 traces them; pwt hooks uninstall removes them.');
  },
});

const uninstall = defineCommand({
  meta: { name: 'uninstall', description: 'Remove pwt\'s hooks and restore exactly the hooks that were there' },
  args: { ...jsonArg },
  async run({ args }) {
    const result = await uninstallHooks(await openProject());
    if (args.json) return printJson(result);
    for (const action of result.actions) log.info(`${action.hook}: ${UNINSTALLED[action.op]}`);
    if (result.dispatcherOp === 'kept') log.info(`Kept ${result.dispatcher}: another worktree's hooks still use it.`);
  },
});

function printStatus(report: HooksReport): void {
  printLine(`hooks folder: ${report.hooksDir}${report.hooksPath ? ` (core.hooksPath = ${report.hooksPath}${report.perWorktree ? ', relative: one folder per worktree' : ''})` : ''}`);
  printLine(`dispatcher:   ${report.dispatcher} (${report.dispatcherState})`);
  for (const hook of report.hooks) {
    const how = hook.how === 'line' ? ', one line in your hook' : hook.how === 'moved' ? `, runs your hook ${hook.original}` : '';
    const other = hook.state === 'missing' && hook.otherHook ? ' (another hook is there)' : '';
    printLine(`${hook.name.padEnd(14)}${hook.state}${how}${other}`);
  }
  if (report.disabled) printLine('PWT_HOOKS=0 is set: the hooks do nothing in this shell.');
  printLine(report.installed ? 'pwt hooks: installed' : 'pwt hooks: not (fully) installed; run pwt hooks install');
}

const status = defineCommand({
  meta: { name: 'status', description: 'Where git runs hooks from and which of pwt\'s hooks are installed' },
  args: { ...jsonArg },
  async run({ args }) {
    const report = await hooksReport(await openProject());
    if (args.json) printJson(report);
    else printStatus(report);
  },
});

export default defineCommand({
  meta: { name: 'hooks', description: 'Git hooks that keep the manifest true: install, uninstall, status' },
  subCommands: { install, uninstall, status },
});
