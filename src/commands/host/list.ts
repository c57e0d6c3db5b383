import { defineCommand } from 'citty';
import { readHosts } from '../../core/hosts/store.js';
import { openProject } from '../../core/project/project.js';
import { log, printJson, printLine } from '../../ui/log.js';
import { table } from '../../ui/table.js';
import { jsonArg } from '../_args.js';

export default defineCommand({
  meta: { name: 'list', description: 'The hosts of this repository (no network)' },
  args: { ...jsonArg },
  async run({ args }) {
    const project = await openProject();
    const hosts = readHosts(project.sessionsDir);
    if (args.json) {
      printJson({ hosts });
      return;
    }
    if (hosts.length === 0) {
      log.info('No hosts. Add one with: pwt host add <name> <ssh destination> --repo <path>');
      return;
    }
    printLine(
      table(
        ['HOST', 'DESTINATION', 'REPO', 'PWT'],
        hosts.map((host) => [host.name, host.destination, host.repo, host.pwt]),
      ),
    );
  },
});
