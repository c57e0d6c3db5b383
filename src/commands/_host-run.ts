import type { CommandDef } from 'citty';
import { hostOfRun, recordHostSessionsOf, startRunOnHost } from '../core/hosts/runs.js';
import { hasHosts } from '../core/hosts/store.js';
import { preconditionError } from '../core/infra/errors.js';
import { openProject, type Project } from '../core/project/project.js';
import { log, printJson } from '../ui/log.js';
import { runOnHost } from './_host.js';

/** `pwt run start <run> --host H ...`: the pwt there starts it; the run and its sessions are recorded here. */
export async function startRunOnHostCommand(
  project: Project,
  hostName: string,
  run: string,
  input: { agents: string[]; goals: string[]; prompt?: string | undefined; base?: string | undefined; budget?: string | undefined; json?: boolean | undefined },
): Promise<void> {
  const args = [
    ...input.agents.flatMap((agents) => ['--agents', agents]),
    ...input.goals.flatMap((goal) => ['--goal', goal]),
    ...(input.prompt !== undefined ? ['--prompt', input.prompt] : []),
    ...(input.base !== undefined ? ['--base', input.base] : []),
    // The host's scheduler watches the budget: the agents and their usage files are there.
    ...(input.budget !== undefined ? ['--budget', input.budget] : []),
  ];
  const { host, result } = await startRunOnHost(project, hostName, run, args);
  if (input.json) printJson({ ...result, host: host.name });
  else {
    for (const each of result.started) log.success(`${each.provider} started on host ${host.name} in session ${each.session} (agent ${each.agentId}).`);
    if (result.started.length > 0) log.info(`See them with: pwt run show ${run}; attach to one with: pwt agent attach --session <session>`);
  }
  if (result.failed.length > 0)
    throw preconditionError(
      `Run ${run} on host ${host.name}: ${result.failed.map((each) => `${each.provider} did not start (${each.error})`).join('; ')}.`,
      `Fix that on ${host.name}, then: pwt run resume ${run}`,
    );
}

/** The run name: the first argument that is not a flag. */
const firstWord = (rawArgs: readonly string[]): string | undefined => rawArgs.find((arg) => !arg.startsWith('-'));

/**
 * `pwt run <sub> <run>` for a run that lives on a host runs there with the
 * same arguments; after `pick` and `rm` the records here follow what is left
 * there. Everything else runs here, unchanged.
 */
export function runReachingHosts(sub: string, load: () => Promise<CommandDef<any>>): () => Promise<CommandDef<any>> {
  return async () => {
    const command = await load();
    return {
      ...command,
      async run(context) {
        const name = firstWord(context.rawArgs);
        if (name !== undefined) {
          const project = await openProject();
          const host = hasHosts(project.sessionsDir) ? await hostOfRun(project, name) : null;
          if (host) {
            await runOnHost(host, ['run', sub, ...context.rawArgs], { json: Boolean(context.args.json) });
            if (sub === 'pick' || sub === 'rm') await recordHostSessionsOf(project, host, name);
            return;
          }
        }
        return command.run?.(context);
      },
    };
  };
}
