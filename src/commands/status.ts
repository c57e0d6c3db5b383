import { defineCommand } from 'citty';
import { openProject } from '../core/project/project.js';
import { collectStatus, type StatusReport } from '../core/sessions/status.js';
import { age } from '../core/infra/time.js';
import { color, printJson, printLine } from '../ui/log.js';
import { table } from '../ui/table.js';
import { jsonArg } from './_args.js';

export default defineCommand({
  meta: { name: 'status', description: 'The main worktree, every session (changes, ahead/behind, age, goal) and orphans' },
  args: { ...jsonArg },
  async run({ args }) {
    const report = await collectStatus(await openProject());
    if (args.json) printJson(report);
    else printHuman(report);
  },
});

const ORPHAN_HINT: Record<string, string> = {
  'missing-worktree': 'worktree folder is gone',
  'unregistered-worktree': 'git worktree not in the manifest',
  'stray-directory': 'folder that is not a worktree',
  prunable: 'git admin entry without its folder',
};

function printHuman(report: StatusReport): void {
  const main = `${report.main.branch ?? 'detached HEAD'}, ${report.main.dirty ? color.yellow('dirty') : 'clean'}`;
  printLine(`${color.bold(report.project)}  main worktree: ${main}  (${report.main.path})`);
  if (report.sessions.length === 0 && report.orphans.length === 0) {
    printLine('No sessions yet. Start one with: pwt create <name> --goal "what it is for"');
    return;
  }
  if (report.sessions.length > 0) {
    const rows = report.sessions.map((session) => [
      session.id,
      session.branch,
      age(session.startedAt),
      !session.exists ? color.red('missing') : session.dirty ? color.yellow(`${session.changes} changed`) : 'clean',
      session.ahead === null ? '-' : `+${session.ahead}/-${session.behind}`,
      session.activeAgent ?? '-',
      session.goals[0] ?? '',
    ]);
    printLine();
    printLine(table(['SESSION', 'BRANCH', 'AGE', 'CHANGES', 'AHEAD/BEHIND', 'AGENT', 'GOAL'], rows));
  } else {
    printLine('No sessions in the manifest.');
  }
  if (report.orphans.length > 0) {
    printLine();
    printLine(color.yellow(`Orphans (${report.orphans.length}) - pwt cleanup repairs them:`));
    printLine(table(['KIND', 'NAME', 'PATH', 'WHAT'], report.orphans.map((orphan) => [orphan.kind, orphan.id ?? orphan.branch ?? '-', orphan.path ?? '-', ORPHAN_HINT[orphan.kind] ?? ''])));
  }
}
