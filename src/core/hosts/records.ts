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
