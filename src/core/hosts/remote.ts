import { Exit, PwtError, preconditionError } from '../infra/errors.js';
import { packageVersion } from '../infra/package-root.js';
import { hostTimeoutMs, shPath, shQuote, sshInteractive, sshRun, type SshResult } from '../ssh/ssh.js';
import type { Host } from './store.js';

/**
 * pwt on a host is the same pwt, driven over ssh with its own commands and
 * `--json`: no second protocol. Every call is one ssh round trip running a
 * short sh script there: go to the clone, check that the pwt there is this
 * pwt's version (an older or newer one is refused: its JSON may differ),
 * then run it with the quoted arguments.
 */
const MARK = 'pwt-host:';

/** The script run on the host for `pwt <args>` in its clone. */
export function pwtScript(host: Host, args: readonly string[], version = packageVersion()): string {
  return [
    `cd -- ${shPath(host.repo)} 2>/dev/null || { printf '%s\\n' ${shQuote(`${MARK} no-repo`)} >&2; exit 3; }`,
    `v=$(${host.pwt} --version 2>/dev/null </dev/null) || v=`,
    `if [ "$v" != ${shQuote(version)} ]; then printf '%s %s\\n' ${shQuote(`${MARK} version`)} "$v" >&2; exit 3; fi`,
    `exec ${host.pwt} ${args.map(shQuote).join(' ')}`,
  ].join('\n');
}

export const unreachableError = (host: Host, why: string): PwtError =>
  preconditionError(
    `Host "${host.name}" (${host.destination}) does not answer: ${why}.`,
    `Nothing was changed there. Check it with: pwt host doctor ${host.name}`,
  );

/** The refusal of the wrong pwt on the host, or of a clone that is not there. */
function setupError(host: Host, stderr: string): PwtError | null {
  const line = stderr.split('\n').find((text) => text.startsWith(MARK));
  if (!line) return null;
  const rest = line.slice(MARK.length).trim();
  if (rest === 'no-repo')
    return preconditionError(
      `Host "${host.name}" has no clone at ${host.repo}.`,
      `Clone the repository there, or set the path: pwt host rm ${host.name}, then pwt host add ${host.name} ${host.destination} --repo <path>`,
    );
  const found = rest.replace(/^version\s*/, '');
  if (!found)
    return preconditionError(
      `pwt does not run on host "${host.name}" (\`${host.pwt} --version\` failed there).`,
      `Install pwt ${packageVersion()} on ${host.destination}, or tell pwt how to run it: pwt host add ` +
        `${host.name} ${host.destination} --repo ${host.repo} --pwt '<command>'`,
    );
  return preconditionError(
    `Host "${host.name}" runs pwt ${found}; this is pwt ${packageVersion()}, and the two must be the same version.`,
    `Install pwt ${packageVersion()} on ${host.destination} (npm install -g parallel-worktrees@${packageVersion()}), then: pwt host doctor ${host.name}`,
  );
}

const lastLine = (text: string): string =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .at(-1) ?? '';

/** ssh's own failure (255) or pwt's timeout: the host did not answer. */
export const isUnreachable = (result: SshResult): boolean => result.timedOut || result.code === 255;

export interface RemoteOptions {
  /** Bound the whole call (reads such as status); default: only connecting is bounded. */
  timeoutMs?: number;
}

/**
 * Runs `pwt <args>` in the host's clone. Throws a precondition error naming
 * the host when it cannot be reached or runs another pwt; a failure of the
 * command there keeps its exit code and its message, prefixed by the host.
 */
export async function remotePwt(host: Host, args: readonly string[], options: RemoteOptions = {}): Promise<SshResult> {
  const result = await sshRun(host, pwtScript(host, args), options.timeoutMs ? { timeoutMs: options.timeoutMs } : {});
  if (result.timedOut) throw unreachableError(host, `no answer within ${Math.round((options.timeoutMs ?? hostTimeoutMs()) / 1000)} s`);
  if (result.code === 255) throw unreachableError(host, lastLine(result.stderr) || 'ssh could not connect');
  const setup = setupError(host, result.stderr);
  if (setup) throw setup;
  if (result.code !== 0) {
    const code = ([Exit.usage, Exit.precondition, Exit.conflict, Exit.cancelled] as number[]).includes(result.code) ? result.code : Exit.precondition;
    const message =
      lastLine(
        result.stderr
          .split('\n')
          .filter((line) => !/^\s*(hint|→)/i.test(line))
          .join('\n'),
      ) || `pwt ${args[0] ?? ''} failed there (exit ${result.code})`;
    throw new PwtError(`On host "${host.name}": ${message.replace(/^(error|✖)\s*:?\s*/i, '')}`, code as (typeof Exit)[keyof typeof Exit]);
  }
  return result;
}

/**
 * `pwt <args>` on the host with its output handed back as it is (for
 * commands pwt passes through: diff, remove, agent ...). Only a host that
 * cannot be reached or runs another pwt throws; the command's own failure is
 * in `code`.
 */
export async function remotePassThrough(host: Host, args: readonly string[]): Promise<SshResult> {
  const result = await sshRun(host, pwtScript(host, args));
  if (result.code === 255) throw unreachableError(host, lastLine(result.stderr) || 'ssh could not connect');
  const setup = setupError(host, result.stderr);
  if (setup) throw setup;
  return result;
}

/** The error for a passed-through command that failed on the host, keeping its exit code. */
export function passThroughError(host: Host, args: readonly string[], code: number, stderr = ''): PwtError {
  const known = ([Exit.usage, Exit.precondition, Exit.conflict, Exit.cancelled] as number[]).includes(code);
  const why = lastLine(stderr);
  return new PwtError(
    `pwt ${args[0] ?? ''}${args[0] === 'agent' ? ` ${args[1] ?? ''}` : ''} failed on host ` +
      `"${host.name}" (exit ${code})${why ? `: ${why.replace(/^pwt:\s*/, '')}` : ''}`,
    (known ? code : Exit.precondition) as (typeof Exit)[keyof typeof Exit],
  );
}

/** `pwt <args> --json` on the host, parsed. */
export async function remoteJson<T>(host: Host, args: readonly string[], options: RemoteOptions = {}): Promise<T> {
  const result = await remotePwt(host, [...args, '--json'], options);
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw preconditionError(
      `Host "${host.name}" answered \`pwt ${args[0] ?? ''} --json\` with something that is not JSON.`,
      `Check the pwt there: pwt host doctor ${host.name}`,
    );
  }
}

/** `pwt <args>` on the host with the user's terminal (`ssh -t`); its exit code. */
export async function remoteInteractive(host: Host, args: readonly string[]): Promise<number> {
  const code = await sshInteractive(host, pwtScript(host, args));
  if (code === 255) throw unreachableError(host, 'ssh could not connect');
  return code;
}

/** A login shell in `path` on the host, with the user's terminal (pcd of a host session). */
export async function hostShell(host: Host, path: string): Promise<number> {
  const script = `cd -- ${shQuote(path)} || exit 3\nexec "\${SHELL:-/bin/sh}" -l`;
  const code = await sshInteractive(host, script);
  if (code === 255) throw unreachableError(host, 'ssh could not connect');
  return code;
}
