import { readManifest, updateManifest, type Store } from '../manifest/store.js';
import { hostSessions, type HostSessionRecord } from '../manifest/host-sessions.js';

export { hostSessions, type HostSessionRecord } from '../manifest/host-sessions.js';

export async function findHostSession(store: Store, name: string): Promise<HostSessionRecord | null> {
  return hostSessions(await readManifest(store)).find((entry) => entry.id === name) ?? null;
}

export async function recordHostSession(store: Store, record: HostSessionRecord): Promise<void> {
  await updateManifest(store, (manifest) => {
    manifest.hostSessions = [...hostSessions(manifest).filter((entry) => entry.id !== record.id), record];
  });
}

export async function forgetHostSession(store: Store, name: string): Promise<void> {
  await updateManifest(store, (manifest) => {
    manifest.hostSessions = hostSessions(manifest).filter((entry) => entry.id !== name);
  });
}

/** What `pwt create --json` or `pwt status --json` on a host says of one session. */
export interface RemoteSession {
  id: string;
  branch: string;
  path: string;
  startedAt?: string;
  goals?: string[];
  [key: string]: unknown;
}

/** The local record of a session a host reported (goals from `goals` when the host gave none). */
export function hostRecord(host: string, session: RemoteSession, goals: string[] = [], run?: string): HostSessionRecord {
  return {
    id: session.id,
    host,
    branch: session.branch,
    path: session.path,
    startedAt: session.startedAt ?? new Date().toISOString(),
    goals: session.goals ?? goals,
    ...(typeof session.base === 'string' ? { base: session.base } : {}),
    ...(run === undefined ? {} : { run }),
  };
}
