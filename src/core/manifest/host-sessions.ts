/**
 * The local record of the sessions that live on hosts: the manifest's
 * `hostSessions` list (an extra field; readers that do not know it keep it).
 * They stay out of `sessions`, whose every entry is a worktree on this
 * machine, so nothing local (status's orphans, cleanup, hooks) ever takes
 * a host session for a missing worktree. Pure and light: `pwt path` reads it.
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

export function hostSessions(manifest: { readonly [key: string]: unknown } | null): HostSessionRecord[] {
  const list = manifest?.hostSessions;
  return Array.isArray(list) ? (list as HostSessionRecord[]).filter((entry) => typeof entry?.id === 'string' && typeof entry.host === 'string') : [];
}

/** `pwt path` of a host session: `<host>:<path>`, from the record alone. */
export const hostPath = (record: HostSessionRecord): string => `${record.host}:${record.path}`;
