import type { Manifest } from '../manifest/manifest.js';
import { readManifest, updateManifest, type Store } from '../manifest/store.js';

/**
 * The local record of the sessions that live on hosts: the manifest's
 * `hostSessions` list (an extra field: readers that do not know it keep it).
 * They stay out of `sessions`, whose every entry is a worktree on this
 * machine, so nothing local (status's orphans, cleanup, hooks) ever takes
 * a host session for a missing worktree.
 */
export interface HostSessionRecord {
  id: string;
  host: string;
  branch: string;
  /** The worktree's absolute path on the host. */
  path: string;
  startedAt: string;
  goals: string[];
  [key: string]: unknown;
}

export function hostSessions(manifest: Manifest | null): HostSessionRecord[] {
  const list = manifest?.hostSessions;
  return Array.isArray(list) ? (list as HostSessionRecord[]).filter((entry) => typeof entry?.id === 'string' && typeof entry.host === 'string') : [];
}

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
