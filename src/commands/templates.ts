import { defineCommand } from 'citty';
import { relative } from 'node:path';
import { requireRepo } from '../core/git/repo.js';
import { TEMPLATE_AGENTS, type TemplateAgent } from '../core/templates/agents.js';
import { installTemplates, type InstalledFile } from '../core/templates/install.js';
import { log, printJson } from '../ui/log.js';
import { jsonArg } from './_args.js';

const VERB: Record<InstalledFile['status'], string> = {
  created: 'created',
  updated: 'updated',
  overwritten: 'overwrote (--force)',
  'up-to-date': 'up to date',
  'kept-edited': 'kept (edited)',
};

const install = defineCommand({
  meta: {
    name: 'install',
    description: 'Write the dev-session prompts (dev-session.start, dev-session.end, parallel.status) where each agent reads custom commands',
  },
  args: {
    agent: { type: 'enum', options: [...TEMPLATE_AGENTS, 'all'], default: 'all', description: `${TEMPLATE_AGENTS.join(' | ')} | all` },
    force: { type: 'boolean', description: 'Overwrite copies that were edited since pwt wrote them' },
    'dry-run': { type: 'boolean', description: 'Show what would be written and change nothing' },
    ...jsonArg,
  },
  async run({ args }) {
    // Project-level files go to the main worktree, wherever this runs from.
    const repo = await requireRepo();
    const agents: TemplateAgent[] = args.agent === 'all' ? [...TEMPLATE_AGENTS] : [args.agent as TemplateAgent];
    const dryRun = Boolean(args['dry-run']);
    const files = installTemplates(repo.mainPath, agents, { force: args.force, dryRun });
    if (args.json) {
      printJson({ root: repo.mainPath, dryRun, files });
      return;
    }
    for (const file of files) {
      const line = `${dryRun ? 'would be ' : ''}${VERB[file.status]}: ${relative(process.cwd(), file.absolutePath) || file.path}  (${file.agents.join(', ')})`;
      if (file.status === 'kept-edited') log.warn(line);
      else log.info(line);
    }
    const kept = files.filter((file) => file.status === 'kept-edited');
    if (kept.length > 0)
      log.warn(`${kept.length} edited file(s) kept as they are. To replace them with pwt's version: pwt templates install --agent ${args.agent} --force`);
    if (!dryRun && files.some((file) => file.status !== 'up-to-date' && file.status !== 'kept-edited')) {
      log.success(
        `Templates written in ${repo.mainPath}; commit them to share them with your team. Run them as ` +
          `/dev-session.start, /dev-session.end, /parallel.status ($dev-session-start etc. in Codex).`,
      );
    }
  },
});

export default defineCommand({
  meta: { name: 'templates', description: 'Workflow prompts for agents: install' },
  subCommands: { install },
});
