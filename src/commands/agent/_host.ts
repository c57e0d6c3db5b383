import type { CommandDef } from 'citty';
import { hasHosts } from '../../core/hosts/store.js';
import { openProject } from '../../core/project/project.js';
import { runOnHostIfThere } from '../_host.js';

/** The value of `--session S` (or `--session=S`) in raw arguments, before any `--`. */
export function sessionFlag(rawArgs: readonly string[]): string | undefined {
  for (let index = 0; index < rawArgs.length; index++) {
    const arg = rawArgs[index]!;
    if (arg === '--') return undefined;
    if (arg === '--session') return rawArgs[index + 1];
    if (arg.startsWith('--session=')) return arg.slice('--session='.length);
  }
  return undefined;
}

/**
 * `pwt agent <sub> --session S` where S lives on a host runs `pwt agent <sub>`
 * there with the same arguments (`ssh -t` at a terminal: attaching reaches
 * the host's live tmux). Everything else runs here, unchanged.
 */
export function reachingHosts(sub: string, load: () => Promise<CommandDef<any>>): () => Promise<CommandDef<any>> {
  return async () => {
    const command = await load();
    return {
      ...command,
      async run(context) {
        const name = sessionFlag(context.rawArgs);
        if (name !== undefined) {
          const project = await openProject();
          if (
            hasHosts(project.sessionsDir) &&
            (await runOnHostIfThere(project, name, ['agent', sub, ...context.rawArgs], { json: Boolean(context.args.json) }))
          )
            return;
        }
        return command.run?.(context);
      },
    };
  };
}
