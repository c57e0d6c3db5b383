import { defineCommand } from 'citty';
import { describeContext } from '../core/project/context.js';
import { printJson, printLine } from '../ui/log.js';
import { jsonArg } from './_args.js';

export default defineCommand({
  meta: { name: 'context', description: 'Where the current directory is: main worktree, a session, or none' },
  args: { ...jsonArg },
  async run({ args }) {
    const context = await describeContext();
    if (args.json) {
      printJson(context);
      return;
    }
    if (context.kind === 'session' && context.session) {
      printLine(`session ${context.session.id} (${context.branch ?? 'detached'}) in project ${context.project}`);
      printLine(`path: ${context.path}`);
      for (const goal of context.session.goals) printLine(`goal: ${goal}`);
    } else if (context.kind === 'main') {
      printLine(`main worktree of ${context.project} (${context.branch ?? 'detached'})`);
      printLine(`path: ${context.path}`);
    } else {
      printLine(context.project ? `not a pwt session (worktree ${context.path} of ${context.project})` : 'not inside a git repository');
    }
  },
});
