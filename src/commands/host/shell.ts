import { defineCommand } from 'citty';
import { hostSessionNamed } from '../../core/hosts/sessions.js';
import { hostShell } from '../../core/hosts/remote.js';
import { Exit, preconditionError, PwtError } from '../../core/infra/errors.js';
import { assertNamePattern } from '../../core/project/names.js';
import { openProject } from '../../core/project/project.js';

export default defineCommand({
  meta: { name: 'shell', description: "A login shell in a host session's worktree on its host (ssh -t); what pcd does for a host session" },
  args: { session: { type: 'positional', description: 'A session that lives on a host', required: true } },
  async run({ args }) {
    assertNamePattern(args.session);
    const project = await openProject();
    const found = await hostSessionNamed(project, args.session);
    if (!found) throw preconditionError(`"${args.session}" is not a session on a host.`, `Go there with: pcd ${args.session}`);
    const code = await hostShell(found.host, found.record.path);
    if (code !== 0) throw new PwtError(`The shell on host "${found.host.name}" ended with exit ${code}.`, Exit.precondition);
  },
});
