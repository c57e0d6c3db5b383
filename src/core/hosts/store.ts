import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { preconditionError, usageError } from '../infra/errors.js';
import { acquireLock } from '../infra/lock.js';
import { writeAtomic } from '../manifest/store.js';

/**
 * The hosts of a project: `<sessions dir>/.pwt/hosts.json`, pwt's own state
 * (docs/hosts.md). Each host is a clone of the same repository on another
 * machine, reached with the user's ssh.
 */
export interface Host {
  name: string;
  /** What ssh is given: `user@machine`, or an alias of the user's ssh config. */
  destination: string;
  /** The clone's path on the host. */
  repo: string;
  /** The command that runs pwt there (shell words the user chose); default `pwt`. */
  pwt: string;
}

interface HostsFile {
  version: 1;
  hosts: Host[];
}

export const DEFAULT_PWT = 'pwt';

export const hostsFile = (sessionsDir: string): string => join(sessionsDir, '.pwt', 'hosts.json');

/** Cheap: whether any host is configured (no parse), so commands without hosts load nothing of this. */
export const hasHosts = (sessionsDir: string): boolean => existsSync(hostsFile(sessionsDir));

export function readHosts(sessionsDir: string): Host[] {
  let text: string;
  try {
    text = readFileSync(hostsFile(sessionsDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw preconditionError(`${hostsFile(sessionsDir)} is not valid JSON.`, 'Fix or remove the file, then add the hosts again with: pwt host add');
  }
  const hosts = (data as Partial<HostsFile> | null)?.hosts;
  if (!Array.isArray(hosts))
    throw preconditionError(`${hostsFile(sessionsDir)} has no "hosts" list.`, 'Fix or remove the file, then add the hosts again with: pwt host add');
  return hosts
    .filter((host): host is Host => typeof host?.name === 'string' && typeof host.destination === 'string' && typeof host.repo === 'string')
    .map((host) => ({ ...host, pwt: typeof host.pwt === 'string' && host.pwt ? host.pwt : DEFAULT_PWT }));
}

/** One read-modify-write of the hosts file under its lock. */
export async function updateHosts<T>(sessionsDir: string, fn: (hosts: Host[]) => T): Promise<T> {
  const file = hostsFile(sessionsDir);
  mkdirSync(join(sessionsDir, '.pwt'), { recursive: true });
  const release = await acquireLock(`${file}.lock`, { what: 'the hosts file', timeoutMs: 10_000 });
  try {
    const hosts = readHosts(sessionsDir);
    const result = fn(hosts);
    writeAtomic(file, `${JSON.stringify({ version: 1, hosts }, null, 2)}\n`);
    return result;
  } finally {
    await release();
  }
}

export function findHost(sessionsDir: string, name: string): Host {
  const host = readHosts(sessionsDir).find((entry) => entry.name === name);
  if (!host)
    throw preconditionError(`No host named "${name}".`, 'See the hosts with: pwt host list; add one with: pwt host add <name> <ssh destination> --repo <path>');
  return host;
}

/** Host names: as session names, and never a ":" (a host session's path is printed `<host>:<path>`). */
export function assertHostName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name))
    throw usageError(`Invalid host name "${name}".`, 'Host names are 1-64 characters: letters, digits, ".", "_" and "-", starting with a letter or digit.');
}

/** An ssh destination never starts with "-" (ssh would read it as an option) and holds no space or control character. */
export function assertDestination(destination: string): void {
  if (!destination || destination.startsWith('-') || /[\s\x00-\x1f]/.test(destination))
    throw usageError(`Invalid ssh destination "${destination}".`, 'Give what you type after ssh: user@machine, or a Host alias of your ssh config.');
}
