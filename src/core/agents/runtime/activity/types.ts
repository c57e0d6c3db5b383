/**
 * What a running agent is doing, and which source said so. Sources in the
 * order pwt trusts them: the process (no live process: no activity at all),
 * the vendor's own event hooks, then the tmux screen. docs/activity.md
 * explains each and what the pinned CLIs really emit.
 */
/** `limited`: the vendor's usage limit ended the turn (its message is the last thing on screen). */
export const ACTIVITIES = ['working', 'waiting', 'idle', 'limited'] as const;
export type Activity = (typeof ACTIVITIES)[number];
export type ActivitySource = 'hook' | 'screen' | 'process';

export interface ActivityState {
  activity: Activity;
  activitySource: ActivitySource;
  /** ISO time the agent entered this activity (as far as pwt saw). */
  activitySince: string;
  /** `limited` only: ISO time the vendor said the limit resets (absent when it did not say). */
  limitedUntil?: string;
}

/** The latest hook event of one agent, as `pwt _agent-event` wrote it. */
export interface HookState {
  /** The vendor's event name (`Stop`, `UserPromptSubmit`, `agent-turn-complete`...). */
  event: string;
  activity: Activity;
  /** Epoch ms of the event. */
  at: number;
  /** Epoch ms the activity began (kept across events that do not change it). */
  since: number;
}

/** What the screen showed when last captured. */
export interface ScreenState {
  /** tmux's `window_activity` (epoch seconds) at the capture: unchanged means no need to capture again. */
  stamp: number;
  /** Epoch ms of the capture. */
  capturedAt: number;
  /** A hash of the visible text. */
  hash: string;
  /** What the vendor's patterns say about that text (null: no pattern matched). */
  kind: Activity | null;
  /** Epoch ms the visible text last changed, as far as pwt saw. */
  changedAt: number;
  /** With kind `limited`: epoch ms the limit resets, as the screen says (null: it does not say). */
  limitedUntil?: number | null;
  /** The last decision, so `activitySince` stays put across calls. */
  decided?: { activity: Activity; source: ActivitySource; since: number };
}
