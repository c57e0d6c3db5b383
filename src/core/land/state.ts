import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from '../manifest/store.js';

/**
 * The queue's progress, `<sessions dir>/.pwt/queue/state.json`, rewritten
 * atomically before each change it describes, so a `pwt land` killed at any
 * point is continued by the next one: checks already run are not run again
 * (merge commits are made with the queue's fixed date, so the same queue
 * builds the same commits), a base already moved is not moved again, and
 * sessions already ended are skipped.
 */
export const LAND_STATE_VERSION = 1;

/** A session in the queue, as it was when the queue started. */
export interface Candidate {
  session: string;
  branch: string;
  /** The branch tip that is tested and landed (commits made later stay in the session). */
  tip: string;
  goals: string[];
  /** The candidate this one is stacked on (it lands only after, and never without, that one). */
  parent?: string;
}

export interface CheckRecord {
  ok: boolean;
  /** The log file of the run. */
  log: string;
  ms: number;
}

export interface Landed {
  session: string;
  /** The commit that brought it into the base (its merge or squash commit, or its tip when fast-forwarded). */
  commit: string;
  /** It was in the base already: nothing to merge. */
  already?: boolean;
}

export interface Ejected {
  session: string;
  reason: 'conflict' | 'check';
  files?: string[];
  log?: string;
}

/** A candidate the queue never tried, and why (its parent was ejected). */
export interface Dropped {
  session: string;
  reason: string;
}

export interface LandState {
  version: number;
  /** When the queue started (ISO): every merge commit of this queue carries this date. */
  startedAt: string;
  base: string;
  /** The base's tip when the queue started. */
  from: string;
  squash: boolean;
  /** What the check is ("--check <cmd>", "pre-merge hook", "none"): results are reused only for the same check. */
  check: string;
  candidates: Candidate[];
  /** Check results by the commit tested. */
  checks: Record<string, CheckRecord>;
  /** testing: the base is untouched; advancing: it is about to move to `to` (or has); ending: it has, landed sessions are being ended. */
  phase: 'testing' | 'advancing' | 'ending';
  to?: string;
  landed?: Landed[];
  ejected?: Ejected[];
  dropped?: Dropped[];
  /** Landed sessions already ended (or found gone). */
  ended?: string[];
}

/** The queue's own files (the temporary worktrees of checks are under `.pwt/land/`: sessions/gate.ts). */
export const queueDir = (sessionsDir: string) => join(sessionsDir, '.pwt', 'queue');
export const statePath = (sessionsDir: string) => join(queueDir(sessionsDir), 'state.json');
export const lockPath = (sessionsDir: string) => join(queueDir(sessionsDir), 'queue.lock');
export const logsDir = (sessionsDir: string) => join(queueDir(sessionsDir), 'logs');
/** One JSON line per check run: what was tested (the commit) and how it went. Kept as history. */
export const checksFile = (sessionsDir: string) => join(queueDir(sessionsDir), 'checks.jsonl');
/** The last finished queue, for people and for "already landed" notes. */
export const lastPath = (sessionsDir: string) => join(queueDir(sessionsDir), 'last.json');

export function readLandState(sessionsDir: string): LandState | null {
  const file = statePath(sessionsDir);
  if (!existsSync(file)) return null;
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as LandState;
    return data.version === LAND_STATE_VERSION && Array.isArray(data.candidates) ? data : null;
  } catch {
    // A state file that does not parse was never written whole (writes are atomic): start over.
    return null;
  }
}

export function writeLandState(sessionsDir: string, state: LandState): void {
  mkdirSync(queueDir(sessionsDir), { recursive: true });
  writeAtomic(statePath(sessionsDir), `${JSON.stringify(state, null, 2)}\n`);
}

export function clearLandState(sessionsDir: string): void {
  rmSync(statePath(sessionsDir), { force: true });
}
