import type { Activity } from '../../agents/runtime/activity/types.js';
import type { AgentRow, SessionRow, WatchFrame } from './model.js';

/**
 * The lines of `pwt watch`, with no I/O: sessions that need the user first
 * (an agent waiting), then those working, then the rest in manifest order;
 * under each session its agents. The UI only colours and cuts them.
 */
export type LineKind = 'session' | 'agent';

export interface Line {
  kind: LineKind;
  /** The session this line belongs to (and the agent, on agent lines). */
  sessionId: string;
  agentId?: string;
  text: string;
  /** An agent is waiting for the user here: highlighted, and rung with --notify. */
  waiting: boolean;
  current: boolean;
}

const RANK: Record<Activity, number> = { waiting: 0, limited: 1, working: 1, idle: 2 };

function sessionRank(row: SessionRow): number {
  const ranks = row.agents.map((a) => (a.activity ? RANK[a.activity.activity] : 3));
  return ranks.length ? Math.min(...ranks) : 4;
}

export function orderSessions(rows: SessionRow[]): SessionRow[] {
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => sessionRank(a.row) - sessionRank(b.row) || a.index - b.index)
    .map(({ row }) => row);
}

/** "12s", "4m", "3h", "2d". */
export function shortAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

function gitText(row: SessionRow): string {
  if (row.reachable === false) return 'unreachable';
  if (!row.git) return '…';
  const { ahead, behind, changes } = row.git;
  const parts = [
    ahead === null ? null : `↑${ahead}`,
    behind === null ? null : `↓${behind}`,
    changes === null ? null : changes === 0 ? 'clean' : `${changes} changed`,
  ];
  return parts.filter(Boolean).join(' ') || '?';
}

function agentText(row: AgentRow, now: number): string {
  const { agent, status, activity, limit } = row;
  const doing = activity ? `${activity.activity} ${shortAge(now - Date.parse(activity.activitySince))}` : '';
  const vendor = agent.vendorSessionId ? agent.vendorSessionId.slice(0, 8) : '';
  // A usage limit with its reset: "until 21:33" (local time), and the process's status when it is gone.
  const until = limit?.until ? ` until ${new Date(limit.until).toTimeString().slice(0, 5)}` : '';
  const gone = limit && status !== 'running' && status !== 'limited' ? ` (${status})` : '';
  return `${agent.provider.padEnd(9)}${(limit ? 'limited' : status).padEnd(9)}${doing.padEnd(13)}${vendor}${until}${gone}`;
}

const pad = (text: string, width: number) => (text.length >= width ? `${text.slice(0, width - 1)}… ` : text.padEnd(width + 1));

export function frameLines(frame: WatchFrame): Line[] {
  const lines: Line[] = [];
  const nameWidth = Math.min(24, Math.max(8, ...frame.sessions.map((row) => row.session.id.length)));
  // With hosts, a HOST column first ("-": this machine).
  const hostWidth = frame.sessions.some((row) => row.host) ? Math.min(16, Math.max(4, ...frame.sessions.map((row) => (row.host ?? '-').length))) : 0;
  for (const row of orderSessions(frame.sessions)) {
    const waiting = row.agents.some((a) => a.activity?.activity === 'waiting');
    const goal = row.session.goals[0] ?? '';
    const host = hostWidth ? pad(row.host ?? '-', hostWidth) : '';
    lines.push({
      kind: 'session',
      sessionId: row.session.id,
      text: `${host}${pad(row.session.id, nameWidth)}${pad(gitText(row), 18)}${goal}`,
      waiting,
      current: row.current,
    });
    for (const agent of row.agents) {
      lines.push({
        kind: 'agent',
        sessionId: row.session.id,
        agentId: agent.agent.id,
        text: `${' '.repeat(hostWidth ? hostWidth + 1 : 0)}  ${agentText(agent, frame.at)}`,
        waiting: agent.activity?.activity === 'waiting',
        current: row.current,
      });
    }
  }
  return lines;
}

/** Agents that became `waiting` since the previous frame (for the bell). */
export function newlyWaiting(previous: WatchFrame | null, next: WatchFrame): AgentRow[] {
  const before = new Set(previous?.sessions.flatMap((row) => row.agents.filter((a) => a.activity?.activity === 'waiting').map((a) => a.agent.id)) ?? []);
  return next.sessions.flatMap((row) => row.agents).filter((a) => a.activity?.activity === 'waiting' && !before.has(a.agent.id));
}

export const HELP = '↑↓/jk move · enter attach · s stop · r resume · n switch · d diff · q quit';
