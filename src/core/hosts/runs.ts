import { isPwtError, preconditionError } from '../infra/errors.js';
import { readManifest, updateManifest } from '../manifest/store.js';
import { findSession } from '../manifest/manifest.js';
import type { Project } from '../project/project.js';
import { hostTimeoutMs } from '../ssh/ssh.js';
import { hostRecord, hostSessions, type RemoteSession } from './records.js';
import { remoteJson } from './remote.js';
import { findHost, readHosts, type Host } from './store.js';

/**
 * Runs on a host: started there by the pwt there (`pwt run start --json`),
 * recorded here (the manifest's `hostRuns`: run name and host; its sessions
 * in `hostSessions`), so `pwt run <sub> <run>` knows where to send itself.
 */
export interface HostRunRecord {
  name: string;
  host: string;
}

export function hostRuns(manifest: { readonly [key: string]: unknown } | null): HostRunRecord[] {
  const list = manifest?.hostRuns;
  return Array.isArray(list) ? (list as HostRunRecord[]).filter((entry) => typeof entry?.name === 'string' && typeof entry.host === 'string') : [];
}

export async function hostOfRun(project: Project, name: string): Promise<Host | null> {
  const record = hostRuns(await readManifest(project)).find((entry) => entry.name === name);
  return record ? findHost(project.sessionsDir, record.host) : null;
}

interface RemoteRunStart {
  run: string;
  started: { provider: string; session: string; agentId: string }[];
  failed: { provider: string; session: string; error: string }[];
  [key: string]: unknown;
}

/** `pwt run start <run> --host H`: the run starts there; its sessions and the run are recorded here. */
export async function startRunOnHost(project: Project, hostName: string, name: string, args: string[]): Promise<{ host: Host; result: RemoteRunStart }> {
  const host = findHost(project.sessionsDir, hostName);
  const manifest = await readManifest(project);
  if (hostRuns(manifest).some((entry) => entry.name === name))
    throw preconditionError(`A run named "${name}" exists already on a host.`, 'Pick another name, or remove it: pwt run rm <run>');
  const result = await remoteJson<RemoteRunStart>(host, ['run', 'start', name, ...args]);
  await recordHostSessionsOf(project, host, name);
  return { host, result };
}

/**
 * Brings the records of one host's sessions in line with what the host has:
 * adds the run's sessions made there, drops records of sessions that ended
 * there (after `run pick` or `run rm`). The run record goes when none is left.
 */
export async function recordHostSessionsOf(project: Project, host: Host, run: string): Promise<void> {
  const status = await remoteJson<{
    sessions: RemoteSession[];
  }>(host, ['status'], { timeoutMs: hostTimeoutMs() + 10_000 });
  const there = new Map(status.sessions.map((session) => [session.id, session]));
  const prefix = `${run}-`;
  await updateManifest(project, (manifest) => {
    const kept = hostSessions(manifest).filter((record) => record.host !== host.name || !record.id.startsWith(prefix) || there.has(record.id));
    const known = new Set(kept.map((record) => record.id));
    for (const session of status.sessions) {
      if (!session.id.startsWith(prefix) || known.has(session.id) || findSession(manifest, session.id)) continue;
      kept.push(hostRecord(host.name, session, [], run));
    }
    manifest.hostSessions = kept;
    const live = kept.some((record) => record.host === host.name && record.id.startsWith(prefix));
    const runs = hostRuns(manifest).filter((entry) => entry.name !== run);
    manifest.hostRuns = live ? [...runs, { name: run, host: host.name }] : runs;
  });
}

/** Every host's runs (`pwt run list --json` there), hosts asked in parallel; an unreachable host is named, not fatal. */
export async function hostRunLists(project: Project): Promise<{ host: string; runs: Record<string, unknown>[]; error?: string }[]> {
  return Promise.all(
    readHosts(project.sessionsDir).map(async (host) => {
      try {
        const answer = await remoteJson<{ runs: Record<string, unknown>[] }>(host, ['run', 'list'], { timeoutMs: hostTimeoutMs() });
        return { host: host.name, runs: answer.runs.map((run) => ({ ...run, host: host.name })) };
      } catch (error) {
        if (!isPwtError(error)) throw error;
        return { host: host.name, runs: [], error: error.message };
      }
    }),
  );
}
