import { preconditionError } from '../infra/errors.js';
import { readManifest, type Store } from '../manifest/store.js';
import type { Project } from '../project/project.js';
import { hostChecks } from './doctor.js';
import { hostSessions } from './records.js';
import { assertDestination, assertHostName, DEFAULT_PWT, readHosts, updateHosts, type Host } from './store.js';

/** `pwt host add`: the host answers and the clone is there, then it is recorded. */
export async function addHost(project: Project, input: { name: string; destination: string; repo: string; pwt?: string }): Promise<Host> {
  assertHostName(input.name);
  assertDestination(input.destination);
  const host: Host = { name: input.name, destination: input.destination, repo: input.repo, pwt: input.pwt?.trim() || DEFAULT_PWT };
  if (readHosts(project.sessionsDir).some((entry) => entry.name === host.name))
    throw preconditionError(
      `A host named "${host.name}" exists already.`,
      `See it with: pwt host list; replace it with: pwt host rm ${host.name}, then pwt host add`,
    );
  const checks = await hostChecks(host, { cwd: project.repo.mainPath, remote: project.config.remote });
  const blocking = checks.find((check) => (check.name === 'ssh' || check.name === 'clone') && check.level === 'fail');
  if (blocking) throw preconditionError(`Cannot add host "${host.name}": ${blocking.name}: ${blocking.detail}.`, blocking.fix);
  await updateHosts(project.sessionsDir, (hosts) => {
    if (hosts.some((entry) => entry.name === host.name)) throw preconditionError(`A host named "${host.name}" exists already.`);
    hosts.push(host);
  });
  return host;
}

/** `pwt host rm`: refused while sessions of this project live there. */
export async function removeHost(project: Store, name: string): Promise<void> {
  const living = hostSessions(await readManifest(project)).filter((entry) => entry.host === name);
  if (living.length > 0)
    throw preconditionError(
      `Host "${name}" still holds ${living.length} session(s): ${living.map((entry) => entry.id).join(', ')}.`,
      `End them first (pwt remove <name>), then: pwt host rm ${name}`,
    );
  await updateHosts(project.sessionsDir, (hosts) => {
    const index = hosts.findIndex((entry) => entry.name === name);
    if (index === -1) throw preconditionError(`No host named "${name}".`, 'See the hosts with: pwt host list');
    hosts.splice(index, 1);
  });
}
