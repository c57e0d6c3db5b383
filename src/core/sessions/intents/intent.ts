import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeFile, writeExclusive } from '../../infra/atomic.js';
import { PwtError, Exit } from '../../infra/errors.js';
import { isSameProcess, processStartTime } from '../../infra/processes.js';
import type { Operation } from '../../workflow/execute.js';

/**
 * Recorded intents (docs/crash-safety.md). Before the first change, a
 * multi-step operation writes what it is about to do (its kind, the session,
 * the options the user gave and its whole plan of operations) to
 * `<sessions dir>/.pwt/intents/<session>.json`, written whole and only if no
 * other is there. It is cleared when the operation ends (done, or rolled back).
 * Killed in between, the file stays: the next run of the same command, or
 * `pwt cleanup`, runs the recorded plan again from the start, each runner
 * skipping what is done already (resume.ts), so the operation finishes with
 * everything the user gave, goals included.
 */
export type IntentKind = 'create' | 'open' | 'restore' | 'sync' | 'remove';

export interface Intent<O extends Operation = Operation> {
  version: 1;
  kind: IntentKind;
  /** The session it is about. */
  id: string;
  /** The command as the user would type it again ("pwt create x"). */
  command: string;
  pid: number;
  /** The process's start time, so a reused pid is not taken for the owner. */
  start: string | null;
  startedAt: string;
  /** What the user gave (goals, base, strategy...), as given. */
  options: Record<string, unknown>;
  ops: O[];
}

export const intentsDir = (sessionsDir: string) => join(sessionsDir, '.pwt', 'intents');
const intentFile = (sessionsDir: string, id: string) => join(intentsDir(sessionsDir), `${id}.json`);

export function readIntent(sessionsDir: string, id: string): Intent | null {
  try {
    const intent = JSON.parse(readFileSync(intentFile(sessionsDir, id), 'utf8')) as Intent;
    return intent?.version === 1 && typeof intent.kind === 'string' && Array.isArray(intent.ops) ? intent : null;
  } catch {
    return null;
  }
}

/** Every recorded intent, whoever owns it. */
export function listIntents(sessionsDir: string): Intent[] {
  let names: string[];
  try {
    names = readdirSync(intentsDir(sessionsDir));
  } catch {
    return [];
  }
  return names.filter((name) => name.endsWith('.json')).flatMap((name) => readIntent(sessionsDir, name.slice(0, -'.json'.length)) ?? []);
}

export const ownerAlive = (intent: Intent) => intent.pid === process.pid || isSameProcess(intent.pid, intent.start);

/** Intents whose pwt is gone: operations that were cut and wait to be finished. */
export const interruptedIntents = (sessionsDir: string) => listIntents(sessionsDir).filter((intent) => !ownerAlive(intent));

function busyError(intent: Intent): PwtError {
  return new PwtError(
    `Another pwt is working on session ${intent.id} right now (${intent.command}, pid ${intent.pid}).`,
    Exit.precondition,
    'Wait for it to finish, then run pwt status and try again if needed.',
  );
}

/** The one way to say that another operation on this session was cut and waits to be finished. */
export function interruptedError(intent: Intent): PwtError {
  return new PwtError(
    `${intent.command} was interrupted (started ${intent.startedAt}) and is not finished.`,
    Exit.precondition,
    `Run ${intent.command} again to finish it, or pwt cleanup (finishes every interrupted operation).`,
  );
}

/**
 * The interrupted intent about this session, if any. One whose pwt still runs
 * means another pwt is at work: refused.
 */
export function pendingIntent(sessionsDir: string, id: string): Intent | null {
  const intent = readIntent(sessionsDir, id);
  if (!intent) return null;
  if (ownerAlive(intent) && intent.pid !== process.pid) throw busyError(intent);
  return intent;
}

/** Records the intent before the first change; refuses when another pwt recorded one for this session meanwhile. */
export function recordIntent<O extends Operation>(sessionsDir: string, intent: Omit<Intent<O>, 'version' | 'pid' | 'start' | 'startedAt'>): Intent<O> {
  mkdirSync(intentsDir(sessionsDir), { recursive: true });
  const full: Intent<O> = { version: 1, ...intent, pid: process.pid, start: processStartTime(process.pid), startedAt: new Date().toISOString() };
  if (writeExclusive(intentFile(sessionsDir, intent.id), `${JSON.stringify(full, null, 2)}\n`)) return full;
  const other = readIntent(sessionsDir, intent.id);
  if (other && ownerAlive(other)) throw busyError(other);
  throw other ? interruptedError(other) : busyError({ ...full, pid: 0 });
}

/** The operation ended (done or rolled back): its intent goes. */
export function clearIntent(sessionsDir: string, id: string): void {
  removeFile(intentFile(sessionsDir, id));
}
