import { describe, expect, it } from 'vitest';
import type { AgentRow, SessionRow, WatchFrame } from '../../../../src/core/sessions/watch/model.js';
import { frameLines, newlyWaiting, orderSessions, shortAge } from '../../../../src/core/sessions/watch/rows.js';
import type { Activity } from '../../../../src/core/agents/runtime/activity/types.js';

const NOW = Date.parse('2026-12-01T07:00:00Z');
const agent = (id: string, activity: Activity | null): AgentRow => ({
  agent: {
    id,
    provider: 'claude',
    vendorSessionId: '6f1c2a3b-aaaa',
    status: 'running',
    cli: 'claude',
    cliCommand: [],
    resumeArgs: null,
    spawnedAt: '2026-12-01T06:00:00Z',
  },
  status: activity ? 'running' : 'stopped',
  activity: activity ? { activity, activitySource: 'hook', activitySince: new Date(NOW - 12_000).toISOString() } : null,
});
const session = (id: string, agents: AgentRow[]): SessionRow => ({
  session: { id, branch: `session/${id}`, worktree: `../x/${id}`, startedAt: '', goals: [`goal ${id}`], status: 'active' },
  path: `/x/${id}`,
  current: id === 'b',
  git: { ahead: 2, behind: 0, changes: 3 },
  agents,
});
const frame = (sessions: SessionRow[]): WatchFrame => ({ project: 'app', sessions, at: NOW });

describe('watch rows', () => {
  it('sessions that wait for the user first, then working, idle, stopped, none; manifest order within', () => {
    const rows = [
      session('none', []),
      session('idle', [agent('i', 'idle')]),
      session('wait', [agent('w', 'waiting')]),
      session('work', [agent('k', 'working')]),
      session('stop', [agent('s', null)]),
    ];
    expect(orderSessions(rows).map((r) => r.session.id)).toEqual(['wait', 'work', 'idle', 'stop', 'none']);
  });

  it('a session line and a line per agent, with activity, age and the short vendor id', () => {
    const lines = frameLines(frame([session('b', [agent('b-claude', 'waiting')])]));
    expect(lines).toEqual([
      { kind: 'session', sessionId: 'b', text: 'b        ↑2 ↓0 3 changed    goal b', waiting: true, current: true },
      { kind: 'agent', sessionId: 'b', agentId: 'b-claude', text: '  claude   running  waiting 12s  6f1c2a3b', waiting: true, current: true },
    ]);
  });

  it('a limited agent shows status limited until when (local time), and the process status once it is gone', () => {
    const limited = agent('b-claude', 'limited');
    const until = new Date(NOW + 3_600_000);
    limited.activity!.limitedUntil = until.toISOString();
    limited.limit = { until: until.toISOString(), source: 'screen' };
    const exited: AgentRow = { ...agent('c-claude', null), status: 'exited', limit: { until: until.toISOString(), source: 'transcript' } };
    const lines = frameLines(frame([session('b', [limited]), session('c', [exited])]));
    const hhmm = until.toTimeString().slice(0, 5);
    expect(lines.filter((line) => line.kind === 'agent').map((line) => line.text)).toEqual([
      `  claude   limited  limited 12s  6f1c2a3b until ${hhmm}`,
      `  claude   limited               6f1c2a3b until ${hhmm} (exited)`,
    ]);
  });

  it('ages and newly waiting agents', () => {
    expect([shortAge(5_000), shortAge(240_000), shortAge(3 * 3_600_000), shortAge(2 * 86_400_000)]).toEqual(['5s', '4m', '3h', '2d']);
    const before = frame([session('a', [agent('a1', 'working'), agent('a2', 'waiting')])]);
    const after = frame([session('a', [agent('a1', 'waiting'), agent('a2', 'waiting')])]);
    expect(newlyWaiting(before, after).map((a) => a.agent.id)).toEqual(['a1']);
    expect(newlyWaiting(after, after)).toEqual([]);
  });
});
