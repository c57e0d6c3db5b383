import { describe, expect, it } from 'vitest';
import { planLaunch, planSessionStop, type LaunchPlan, type Want } from '../../../../src/core/agents/runtime/plan.js';
import type { Seen } from '../../../../src/core/agents/runtime/context.js';
import type { AgentEntry } from '../../../../src/core/agents/runtime/records.js';
import type { CheckedState } from '../../../../src/core/agents/runtime/status.js';
import type { Provider } from '../../../../src/core/agents/vendors/types.js';

/** The launch rules of docs/agents-runtime.md, as a table: agents here -> what start/switch/new/resume plan. */
const place = { session: 'app/s', window: '@1', pane: '%1', pid: 1, pidStart: null };
function agent(provider: Provider, status: CheckedState, usedAt: string, extra: Partial<AgentEntry> = {}): Seen {
  const recorded = status === 'unknown' ? 'running' : status;
  return {
    status,
    agent: {
      id: `s-${provider}`,
      provider,
      vendorSessionId: `${provider}-id`,
      status: recorded,
      cli: provider,
      cliCommand: [provider],
      resumeArgs: null,
      spawnedAt: usedAt,
      ...(status === 'running' || status === 'unknown' ? { tmux: place } : {}),
      ...extra,
    },
  };
}
const start = (provider: Provider, mode: 'start' | 'new' | 'switch' = 'start', handoff = true): Want => ({ start: provider, mode, handoff });
const ops = (plan: LaunchPlan) =>
  'alreadyRunning' in plan
    ? `already running: ${plan.alreadyRunning.id}`
    : plan.ops.map((op) =>
        [op.op, 'agent' in op ? op.agent : 'agents' in op ? op.agents.join(',') : `${op.provider}${op.handoff ? ' +handoff' : ''}`].join(' '),
      );

describe('planLaunch: the lifecycle rules', () => {
  const rows: { name: string; seen: Seen[]; want: Want; plan?: string | string[]; refused?: RegExp }[] = [
    { name: 'start P in an empty session: fresh, with a handoff', seen: [], want: start('claude'), plan: ['start-fresh claude +handoff'] },
    { name: 'start --no-handoff: fresh, no handoff', seen: [], want: start('claude', 'start', false), plan: ['start-fresh claude'] },
    {
      name: 'start P while P runs: nothing to do',
      seen: [agent('claude', 'running', '2026-01-01T00:00:00Z')],
      want: start('claude'),
      plan: 'already running: s-claude',
    },
    {
      name: 'switch to Q while P runs: P detached, Q fresh with a handoff',
      seen: [agent('claude', 'running', '2026-01-01T00:00:00Z')],
      want: start('codex', 'switch'),
      plan: ['detach s-claude', 'start-fresh codex +handoff'],
    },
    {
      name: 'switch back to P while Q runs: Q detached, P resumed (its own conversation, no handoff)',
      seen: [agent('claude', 'detached', '2026-01-01T00:00:00Z'), agent('codex', 'running', '2026-01-01T01:00:00Z')],
      want: start('claude', 'switch'),
      plan: ['detach s-codex', 'resume s-claude'],
    },
    {
      name: 'an agent whose program ended keeps its window until a launch sweeps it',
      seen: [agent('claude', 'exited', '2026-01-01T00:00:00Z', { tmux: place })],
      want: start('codex'),
      plan: ['sweep s-claude', 'start-fresh codex +handoff'],
    },
    {
      name: 'new while an agent runs: refused',
      seen: [agent('claude', 'running', '2026-01-01T00:00:00Z')],
      want: start('codex', 'new'),
      refused: /pwt agent new starts another agent only when none runs/,
    },
    {
      name: 'new P when P is the most recent agent: refused',
      seen: [agent('claude', 'stopped', '2026-01-01T01:00:00Z'), agent('codex', 'stopped', '2026-01-01T00:00:00Z')],
      want: start('claude', 'new'),
      refused: /claude is the most recent agent/,
    },
    {
      name: 'new P when P has a conversation here: refused',
      seen: [agent('claude', 'stopped', '2026-01-01T01:00:00Z'), agent('codex', 'stopped', '2026-01-01T00:00:00Z')],
      want: start('codex', 'new'),
      refused: /already has a codex agent session/,
    },
    {
      name: 'new Q when nothing runs and Q is new here: fresh with a handoff',
      seen: [agent('claude', 'stopped', '2026-01-01T00:00:00Z')],
      want: start('codex', 'new'),
      plan: ['start-fresh codex +handoff'],
    },
    {
      name: 'an agent that may still run where pwt cannot see it: every launch refuses',
      seen: [agent('claude', 'unknown', '2026-01-01T00:00:00Z')],
      want: start('codex', 'switch'),
      refused: /s-claude may still be running/,
    },
    {
      name: 'resume: the most recently used agent',
      seen: [agent('claude', 'stopped', '2026-01-01T00:00:00Z'), agent('codex', 'stopped', '2026-01-01T02:00:00Z')],
      want: { resume: undefined },
      plan: ['resume s-codex'],
    },
    {
      name: 'resume ID while another runs: that one detached first',
      seen: [agent('claude', 'stopped', '2026-01-01T00:00:00Z'), agent('codex', 'running', '2026-01-01T02:00:00Z')],
      want: { resume: 'claude' },
      plan: ['detach s-codex', 'resume s-claude'],
    },
    {
      name: 'resume without an ID while one runs: it is running already',
      seen: [agent('claude', 'stopped', '2026-01-01T00:00:00Z'), agent('codex', 'running', '2026-01-01T02:00:00Z')],
      want: { resume: undefined },
      plan: 'already running: s-codex',
    },
    { name: 'resume in a session without agents: refused', seen: [], want: { resume: undefined }, refused: /has no agent sessions/ },
    {
      name: 'resume of an agent that may still run elsewhere: refused',
      seen: [agent('claude', 'unknown', '2026-01-01T00:00:00Z')],
      want: { resume: 'claude' },
      refused: /may still be running/,
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      if (row.refused) expect(() => planLaunch('s', row.seen, row.want)).toThrow(row.refused);
      else expect(ops(planLaunch('s', row.seen, row.want))).toEqual(row.plan);
    });
  }
});

describe('planSessionStop: what ending a session does to its agents', () => {
  const stops = (seen: Seen[]) => planSessionStop(seen).map((op) => `${op.op} ${op.agent}${op.op === 'stop' ? ` as ${op.as}` : ''}`);
  it('stops every running agent and records it as stopped', () => {
    expect(stops([agent('claude', 'running', '2026-01-01T00:00:00Z'), agent('codex', 'running', '2026-01-02T00:00:00Z')])).toEqual([
      'stop s-claude as stopped',
      'stop s-codex as stopped',
    ]);
  });
  it('marks a record that still says running but whose program ended as exited', () => {
    expect(stops([agent('claude', 'exited', '2026-01-01T00:00:00Z', { status: 'running' })])).toEqual(['mark-exited s-claude']);
  });
  it('leaves stopped and detached agents alone', () => {
    expect(stops([agent('claude', 'stopped', '2026-01-01T00:00:00Z'), agent('codex', 'detached', '2026-01-02T00:00:00Z')])).toEqual([]);
  });
  it('refuses while an agent runs where pwt cannot see it (its worktree would go from under it)', () => {
    expect(() => planSessionStop([agent('claude', 'unknown', '2026-01-01T00:00:00Z')])).toThrow(/claude/);
  });
});
