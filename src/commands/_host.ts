import { hostSessionNamed, publishAfterRemove } from '../core/hosts/sessions.js';
import { findHostSession, forgetHostSession } from '../core/hosts/records.js';
import { passThroughError, remoteInteractive, remotePassThrough } from '../core/hosts/remote.js';
import { hasHosts, type Host } from '../core/hosts/store.js';
import type { Project } from '../core/project/project.js';
import { errorLine, log, printRaw } from '../ui/log.js';
import { preconditionError } from '../core/infra/errors.js';

/**
 * A command aimed at a session that lives on a host runs there: the same pwt
 * with the same arguments, over ssh (`ssh -t` at a terminal, so prompts and
 * attaching work as here). Returns false when the session is not a host
 * session (the command then runs here as usual).
 */
export async function runOnHostIfThere(
  project: Project,
  name: string | undefined,
  argv: string[],
  options: { json?: boolean; after?: () => Promise<void> } = {},
): Promise<boolean> {
  // No host configured (the usual case): not even the manifest is read again.
  if (!name || !hasHosts(project.sessionsDir)) return false;
  const found = await hostSessionNamed(project, name);
  if (!found) return false;
  await runOnHost(found.host, argv, options);
  await options.after?.();
  return true;
}

/** `pwt <argv>` on a host: `ssh -t` at a terminal, else its output handed back as it is; a failure there keeps its exit code. */
export async function runOnHost(host: Host, argv: string[], options: { json?: boolean } = {}): Promise<void> {
  const terminal = Boolean(process.stdin.isTTY && process.stdout.isTTY) && !process.env.CI && !options.json;
  if (terminal) {
    const code = await remoteInteractive(host, argv);
    if (code !== 0) throw passThroughError(host, argv, code);
  } else {
    const result = await remotePassThrough(host, argv);
    if (result.stdout) printRaw(result.stdout);
    if (result.stderr && result.code === 0) errorLine(result.stderr.replace(/\n$/, ''));
    if (result.code !== 0) {
      // Everything the host said but its last line (which the error repeats).
      const lines = result.stderr.replace(/\n$/, '').split('\n');
      if (lines.length > 1) errorLine(lines.slice(0, -1).join('\n'));
      throw passThroughError(host, argv, result.code, result.stderr);
    }
  }
}

/** After `pwt remove` ended a host session there: its branch (or merged base) to the shared remote, then the local record goes. */
export async function endedOnHost(project: Project, name: string, strategy: string | undefined): Promise<void> {
  const found = await hostSessionNamed(project, name);
  if (!found) return;
  const published = await publishAfterRemove(found.host, found.record, project.config.remote, strategy);
  if (published.warning) log.warn(published.warning);
  else if (published.pushed.length) log.info(`Pushed from host ${found.host.name} to ${project.config.remote}: ${published.pushed.join(', ')}`);
  await forgetHostSession(project, name);
}

/** A local session may not take the name of a session on a host (names are the project's, wherever they live). */
export async function refuseHostSessionName(project: Project, name: string): Promise<void> {
  const there = await findHostSession(project, name);
  if (there) throw preconditionError(`A session named "${name}" exists already on host "${there.host}".`, 'Pick another name.');
}
