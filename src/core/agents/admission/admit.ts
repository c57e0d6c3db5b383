import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from '../../infra/atomic.js';
import { preconditionError } from '../../infra/errors.js';
import { PWT_ENV } from '../../infra/env.js';
import { withLock } from '../../infra/lock.js';
import { packageRoot } from '../../infra/package-root.js';
import { ensureBackgroundSession, killBackgroundSession, listAgentPanes } from '../../tmux/windows.js';
import { admissionLockPath, budgetDir, dequeue, ensureStateRoot, enqueue, listQueue, placeOf, stateRoot, watchDir, type QueueEntry } from './queue.js';

/**
 * Admission: at most `maxRunning` agents run at once on this machine (every
 * project of the user: pwt's one tmux server). A start, resume or run start
 * past it waits in the queue (./queue.ts) and the scheduler, a background
 * program in pwt's tmux server (`pwt _scheduler`), starts it when a slot
 * frees. docs/many-agents.md.
 */
export const SCHEDULER_SESSION = 'pwt-scheduler';

/** The tmux session name the scheduler runs in, and how it is started: this very pwt. */
export function schedulerArgv(): string[] {
  return [process.execPath, join(packageRoot(), 'dist', 'cli.cjs'), '_scheduler'];
}

const exitingMarker = (env: NodeJS.ProcessEnv) => join(stateRoot(env), 'scheduler.exiting');

/**
 * Starts the scheduler unless it runs. One that decided to exit (it found
 * nothing to wait for, under the admission lock) may still be alive for a
 * moment: it left a marker, and is replaced, so nothing queued meanwhile is
 * stranded. Call under the admission lock.
 */
export async function ensureScheduler(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  ensureStateRoot(env);
  if (existsSync(exitingMarker(env))) {
    await killBackgroundSession(SCHEDULER_SESSION);
    rmSync(exitingMarker(env), { force: true });
  }
  await ensureBackgroundSession(SCHEDULER_SESSION, schedulerArgv(), stateRoot(env));
}

/** The scheduler's way out: true (and the marker left) when nothing is queued or watched (hibernation, budgets), checked under the admission lock. */
export async function schedulerMayExit(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  ensureStateRoot(env);
  return withLock(admissionLockPath(env), { what: "this machine's agent slots", timeoutMs: ADMISSION_TIMEOUT_MS }, async () => {
    if (listQueue(env).length > 0 || watchedProjects(env).length > 0 || watchedBudgets(env).length > 0) return false;
    writeAtomic(exitingMarker(env), `${process.pid}\n`, 0o600);
    return true;
  });
}

export interface AdmissionRequest extends Omit<QueueEntry, 'key' | 'queuedAt' | 'env'> {
  maxRunning: number;
}

export type Admission = { queued: false } | { queued: true; place: number; entry: QueueEntry };

const ADMISSION_TIMEOUT_MS = 120_000;

/**
 * Runs `launch` when a slot is free (under the machine-wide admission lock,
 * so two starts never both take the last slot), or queues the request.
 * Agents of the same worktree do not count: a start there detaches them
 * first (one active agent per worktree). Requests never jump the queue: with
 * anyone waiting, a new one waits behind them; `fromQueue` is the scheduler
 * asking for the agent at the head of the queue, which goes when a slot is
 * free, and neither starts nor queues again when it left the queue meanwhile
 * (stopped while the scheduler was on its way). The lock is taken after the caller's per-session lifecycle lock
 * (always in that order: docs/agents-runtime.md).
 */
export async function admitOrQueue<T>(
  request: AdmissionRequest,
  env: NodeJS.ProcessEnv,
  launch: () => Promise<T>,
  fromQueue = false,
): Promise<{ queued: false; value: T } | { queued: true; place: number; entry: QueueEntry }> {
  ensureStateRoot(env);
  return withLock(admissionLockPath(env), { what: "this machine's agent slots", timeoutMs: ADMISSION_TIMEOUT_MS }, async () => {
    const running = (await listAgentPanes()).filter((pane) => !pane.dead && !(pane.main === request.main && pane.session === request.session)).length;
    const waiting = listQueue(env);
    const mine = placeOf(request.main, request.agentId, waiting);
    if (fromQueue && mine === null)
      throw preconditionError(`${request.agentId} left the queue (stopped) before a slot freed: not started.`, 'Start it again if you still want it.');
    if (mine !== null) {
      if (!(fromQueue && mine === 1 && running < request.maxRunning)) return { queued: true as const, place: mine, entry: waiting[mine - 1]! };
      const value = await launch();
      dequeue(waiting[0]!.key, env);
      return { queued: false as const, value };
    }
    if (running < request.maxRunning && waiting.length === 0) return { queued: false as const, value: await launch() };
    const { maxRunning: _max, ...fields } = request;
    const entry = enqueue({ ...fields, env: plainEnv(env) }, env);
    await ensureScheduler(env);
    return { queued: true as const, place: waiting.length + 1, entry };
  });
}

function plainEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((pair): pair is [string, string] => typeof pair[1] === 'string'));
}

/** Projects the scheduler watches (to hibernate idle agents, to resume limited ones): one small file per project, named by its main path's hash. */
export async function watchProject(main: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  ensureStateRoot(env);
  await withLock(admissionLockPath(env), { what: "this machine's agent slots", timeoutMs: ADMISSION_TIMEOUT_MS }, async () => {
    const sessionsDir = env[PWT_ENV.sessionsDir];
    writeAtomic(watchFile(main, env), `${JSON.stringify({ main, ...(sessionsDir ? { env: { [PWT_ENV.sessionsDir]: sessionsDir } } : {}) })}\n`, 0o600);
    await ensureScheduler(env);
  });
}

const watchFile = (main: string, env: NodeJS.ProcessEnv) => join(watchDir(env), `${createHash('sha1').update(main).digest('hex').slice(0, 16)}.json`);

/** A project the scheduler watches, with the PWT_SESSIONS_DIR it was started under (if any). */
export interface Watched {
  main: string;
  env: Record<string, string>;
}

export function watchedProjects(env: NodeJS.ProcessEnv = process.env): Watched[] {
  try {
    return readdirSync(watchDir(env))
      .filter((name) => name.endsWith('.json'))
      .map((name) => {
        try {
          const read = JSON.parse(readFileSync(join(watchDir(env), name), 'utf8')) as Partial<Watched>;
          return typeof read.main === 'string' ? { main: read.main, env: read.env ?? {} } : null;
        } catch {
          return null;
        }
      })
      .filter((watched): watched is Watched => watched !== null);
  } catch {
    return [];
  }
}

export function unwatch(main: string, env: NodeJS.ProcessEnv = process.env): void {
  rmSync(watchFile(main, env), { force: true });
}

/** A run whose total cost the scheduler checks against its budget, with the PWT_SESSIONS_DIR it was started under (if any). */
export interface BudgetWatch {
  main: string;
  run: string;
  env: Record<string, string>;
}

const budgetFile = (main: string, run: string, env: NodeJS.ProcessEnv) =>
  join(budgetDir(env), `${createHash('sha1').update(`${main}\0${run}`).digest('hex').slice(0, 16)}.json`);

/** Asks the scheduler to check the run's budget (`pwt run start|resume` of a run with `--budget`). */
export async function watchBudget(main: string, run: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  ensureStateRoot(env);
  await withLock(admissionLockPath(env), { what: "this machine's agent slots", timeoutMs: ADMISSION_TIMEOUT_MS }, async () => {
    const sessionsDir = env[PWT_ENV.sessionsDir];
    const watch: BudgetWatch = { main, run, env: sessionsDir ? { [PWT_ENV.sessionsDir]: sessionsDir } : {} };
    writeAtomic(budgetFile(main, run, env), `${JSON.stringify(watch)}\n`, 0o600);
    await ensureScheduler(env);
  });
}

export function watchedBudgets(env: NodeJS.ProcessEnv = process.env): BudgetWatch[] {
  try {
    return readdirSync(budgetDir(env))
      .filter((name) => name.endsWith('.json'))
      .map((name) => {
        try {
          const read = JSON.parse(readFileSync(join(budgetDir(env), name), 'utf8')) as Partial<BudgetWatch>;
          return typeof read.main === 'string' && typeof read.run === 'string' ? { main: read.main, run: read.run, env: read.env ?? {} } : null;
        } catch {
          return null;
        }
      })
      .filter((watch): watch is BudgetWatch => watch !== null);
  } catch {
    return [];
  }
}

export function unwatchBudget(main: string, run: string, env: NodeJS.ProcessEnv = process.env): void {
  rmSync(budgetFile(main, run, env), { force: true });
}
