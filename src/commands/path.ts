import { defineCommand } from 'citty';
import { existsSync } from 'node:fs';
import { preconditionError } from '../core/errors.js';
import { findSession, sessionPath } from '../core/manifest.js';
import { readManifest } from '../core/manifest-store.js';
import { openProject } from '../core/project.js';
import { printLine } from '../core/ui.js';

export default defineCommand({
  meta: { name: 'path', description: 'Print the absolute path of a session\'s worktree (no name: the main worktree)' },
  args: {
    name: { type: 'positional', description: 'Session name', required: false },
  },
  async run({ args }) {
    const project = await openProject();
    if (!args.name) {
      printLine(project.repo.mainPath);
      return;
    }
    const session = findSession(await readManifest(project), args.name);
    if (!session) throw preconditionError(`No session named "${args.name}".`, 'See the sessions with: pwt status');
    const path = sessionPath(project.repo.mainPath, session);
    if (!existsSync(path)) throw preconditionError(`The worktree of "${args.name}" is gone (${path}).`, 'pwt status shows it as missing-worktree; pwt cleanup repairs it.');
    printLine(path);
  },
});
