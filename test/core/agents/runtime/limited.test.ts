import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agentsDir, screenFile } from '../../../../src/core/agents/runtime/activity/observe.js';
import { keptLimit, limitFile, seenLimits, shownStatus, untilOf, type LimitCandidate } from '../../../../src/core/agents/runtime/limited.js';
import type { AgentEntry } from '../../../../src/core/agents/runtime/records.js';
import type { CheckedState } from '../../../../src/core/agents/runtime/status.js';
import type { SessionRecord } from '../../../../src/core/manifest/manifest.js';
import type { Project } from '../../../../src/core/project/project.js';

/**
 * The status `limited` as views see it (runtime/limited.ts): from a running
 * agent's screen, from the last screen of one whose process is gone, from
 * the vendor's file (kept per agent state, so it is read once), and never
 * for an agent whose status could not be checked.
 */
const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function world() {
  const root = mkdtempSync(join(tmpdir(), 'pwt-limited-'));
  roots.push(root);
  const project = { sessionsDir: join(root, 'sessions'), repo: { mainPath: join(root, 'main') } } as unknown as Project;
  const dir = agentsDir(project.sessionsDir);
  mkdirSync(dir, { recursive: true });
  return { project, dir };
}

const session = { id: 's', branch: 'session/s', worktree: '../sessions/s', startedAt: '', goals: [], status: 'active' } as SessionRecord;
const agent = (status: CheckedState, provider: AgentEntry['provider'] = 'claude'): AgentEntry => ({
  id: `s-${provider}`,
  provider,
  vendorSessionId: 'vendor-1',
  status: status === 'unknown' ? 'running' : status,
  cli: provider,
  cliCommand: [],
  resumeArgs: null,
  spawnedAt: '2026-12-06T20:00:00.000Z',
});
const candidate = (status: CheckedState, extra: Partial<LimitCandidate> = {}, provider?: AgentEntry['provider']): LimitCandidate => ({
  session,
  agent: agent(status, provider),
  checked: { status, checked: status !== 'unknown', pane: null },
  activity: null,
  ...extra,
});
const NOW = Date.parse('2026-12-06T21:00:00.000Z');

describe('seen usage limits', () => {
  it('a running agent whose screen shows its limit is limited until the reset it shows; others are not', async () => {
    const { project } = world();
    const limited = candidate('running', {
      activity: { activity: 'limited', activitySource: 'screen', activitySince: '2026-12-06T20:59:00.000Z', limitedUntil: '2026-12-06T21:47:00.000Z' },
    });
    const working = {
      ...candidate('running', {}, 'codex'),
      activity: { activity: 'working', activitySource: 'hook', activitySince: '2026-12-06T20:59:00.000Z' },
    } as LimitCandidate;
    const limits = await seenLimits(project, [limited, working], process.env, NOW);
    expect([...limits]).toEqual([['s-claude', { until: '2026-12-06T21:47:00.000Z', source: 'screen' }]]);
    expect(shownStatus('running', limits.get('s-claude'))).toBe('limited');
    expect(shownStatus('running', limits.get('s-codex'))).toBe('running');
  });

  it('an agent that exited, was stopped or hibernated with its limit on the last screen stays limited; unchecked ones never are', async () => {
    const { project, dir } = world();
    const screen = {
      stamp: 1,
      capturedAt: NOW - 60_000,
      hash: 'x',
      kind: 'limited',
      changedAt: NOW - 60_000,
      limitedUntil: Date.parse('2026-12-06T21:47:00.000Z'),
    };
    for (const provider of ['claude', 'codex', 'pi'] as const) writeFileSync(screenFile(dir, `s-${provider}`), JSON.stringify(screen));
    const limits = await seenLimits(project, [candidate('exited'), candidate('hibernated', {}, 'codex'), candidate('unknown', {}, 'pi')], process.env, NOW);
    expect(Object.fromEntries(limits)).toEqual({
      's-claude': { until: '2026-12-06T21:47:00.000Z', source: 'screen' },
      's-codex': { until: '2026-12-06T21:47:00.000Z', source: 'screen' },
    });
  });

  it("the vendor's file is read once per state of the agent: a kept answer for the same state is used as is", async () => {
    const { project, dir } = world();
    // What an earlier read of the vendor's file found for this very state (the file itself is not there to read).
    const key = 'vendor-1:exited:2026-12-06T20:00:00.000Z:';
    const kept = { until: '2026-12-06T22:01:00.000Z', source: 'transcript' };
    writeFileSync(limitFile(dir, 's-claude'), JSON.stringify({ key, limit: kept }));
    expect((await seenLimits(project, [candidate('exited')], process.env, NOW)).get('s-claude')).toEqual(kept);
    // Another state (stopped since): read again; the vendor's file is gone, so no limit, and that is kept.
    const stopped = candidate('stopped');
    stopped.agent.stoppedAt = '2026-12-06T20:30:00.000Z';
    expect((await seenLimits(project, [stopped], { ...process.env, HOME: join(dir, 'no-home'), CLAUDE_CONFIG_DIR: join(dir, 'no-home') }, NOW)).size).toBe(0);
    expect(JSON.parse(readFileSync(limitFile(dir, 's-claude'), 'utf8'))).toEqual({
      key: 'vendor-1:stopped:2026-12-06T20:00:00.000Z:2026-12-06T20:30:00.000Z',
      limit: null,
    });
  });

  it("a recorded limit without the vendor's own reset reads the time its message names, against when it was recorded", () => {
    const at = '2026-12-06T23:59:38.714Z';
    expect(untilOf({ provider: 'claude' }, { at, until: null, message: "You've hit your session limit · resets 12:01am (UTC)" })).toBe(
      '2026-12-07T00:02:00.000Z',
    );
    expect(untilOf({ provider: 'claude' }, { at, until: '2026-12-07T00:01:30.000Z', message: 'whatever' })).toBe('2026-12-07T00:01:30.000Z');
    expect(untilOf({ provider: 'claude' }, { at: null, until: null, message: "You've hit your session limit · resets 12:01am (UTC)" })).toBeNull();
    expect(untilOf({ provider: 'codex' }, { at, until: null, message: 'You’ve hit your usage limit. Try again later.' })).toBeNull();
  });

  it('what pwt kept (for the human status: no capture, no vendor file): the last screen, else the kept answer for the current state', async () => {
    const { project, dir } = world();
    const ended = candidate('exited');
    expect(keptLimit(project.sessionsDir, ended.agent, ended.checked)).toBeNull();
    const kept = { until: '2026-12-06T22:01:00.000Z', source: 'transcript' };
    writeFileSync(limitFile(dir, 's-claude'), JSON.stringify({ key: 'vendor-1:exited:2026-12-06T20:00:00.000Z:', limit: kept }));
    expect(keptLimit(project.sessionsDir, ended.agent, ended.checked)).toEqual(kept);
    // Resumed since: that answer was for another state.
    expect(keptLimit(project.sessionsDir, { ...ended.agent, resumedAt: '2026-12-06T21:00:00.000Z' }, ended.checked)).toBeNull();
    const running = candidate('running', {}, 'codex');
    writeFileSync(screenFile(dir, 's-codex'), JSON.stringify({ stamp: 1, capturedAt: NOW, hash: 'x', kind: 'limited', changedAt: NOW, limitedUntil: null }));
    expect(keptLimit(project.sessionsDir, running.agent, running.checked)).toEqual({ until: null, source: 'screen' });
  });
});
