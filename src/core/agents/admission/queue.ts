import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from '../../infra/atomic.js';
import type { Provider } from '../vendors/types.js';

/**
 * The admission queue: agents waiting for a free slot, machine-wide (every
 * project of this user), in the order they asked. It lives beside pwt's tmux
 * server (`$TMUX_TMPDIR/pwt-<uid>/`, as tmux keeps its own socket in
 * `$TMUX_TMPDIR/tmux-<uid>/`), private to the user (0700 folder, 0600
 * files): an entry holds the environment the agent is to start with, and a
 * reboot, which ends every agent, also clears the queue.
 */
export interface QueueEntry {
  /** File name without `.json`: a zero-padded time first, so names sort in arrival order. */
  key: string;
  /** The project's main worktree. */
  main: string;
  session: string;
  agentId: string;
  provider: Provider;
  kind: 'start' | 'resume';
  mode?: 'start' | 'new' | 'switch';
  name?: string;
  handoff?: boolean;
  prompt?: string;
  /** The environment of the command that asked (PATH, the vendor's keys): the agent starts with it. */
  env: Record<string, string>;
  queuedAt: string;
}

export function stateRoot(env: NodeJS.ProcessEnv = process.env): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return join(env.TMUX_TMPDIR || '/tmp', `pwt-${uid}`);
}

export const queueDir = (env: NodeJS.ProcessEnv = process.env): string => join(stateRoot(env), 'queue');
export const watchDir = (env: NodeJS.ProcessEnv = process.env): string => join(stateRoot(env), 'watch');
/** Runs whose budget the scheduler checks (`pwt run start --budget`): one small file per run. */
export const budgetDir = (env: NodeJS.ProcessEnv = process.env): string => join(stateRoot(env), 'budgets');
export const admissionLockPath = (env: NodeJS.ProcessEnv = process.env): string => join(stateRoot(env), 'admission.lock');

export function ensureStateRoot(env: NodeJS.ProcessEnv = process.env): void {
  for (const dir of [stateRoot(env), queueDir(env), watchDir(env), budgetDir(env)]) mkdirSync(dir, { recursive: true, mode: 0o700 });
}

let counter = 0;

export function enqueue(entry: Omit<QueueEntry, 'key' | 'queuedAt'>, env: NodeJS.ProcessEnv = process.env): QueueEntry {
  ensureStateRoot(env);
  const key = `${String(Date.now()).padStart(15, '0')}-${process.pid}-${counter++}`;
  const full: QueueEntry = { ...entry, key, queuedAt: new Date().toISOString() };
  writeAtomic(join(queueDir(env), `${key}.json`), `${JSON.stringify(full)}\n`, 0o600);
  return full;
}

/** Every waiting entry, oldest first; an unreadable file is skipped (a half-written one is never seen: writes are atomic). */
export function listQueue(env: NodeJS.ProcessEnv = process.env): QueueEntry[] {
  let names: string[];
  try {
    names = readdirSync(queueDir(env))
      .filter((name) => name.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
  const entries: QueueEntry[] = [];
  for (const name of names) {
    try {
      entries.push(JSON.parse(readFileSync(join(queueDir(env), name), 'utf8')) as QueueEntry);
    } catch {
      // gone meanwhile (started or dropped), or not ours
    }
  }
  return entries;
}

export function dequeue(key: string, env: NodeJS.ProcessEnv = process.env): void {
  rmSync(join(queueDir(env), `${key}.json`), { force: true });
}

/** Drops every entry of this agent (a stop, an rm, a start that went ahead). */
export function dropAgent(main: string, agentId: string, env: NodeJS.ProcessEnv = process.env): void {
  for (const entry of listQueue(env)) if (entry.main === main && entry.agentId === agentId) dequeue(entry.key, env);
}

/** 1-based place of the agent in the machine's queue, or null when it does not wait. */
export function placeOf(main: string, agentId: string, queue: QueueEntry[]): number | null {
  const index = queue.findIndex((entry) => entry.main === main && entry.agentId === agentId);
  return index < 0 ? null : index + 1;
}
