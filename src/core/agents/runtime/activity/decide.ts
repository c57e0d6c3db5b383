import type { Activity, ActivitySource, ActivityState, HookState } from './types.js';

/**
 * Combines the three sources into one activity, with no I/O (so it is tested
 * with a table). Trust: the process first (dead: no activity), then the
 * vendor's hook events, then the screen. A hook is the truth as of its
 * event; the screen only overrules it with something definite that happened
 * after it: an open permission prompt, the vendor's busy line, or a screen
 * that has been still for STABLE_MS with no busy line. That catches what
 * hooks miss: claude sends no Stop after an interrupt, codex's `notify`
 * reports only the end of a turn.
 */
export const STABLE_MS = 1500;

export interface Evidence {
  now: number;
  /** A live vendor process in a live pane. */
  alive: boolean;
  hook: HookState | null;
  /** Null when no screen was read (no pane, or a vendor without patterns and a hook that suffices). */
  screen: {
    /** What the vendor's patterns say (null: neither waiting nor working). */
    kind: Activity | null;
    /** Epoch ms the visible text last changed. */
    changedAt: number;
    /** Whether pwt knows this vendor's busy line (if not, a still screen proves nothing against a hook). */
    knowsBusyLine: boolean;
    /** With kind `limited`: epoch ms the limit resets (null: the vendor did not say). */
    limitedUntil?: number | null;
  } | null;
  /** The previous decision, to keep `since` across calls. */
  previous?: { activity: Activity; source: ActivitySource; since: number } | null;
}

export interface Decision {
  activity: Activity;
  source: ActivitySource;
  since: number;
  /** `limited` only: epoch ms the limit resets, null when the vendor did not say. */
  limitedUntil?: number | null;
}

export function decide(e: Evidence): Decision | null {
  if (!e.alive) return null;
  const { hook, screen } = e;
  const stable = screen !== null && e.now - screen.changedAt >= STABLE_MS;
  const screenIsNewer = screen !== null && (hook === null || screen.changedAt > hook.at);

  if (screen?.kind === 'waiting') return pick(e, 'waiting', hook?.activity === 'waiting' ? 'hook' : 'screen', screen.changedAt);
  // A usage limit ends the turn with its message (claude's StopFailure hook says only "idle"): the screen knows more.
  if (screen?.kind === 'limited') return { ...pick(e, 'limited', 'screen', screen.changedAt), limitedUntil: screen.limitedUntil ?? null };
  if (hook && !screenIsNewer) return pick(e, hook.activity, 'hook', hook.since);
  if (screen === null) return pick(e, 'working', 'process', e.now); // alive, nothing else known
  if (screen.kind === 'working') return pick(e, 'working', hook?.activity === 'working' ? 'hook' : 'screen', screen.changedAt);
  if (stable && (screen.knowsBusyLine || hook === null || hook.activity !== 'working')) {
    return pick(e, 'idle', hook?.activity === 'idle' ? 'hook' : 'screen', screen.changedAt);
  }
  if (hook) return pick(e, hook.activity === 'waiting' ? 'working' : hook.activity, 'hook', hook.since);
  return pick(e, 'working', 'screen', screen.changedAt); // still changing, no pattern
}

/** Keeps the earlier `since` while the activity has not changed. */
function pick(e: Evidence, activity: Activity, source: ActivitySource, since: number): Decision {
  const previous = e.previous;
  if (previous && previous.activity === activity) return { activity, source, since: Math.min(previous.since, since) };
  return { activity, source, since: Math.min(since, e.now) };
}

export function toState(decision: Decision): ActivityState {
  const state: ActivityState = { activity: decision.activity, activitySource: decision.source, activitySince: new Date(decision.since).toISOString() };
  if (decision.limitedUntil) state.limitedUntil = new Date(decision.limitedUntil).toISOString();
  return state;
}
