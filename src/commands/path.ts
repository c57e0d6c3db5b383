import { defineCommand } from 'citty';
import { readManifest } from '../core/manifest/store.js';
import { openProject } from '../core/project/project.js';
import { requireSessionPath } from '../core/project/session-path.js';
import { printLine } from '../ui/log.js';

/** The full route; src/cli.ts answers most calls from files before this loads (core/project/session-path.ts). */
export default defineCommand({
  meta: { name: 'path', description: "Print the absolute path of a session's worktree (no name: the main worktree)" },
  args: {
    name: { type: 'positional', description: 'Session name', required: false },
  },
  async run({ args }) {
    const project = await openProject(process.cwd(), { readOnly: true });
    printLine(args.name ? requireSessionPath(project.repo.mainPath, project.sessionsDir, await readManifest(project), args.name) : project.repo.mainPath);
  },
});
