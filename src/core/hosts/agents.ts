import { isPwtError } from '../infra/errors.js';
import type { Project } from '../project/project.js';
import { hostTimeoutMs } from '../ssh/ssh.js';
import { remoteJson } from './remote.js';
import { readHosts } from './store.js';

/** One host's agents (`pwt agent list --all --json` there), or why they could not be read. */
export interface HostAgents {
  host: string;
  reachable: boolean;
  error?: string;
  agents: (Record<string, unknown> & { host: string })[];
}

export async function hostAgents(project: Project): Promise<HostAgents[]> {
  return Promise.all(
    readHosts(project.sessionsDir).map(async (host): Promise<HostAgents> => {
      try {
        const answer = await remoteJson<{ agents: Record<string, unknown>[] }>(host, ['agent', 'list', '--all'], { timeoutMs: hostTimeoutMs() });
        return { host: host.name, reachable: true, agents: answer.agents.map((agent) => ({ ...agent, host: host.name })) };
      } catch (error) {
        if (!isPwtError(error)) throw error;
        return { host: host.name, reachable: false, error: error.message, agents: [] };
      }
    }),
  );
}
