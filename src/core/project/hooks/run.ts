import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PwtError, Exit, preconditionError } from '../../infra/errors.js';
import { runCommandLine, runZxScript, type StreamResult } from '../../sh/sh.js';
import { CONFIG_FILE, HOOK_EVENTS, isScriptHook, type HookEvent } from '../config.js';
import type { Project } from '../project.js';
import { hookSetHash, isApproved, recordApproval } from './trust.js';
import { changedSinceApproval } from './review.js';

/**
 * Project hooks (`.pwt.json` "hooks"): commands a team commits, run by pwt at
 * points of a session's life. Two calls: `approveHooks` before a command
 * changes anything (it may ask, or refuse with exit 3), then `runHooks` for
 * each event at its place. Both report through callbacks; nothing here
 * writes to the terminal.
 */
export interface HookOptions {
  /** false for --no-hooks. */
  enabled: boolean;
  /** --trust-hooks: approve this hook set for the repository without asking. */
  trust?: boolean;
  /** Asks a person yes or no; absent when nobody can answer (not a TTY, CI, --json). */
  ask?: (question: string) => Promise<boolean>;
  onProgress?: (progress: HookProgress) => void;
}

export type HookProgress =
  | { kind: 'start'; event: HookEvent; entry: string; cwd: string }
  | { kind: 'output'; text: string }
  | { kind: 'end'; event: HookEvent; entry: string; code: number; ms: number };

/** The events that gate what lands or leaves: declining their approval cancels instead of running without them. */
export const GATE_EVENTS: readonly HookEvent[] = ['pre-merge', 'pre-pr', 'pre-remove'];

/** What approveHooks decided: which events may run; a note for people when hooks were skipped. */
export interface HookGate {
  events: HookEvent[];
  note?: string;
}

/** The session a hook runs for; `cwd` defaults to its worktree, or the main worktree once that is gone. */
export interface HookTarget {
  id: string;
  path: string;
  branch: string;
  base: string;
  cwd?: string;
}

export interface HookOutcome {
  event: HookEvent;
  entry: string;
  code: number;
  ms: number;
}

const listHooks = (project: Project, events: HookEvent[]) => events.map((event) => `${event}: ${(project.config.hooks[event] ?? []).join(' && ')}`).join('; ');

/** Events among `events` that have hooks configured. */
export function configuredEvents(project: Project, events: readonly HookEvent[] = HOOK_EVENTS): HookEvent[] {
  return events.filter((event) => (project.config.hooks[event]?.length ?? 0) > 0);
}

export function hooksApproved(project: Project): boolean {
  return isApproved(project.repo.mainPath, hookSetHash(project.config.hooks, project.repo.mainPath));
}

/**
 * Decides, before anything changes, whether the hooks of `events` may run.
 * Unapproved hooks are approved by --trust-hooks or by the person at the
 * terminal; with nobody to ask this throws (exit 3) naming --trust-hooks.
 */
export async function approveHooks(project: Project, events: readonly HookEvent[], opts: HookOptions): Promise<HookGate> {
  const wanted = configuredEvents(project, events);
  if (!opts.enabled) return wanted.length ? { events: [], note: `Skipped the project hooks (--no-hooks): ${listHooks(project, wanted)}` } : { events: [] };
  const { mainPath } = project.repo;
  const hash = hookSetHash(project.config.hooks, mainPath);
  // --trust-hooks approves the whole set, also from a command that runs none of it.
  if (opts.trust && configuredEvents(project).length > 0 && !isApproved(mainPath, hash)) recordApproval(mainPath, project.config.hooks, mainPath);
  if (wanted.length === 0 || isApproved(mainPath, hash)) return { events: wanted };
  const all = listHooks(project, configuredEvents(project));
  const changed = changedSinceApproval(project);
  if (!opts.ask) {
    throw preconditionError(
      `${CONFIG_FILE} has project hooks you have not approved for this repository (${all})${changed.length ? '; they changed since you approved them' : ''}.`,
      `Read them (pwt hooks show${changed.length ? ' shows what changed' : ''}), then run pwt hooks ` +
        `approve or pass --trust-hooks to approve this hook set once (or --no-hooks to skip them).`,
    );
  }
  if (await opts.ask(approvalQuestion(project, all, changed))) {
    recordApproval(mainPath, project.config.hooks, mainPath);
    return { events: wanted };
  }
  // A gate is never skipped by an answer (Enter is No): declining a set that holds one cancels; --no-hooks skips, said out loud.
  const gates = configuredEvents(project, GATE_EVENTS);
  if (gates.length > 0) {
    throw new PwtError(
      `Cancelled: the project hooks were not approved, and they hold a gate (${gates.join(', ')}) that must not be skipped silently. Nothing was changed.`,
      Exit.cancelled,
      'Run it again and approve them, or pass --no-hooks to go on without the project hooks.',
    );
  }
  return {
    events: [],
    note: `Did not run the project hooks (not approved): ${listHooks(project, wanted)}. pwt asks again next time; --trust-hooks approves them.`,
  };
}

/** The approval question: the commands, and what changed since the last approved set when there was one. */
export function approvalQuestion(project: Project, all: string, changed: string[]): string {
  const where = `${CONFIG_FILE} in ${project.repo.mainPath}`;
  if (changed.length === 0) return `${where} asks pwt to run these commands (${all}). Approve this hook set for this repository?`;
  return `${where} changed its hooks since you approved them:\n${changed.map((line) => `  ${line}`).join('\n')}\nApprove this hook set for this repository?`;
}

