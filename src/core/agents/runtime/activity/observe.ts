import { join } from 'node:path';
import { capturePanes, type AgentPane } from '../../../tmux/windows.js';
import { pwtStateDir, type AgentEntry } from '../records.js';
import type { CheckedStatus } from '../status.js';
import { decide, toState, type Decision } from './decide.js';
import { hookFile, readHookState } from './event-file.js';
import { limitGone, limitUntil } from './limit-seen.js';
import { classifyScreen, hasScreenPatterns, screenHash } from './screen.js';
import { readStateFile, writeStateFile } from './state-file.js';
import type { ActivityState, ScreenState } from './types.js';

/**
 * Reads the sources for running agents and decides each one's activity.
 * Cheap by design: the caller's one `tmux list-panes -a` (readLiveness) gives
 * every pane's liveness and `window_activity`; the screens of panes whose window had
 * output since the last capture come from one more tmux call (capturePanes); the rest is one
 * small JSON file per agent. What a capture showed is kept in
 * `<agents dir>/<id>.screen.json`, so one-shot commands (`pwt agent list`)
 * also know how long a screen has been still.
 */
export const agentsDir = (sessionsDir: string): string => join(pwtStateDir(sessionsDir), 'agents');
export const screenFile = (dir: string, agentId: string): string => join(dir, `${agentId}.screen.json`);

/** What the last capture showed (kept after the process ends, until the next launch), or null. */
export const readScreenState = (file: string): ScreenState | null => readStateFile<ScreenState>(file);

export interface Observed {
  agent: AgentEntry;
  checked: CheckedStatus;
}

/** The activity of each agent (by id); null for one that is not running. */
export async function observeActivity(sessionsDir: string, agents: Observed[], now = Date.now()): Promise<Map<string, ActivityState | null>> {
  const dir = agentsDir(sessionsDir);
  const result = new Map<string, ActivityState | null>();
  const running: { agent: AgentEntry; pane: AgentPane; before: ScreenState | null }[] = [];
  for (const { agent, checked } of agents) {
    if (checked.status === 'running' && checked.pane) running.push({ agent, pane: checked.pane, before: readScreenState(screenFile(dir, agent.id)) });
    else result.set(agent.id, null);
  }
  // tmux stamps activity in whole seconds: a capture taken within the stamped second may have missed later output of that second.
  const stale = running.filter(
    ({ pane, before }) => !(before !== null && before.stamp === pane.windowActivity && before.capturedAt >= (pane.windowActivity + 1) * 1000),
  );
  // Every screen that changed, from one tmux process however many agents run. When it was taken is the clock's time, not
  // `now` (a caller may decide for another moment): it is compared with tmux's own stamps on the next look.
  const capturedAt = Date.now();
  const screens = stale.length ? await capturePanes(stale.map(({ pane }) => pane.paneId)).catch(() => new Map<string, string>()) : new Map<string, string>();
  // ...and by when it was over: the screens are no older than capturedAt, no newer than this.
  const capturedBy = Date.now();
  for (const each of running) {
    const decision = observeOne(
      dir,
      each.agent,
      each.pane,
      each.before,
      stale.includes(each) ? (screens.get(each.pane.paneId) ?? null) : null,
      now,
      capturedAt,
      capturedBy,
    );
    result.set(each.agent.id, decision ? toState(decision) : null);
  }
  return result;
}

function observeOne(
  dir: string,
  agent: AgentEntry,
  pane: AgentPane,
  before: ScreenState | null,
  text: string | null,
  now: number,
  capturedAt: number,
  capturedBy: number,
): Decision | null {
  const hook = readHookState(hookFile(dir, agent.id));
  const file = screenFile(dir, agent.id);
  let screen = before;
  if (text !== null && text !== '') {
    const hash = screenHash(text);
    // Changed (or first sight): it changed at the window's last output, as tmux stamped it (rounded up
    // to the end of its second), not "now": a one-shot command that last looked long ago must not
    // take a screen that has been still since the end of a quiet turn for one changing as it looks.
    const lastOutput = Math.min(now, pane.windowActivity * 1000 + 999);
    const changedAt = before !== null && before.hash === hash ? before.changedAt : Math.max(lastOutput, before?.capturedAt ?? 0);
    const kind = classifyScreen(agent.provider, text);
    // A reset is read against when the message appeared (after it, "9:32pm" is not tomorrow's) and the first reading
    // of a limit is kept while it shows, for every process that looks (limit-seen.ts).
    const limitedUntil = kind === 'limited' ? limitUntil(dir, agent.id, agent.provider, text, changedAt, capturedBy) : undefined;
    if (kind !== 'limited') limitGone(dir, agent.id, capturedAt);
    screen = {
      stamp: pane.windowActivity,
      capturedAt,
      hash,
      kind,
      changedAt,
      decided: before?.decided,
      ...(limitedUntil === undefined ? {} : { limitedUntil }),
    };
  }
  const decision = decide({
    now,
    alive: true,
    hook,
    screen: screen
      ? { kind: screen.kind, changedAt: screen.changedAt, knowsBusyLine: hasScreenPatterns(agent.provider), limitedUntil: screen.limitedUntil }
      : null,
    previous: screen?.decided ?? null,
  });
  if (screen && decision) {
    const decided = { activity: decision.activity, source: decision.source, since: decision.since };
    const same = before !== null && before.capturedAt === screen.capturedAt && JSON.stringify(before.decided) === JSON.stringify(decided);
    if (!same) writeStateFile(file, { ...screen, decided });
  }
  return decision;
}
