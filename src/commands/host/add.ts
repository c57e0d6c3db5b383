import { defineCommand } from 'citty';
import { addHost } from '../../core/hosts/manage.js';
import { openProject } from '../../core/project/project.js';
import { log, printJson } from '../../ui/log.js';
import { jsonArg } from '../_args.js';

export default defineCommand({
  meta: { name: 'add', description: 'Add a host: checks that ssh reaches it and that the clone is there' },
  args: {
    name: { type: 'positional', description: "pwt's name for the host", required: true },
    destination: { type: 'positional', description: 'What you give ssh: user@machine or an alias of your ssh config', required: true },
    repo: { type: 'string', description: "The path of the repository's clone on the host", required: true },
    pwt: { type: 'string', description: 'The command that runs pwt there (default: pwt), e.g. "npx pwt" or "node ~/pwt/dist/cli.cjs"' },
    ...jsonArg,
  },
  async run({ args }) {
    const project = await openProject();
    const host = await addHost(project, {
      name: args.name,
      destination: args.destination,
      repo: args.repo,
      ...(args.pwt !== undefined ? { pwt: args.pwt } : {}),
    });
    if (args.json) printJson(host);
    else log.success(`Host ${host.name} added (${host.destination}, clone ${host.repo}). Check it with: pwt host doctor ${host.name}`);
  },
});
