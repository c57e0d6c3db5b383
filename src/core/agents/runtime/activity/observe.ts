import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Provider } from '../../vendors/types.js';
import { decide, toState, type Decision } from './decide.js';
import { hookFile, readHookState } from './event-file.js';
import { classifyScreen, hasScreenPatterns, screenHash } from './screen.js';
import type { ActivityState, ScreenState } from './types.js';

/**
 * Reads the sources for a set of running agents and decides each one's
 * activity. Cheap by design: one `tmux list-panes -a` for all of them, a
 * `capture-pane` only for a pane whose window saw output since the last
 * capture (tmux's `window_activity`), and one small JSON file per agent.
 * What a capture showed is kept in `<agents dir>/<id>.screen.json`, so
 * one-shot commands (`pwt agent list`) also know how long a screen has been
 * still.
 */
export interface Pane {
  /** tmux pane id (`%3`), the capture target. */
  id: string;
  session: string;
  /** The process tmux started in the pane. */
  pid: number;
  dead: boolean;
  /** tmux `window_activity`: epoch seconds of the window's last output. */
  activity: number;
}

/** The tmux door's two reads this module needs. */
export interface PaneReader {
  listPanes(): Promise<Pane[]>;
  capturePane(paneId: string): Promise<string>;
}

export interface AgentRef {
  agentId: string;
  provider: Provider;
  tmuxSession: string;
}

export interface ObserveOptions {
  tmux: PaneReader;
  agentsDir: string;
  /** Whether a process id is alive (injected so tests and the door decide how). */
  alive(pid: number): boolean;
  now?: number;
  /** Panes already listed this round (pwt watch lists once per refresh for everything). */
  panes?: Pane[];
}

export const screenFile = (agentsDir: string, agentId: string): string => join(agentsDir, `${agentId}.screen.json`);

function readScreenState(file: string): ScreenState | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ScreenState;
  } catch {
    return null;
  }
}

function writeScreenState(file: string, state: ScreenState): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, `${JSON.stringify(state)}\n`);
    renameSync(temp, file);
  } catch {
    // A read-only or vanished agents folder only costs the next call a capture.
  }
}

/** The pane an agent runs in: the first live pane of its tmux session. */
export function paneOf(panes: Pane[], tmuxSession: string): Pane | undefined {
  const own = panes.filter((p) => p.session === tmuxSession);
  return own.find((p) => !p.dead) ?? own[0];
}

/** Activity of each agent (null: not running, so no activity). */
export async function observeActivity(agents: AgentRef[], opts: ObserveOptions): Promise<Map<string, ActivityState | null>> {
  const now = opts.now ?? Date.now();
  const panes = opts.panes ?? (agents.length > 0 ? await opts.tmux.listPanes() : []);
  const result = new Map<string, ActivityState | null>();
  await Promise.all(
    agents.map(async (agent) => {
      const decision = await observeOne(agent, panes, opts, now);
      result.set(agent.agentId, decision ? toState(decision) : null);
    }),
  );
  return result;
}

async function observeOne(agent: AgentRef, panes: Pane[], opts: ObserveOptions, now: number): Promise<Decision | null> {
  const pane = paneOf(panes, agent.tmuxSession);
  const alive = pane !== undefined && !pane.dead && opts.alive(pane.pid);
  if (!pane || !alive) return null;
  const hook = readHookState(hookFile(opts.agentsDir, agent.agentId));
  const file = screenFile(opts.agentsDir, agent.agentId);
  const before = readScreenState(file);
  let screen = before;
  // tmux stamps activity in whole seconds: a capture taken within the stamped second may have missed later output of that second.
  const fresh = before !== null && before.stamp === pane.activity && (before.capturedAt ?? 0) >= (pane.activity + 1) * 1000;
  if (!fresh) {
    const text = await opts.tmux.capturePane(pane.id).catch(() => null);
    if (text !== null) {
      const hash = screenHash(text);
      // First sight: the window's last output, rounded up to the end of its second.
      const changedAt = before === null ? pane.activity * 1000 + 999 : before.hash === hash ? before.changedAt : now;
      screen = { stamp: pane.activity, capturedAt: now, hash, kind: classifyScreen(agent.provider, text), changedAt, decided: before?.decided };
    }
  }
  const decision = decide({
    now,
    alive,
    hook,
    screen: screen ? { kind: screen.kind, changedAt: screen.changedAt, knowsBusyLine: hasScreenPatterns(agent.provider) } : null,
    previous: screen?.decided ?? null,
  });
  if (screen && decision) {
    const decided = { activity: decision.activity, source: decision.source, since: decision.since };
    const same = before && before.capturedAt === screen.capturedAt && before.decided && JSON.stringify(before.decided) === JSON.stringify(decided);
    if (!same) writeScreenState(file, { ...screen, decided });
  }
  return decision;
}
