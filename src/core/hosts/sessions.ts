import { isPwtError, preconditionError, PwtError } from '../infra/errors.js';
import { readManifest } from '../manifest/store.js';
import { findSession } from '../manifest/manifest.js';
import type { Project } from '../project/project.js';
import { hostTimeoutMs, shPath, shQuote, sshRun } from '../ssh/ssh.js';
import { findHostSession, hostRecord, hostSessions, recordHostSession, type HostSessionRecord, type RemoteSession } from './records.js';
import { remoteJson } from './remote.js';
import { findHost, readHosts, type Host } from './store.js';

/**
 * Sessions on hosts: made there by the pwt there (`pwt create --json`),
 * recorded here, and read back with one `pwt status --json` per host.
 */
export interface HostCreateInput {
  host: string;
  name: string;
  goals: string[];
  base?: string | undefined;
  agent?: string | undefined;
  prompt?: string | undefined;
  /** Flags about the clone there, passed as they are (--allow-dirty, --no-env, --no-hooks, --trust-hooks). */
  flags?: string[];
}

export async function createOnHost(
  project: Project,
  input: HostCreateInput,
): Promise<{ host: Host; session: Record<string, unknown> & { id: string; path: string; branch: string } }> {
  const host = findHost(project.sessionsDir, input.host);
  const manifest = await readManifest(project);
  if (findSession(manifest, input.name))
    throw preconditionError(`A session named "${input.name}" exists here already.`, 'Pick another name, or end that one first.');
  const there = hostSessions(manifest).find((entry) => entry.id === input.name);
  if (there) throw preconditionError(`A session named "${input.name}" exists already on host "${there.host}".`, 'Pick another name.');
  const args = ['create', input.name, ...input.goals.flatMap((goal) => ['--goal', goal])];
  if (input.base) args.push('--base', input.base);
  args.push(...(input.flags ?? []));
  if (input.agent) args.push('--agent', input.agent, '--detach', ...(input.prompt !== undefined ? ['--prompt', input.prompt] : []));
  const session = await remoteJson<RemoteSession>(host, args);
  await recordHostSession(project, hostRecord(host.name, session, input.goals));
  return { host, session };
}

/** The host session of this name, with its host; null when the name is not a host session. */
export async function hostSessionNamed(project: Project, name: string): Promise<{ record: HostSessionRecord; host: Host } | null> {
  const record = await findHostSession(project, name);
  if (!record) return null;
  const host = readHosts(project.sessionsDir).find((entry) => entry.name === record.host);
  if (!host)
    throw preconditionError(
      `Session "${name}" lives on host "${record.host}", which is not among this repository's hosts.`,
      `Add it again: pwt host add ${record.host} <ssh destination> --repo <path>`,
    );
  return { record, host };
}

/** A note on a host session row: the host's own notes, or `unreachable` / `host-error` from here. */
export interface Note {
  kind: string;
  detail: string;
}

/** A session row from a host: its own status there, plus where it is. */
export interface HostSessionStatus {
  id: string;
  host: string;
  reachable: boolean;
  branch?: string;
  path?: string;
  notes: Note[];
  [key: string]: unknown;
}

export interface HostReport {
  host: string;
  reachable: boolean;
  error?: string;
  sessions: HostSessionStatus[];
}

interface RemoteStatus {
  sessions: (Record<string, unknown> & { id: string; notes?: Note[] })[];
}

/**
 * Every host's sessions, hosts asked in parallel (one round trip each, bounded
 * by the host timeout). A host that does not answer gives the sessions
 * recorded here for it, marked unreachable; nothing fails.
 */
export async function collectHostStatus(project: Project, options: { records?: HostSessionRecord[] } = {}): Promise<HostReport[]> {
  const hosts = readHosts(project.sessionsDir);
  if (hosts.length === 0) return [];
  const records = options.records ?? hostSessions(await readManifest(project));
  return Promise.all(
    hosts.map(async (host): Promise<HostReport> => {
      try {
        const report = await remoteJson<RemoteStatus>(host, ['status'], { timeoutMs: hostTimeoutMs() });
        return {
          host: host.name,
          reachable: true,
          sessions: report.sessions.map((session) => ({ ...session, host: host.name, reachable: true, notes: session.notes ?? [] })),
        };
      } catch (error) {
        if (!isPwtError(error)) throw error;
        const unreachable = /does not answer/.test(error.message);
        const note: Note = { kind: unreachable ? 'unreachable' : 'host-error', detail: error.message };
        const sessions = records
          .filter((record) => record.host === host.name)
          .map((record): HostSessionStatus => ({ ...record, reachable: false, notes: [note] }));
        return { host: host.name, reachable: false, error: error.message, sessions };
      }
    }),
  );
}

/** The error for a command that must reach a host session's host and cannot. */
export const hostNeeded = (error: PwtError, record: HostSessionRecord): PwtError =>
  new PwtError(`${error.message} (session "${record.id}" lives there)`, error.exitCode, error.hint);

/**
 * After a host session ended there: what stays on the host reaches the shared
 * remote, so this side can see, open, land or restore it. A branch still
 * there (keep; pr pushed it already) is pushed; after `--strategy merge` the
 * merged base is pushed. Returns what was pushed, or a warning.
 */
export async function publishAfterRemove(
  host: Host,
  record: HostSessionRecord,
  remote: string,
  strategy: string | undefined,
): Promise<{ pushed: string[]; warning?: string }> {
  const branch = shQuote(record.branch);
  const base = typeof record.base === 'string' ? record.base : null;
  const script = [
    `cd -- ${shPath(host.repo)} || exit 3`,
    `if git rev-parse --verify -q ${shQuote(`refs/heads/${record.branch}`)} >/dev/null; then git push ` +
      `-q ${shQuote(remote)} ${branch} </dev/null || exit 4; printf '%s\n' ${branch}; fi`,
    ...(strategy === 'merge' && base ? [`git push -q ${shQuote(remote)} ${shQuote(base)} </dev/null || exit 5; printf '%s\n' ${shQuote(base)}`] : []),
  ].join('\n');
  const result = await sshRun(host, script);
  const pushed = result.stdout.split('\n').filter(Boolean);
  if (result.code === 0) return { pushed };
  return {
    pushed,
    warning:
      `Ended on host "${host.name}", but pushing from there failed ` +
      `(${result.stderr.trim().split('\n').at(-1) ?? `exit ${result.code}`}); the work is safe in its ` +
      `clone there. Push it there: git push ${remote} ${result.code === 5 ? base : record.branch}`,
  };
}
