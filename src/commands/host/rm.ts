import { defineCommand } from 'citty';
import { removeHost } from '../../core/hosts/manage.js';
import { openProject } from '../../core/project/project.js';
import { log } from '../../ui/log.js';

export default defineCommand({
  meta: { name: 'rm', description: 'Forget a host (refused while sessions live there); nothing on the host changes' },
  args: { name: { type: 'positional', description: 'The host', required: true } },
  async run({ args }) {
    const project = await openProject();
    await removeHost(project, args.name);
    log.success(`Host ${args.name} removed from this repository's hosts (nothing changed on it).`);
  },
});
