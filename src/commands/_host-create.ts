import { createOnHost } from '../core/hosts/sessions.js';
import { remoteInteractive } from '../core/hosts/remote.js';
import { openProject } from '../core/project/project.js';
import { log, printJson } from '../ui/log.js';

/** `pwt create <name> --host H`: the pwt on the host makes it; it is recorded here with its host. */
export async function createOnHostCommand(
  args: {
    name: string;
    host?: string;
    on?: string;
    base?: string;
    agent?: string;
    prompt?: string;
    detach?: boolean;
    json?: boolean;
    'allow-dirty'?: boolean;
    env?: boolean;
    hooks?: boolean;
    'trust-hooks'?: boolean;
  },
  goals: string[],
): Promise<void> {
  // The flags about the clone itself go to the pwt there, which applies them to its clone.
  const flags = [
    ...(args.on ? ['--on', args.on] : []),
    ...(args['allow-dirty'] ? ['--allow-dirty'] : []),
    ...(args.env === false ? ['--no-env'] : []),
    ...(args.hooks === false ? ['--no-hooks'] : []),
    ...(args['trust-hooks'] ? ['--trust-hooks'] : []),
  ];
  const project = await openProject();
  const { host, session } = await createOnHost(project, {
    host: args.host!,
    name: args.name,
    goals,
    base: args.base,
    agent: args.agent,
    prompt: args.prompt,
    flags,
  });
  if (args.json) {
    printJson({ ...session, host: host.name });
    return;
  }
  log.success(`Created session ${session.id} on host ${host.name} (${session.branch}).`);
  log.info(`Path: ${host.name}:${session.path}`);
  if (args.agent) {
    log.info(`${args.agent} runs there in tmux. Attach: pwt agent attach --session ${session.id}`);
    if (!args.detach && process.stdin.isTTY && process.stdout.isTTY && !process.env.CI)
      await remoteInteractive(host, ['agent', 'attach', '--session', session.id]);
  }
}