function hookEnv(project: Project, event: HookEvent, target: HookTarget): NodeJS.ProcessEnv {
  return {
    PWT_HOOK: event,
    PWT_SESSION: target.id,
    PWT_PATH: target.path,
    PWT_BRANCH: target.branch,
    PWT_BASE: target.base,
    PWT_MAIN: project.repo.mainPath,
  };
}

/** What a failure shows: the output's summary lines (a test runner's "2 failed") that the last lines miss, then the last lines. */
export function excerpt(result: StreamResult): string[] {
  const tailText = result.tail.map((line) => line.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g'), ''));
  const missing = (result.summary ?? []).filter((line) => !tailText.includes(line));
  return missing.length ? [...missing, '...', ...result.tail] : result.tail;
}

/** A hook that failed: exit 3, its last lines in the hint. */
export class HookFailed extends PwtError {
  constructor(
    readonly outcome: HookOutcome,
    readonly tail: string[],
    consequence: string,
    next: string,
  ) {
    super(
      `The ${outcome.event} hook "${outcome.entry}" failed (exit ${outcome.code}); ${consequence}`,
      Exit.precondition,
      `${next}${tail.length ? ` Its last lines:\n${tail.map((line) => `  | ${line}`).join('\n')}` : ''}`,
    );
    this.name = 'PwtError';
  }
}

/** Ctrl-C while a hook ran: the hook was stopped (it shares the terminal), pwt waited for it and says what it left. Exit 130. */
export class HookInterrupted extends PwtError {
  constructor(
    readonly outcome: HookOutcome,
    consequence: string,
    next: string,
  ) {
    super(`Interrupted the ${outcome.event} hook "${outcome.entry}" (Ctrl-C); ${consequence}`, Exit.cancelled, next);
    this.name = 'PwtError';
  }
}

/** What a caller says about a Ctrl-C during its hooks; without it a Ctrl-C ends pwt as it comes. */
export interface OnInterrupt {
  consequence: string;
  next: string;
}

/**
 * Runs `work` with SIGINT caught (a terminal's Ctrl-C reaches the hook and
 * pwt alike): pwt waits for the hook to end instead of dying before it.
 * Reports whether a SIGINT came meanwhile.
 */
async function catchingInterrupt<T>(work: () => Promise<T>): Promise<{ value: T; interrupted: boolean }> {
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSignal);
  try {
    return { value: await work(), interrupted };
  } finally {
    process.off('SIGINT', onSignal);
  }
}

/**
 * Runs one event's entries in order (when the gate allows it), stopping at
 * the first failure, which throws HookFailed with `consequence` and `next`
 * in its message. With `interrupt`, a Ctrl-C while an entry runs throws
 * HookInterrupted once the entry ended, whatever its exit code (a gate cut
 * short never passes). Scripts resolve from the main worktree, where
 * `.pwt.json` and the approved hook set were read.
 */
export async function runHooks(
  project: Project,
  gate: HookGate,
  event: HookEvent,
  target: HookTarget,
  opts: { onProgress?: (progress: HookProgress) => void; consequence: string; next: string; interrupt?: OnInterrupt },
): Promise<HookOutcome[]> {
  if (!gate.events.includes(event)) return [];
  const cwd = target.cwd ?? (existsSync(target.path) ? target.path : project.repo.mainPath);
  const env = hookEnv(project, event, target);
  const outcomes: HookOutcome[] = [];
  for (const entry of project.config.hooks[event] ?? []) {
    opts.onProgress?.({ kind: 'start', event, entry, cwd });
    const started = Date.now();
    const stream = { cwd, env, onOutput: (text: string) => opts.onProgress?.({ kind: 'output', text }) };
    const start = () => (isScriptHook(entry) ? runZxScript(join(project.repo.mainPath, entry.trim()), stream) : runCommandLine(entry, stream));
    const { value: result, interrupted } = opts.interrupt ? await catchingInterrupt(start) : { value: await start(), interrupted: false };
    const outcome = { event, entry, code: result.code, ms: Date.now() - started };
    opts.onProgress?.({ kind: 'end', ...outcome });
    outcomes.push(outcome);
    if (interrupted && opts.interrupt) throw new HookInterrupted(outcome, opts.interrupt.consequence, opts.interrupt.next);
    if (result.code !== 0) throw new HookFailed(outcome, excerpt(result), opts.consequence, opts.next);
  }
  return outcomes;
}

/**
 * post-create runs once the session is whole (after create, open, restore);
 * a failure leaves the session in place and is reported. A Ctrl-C throws
 * HookInterrupted saying the session is there (create catches it and takes
 * the session back, see create/cancel.ts).
 */
export async function runPostCreate(
  project: Project,
  gate: HookGate,
  target: HookTarget,
  opts: HookOptions,
  result: { hooks: HookOutcome[]; hookFailure?: HookFailed },
): Promise<void> {
  try {
    result.hooks.push(
      ...(await runHooks(project, gate, 'post-create', target, {
        onProgress: opts.onProgress,
        consequence: 'the session is there all the same.',
        next: `Fix it and run it again in ${target.path}.`,
        interrupt: {
          consequence:
            `the session ${target.id} exists (worktree ${target.path}, branch ${target.branch}, in the manifest), ` +
            `but its post-create hook did not finish.`,
          next: `Run the hook again there (cd ${target.path}), or end the session: pwt remove ${target.id} --strategy abandon.`,
        },
      })),
    );
  } catch (error) {
    if (!(error instanceof HookFailed)) throw error;
    result.hooks.push(error.outcome);
    result.hookFailure = error;
  }
}
