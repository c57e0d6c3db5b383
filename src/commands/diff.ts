import { defineCommand } from 'citty';
import { assertNamePattern } from '../core/project/names.js';
import { openProject } from '../core/project/project.js';
import { runOnHostIfThere } from './_host.js';
import { diffSession } from '../core/sessions/diff.js';
import { log, printLine } from '../ui/log.js';

export default defineCommand({
  meta: { name: 'diff', description: "A session's changes against its base: commits, uncommitted edits and untracked files (git diff on stdout)" },
  args: {
    name: { type: 'positional', description: 'Session name (default: the session you are in)', required: false },
    stat: { type: 'boolean', description: 'Only the summary: files changed, lines added and removed (git diff --stat)' },
  },
  async run({ args, rawArgs }) {
    if (args.name !== undefined) assertNamePattern(args.name);
    const project = await openProject(process.cwd(), { readOnly: true });
    if (await runOnHostIfThere(project, args.name, ['diff', ...rawArgs])) return;
    const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
    const result = await diffSession(project, { ...(args.name !== undefined ? { name: args.name } : {}), stat: args.stat, color });
    if (!result.text) {
      log.info(`${result.session.id} has no changes against ${result.base}.`);
      return;
    }
    printLine(result.text.replace(/\n$/, ''));
  },
});
