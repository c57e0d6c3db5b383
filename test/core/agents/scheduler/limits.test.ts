import { describe, expect, it } from 'vitest';
import { exitedWhileLimited } from '../../../../src/core/agents/scheduler/limits.js';
import type { SeenLimit } from '../../../../src/core/agents/runtime/limited.js';
import type { AgentEntry } from '../../../../src/core/agents/runtime/records.js';
import type { Manifest } from '../../../../src/core/manifest/manifest.js';

/**
 * Which agents the scheduler resumes by vendor id after their limit (resumeAfterLimit): those that exited
 * while limited, by the limit pwt sees now (the last screen or the vendor's file) or the one the manifest
 * kept; once per limit; never one stopped or hibernated on purpose.
 */
const agent = (id: string, status: AgentEntry['status'], extra: Partial<AgentEntry> = {}): AgentEntry => ({
  id,
  provider: 'codex',
  vendorSessionId: `${id}-vendor`,
  status,
  cli: 'codex',
  cliCommand: [],
  resumeArgs: null,
  spawnedAt: '2026-12-06T20:00:00.000Z',
  ...extra,
});
const UNTIL = '2026-12-06T21:47:00.000Z';

describe('agents that exited at their limit', () => {
  it("by the limit seen now (the vendor's file), else the manifest's; once per limit; not stopped or hibernated ones", () => {
    const manifest = {
      sessions: [
        {
          id: 's',
          agents: [
            agent('from-file', 'exited'),
            agent('from-manifest', 'exited', { limitedUntil: UNTIL }),
            agent('done', 'exited', { limitedUntil: UNTIL, limitResumedFor: UNTIL }),
            agent('stopped', 'stopped'),
            agent('hibernated', 'hibernated'),
            agent('not-limited', 'exited'),
          ],
        },
      ],
    } as unknown as Manifest;
    const seen: SeenLimit = { until: UNTIL, source: 'transcript' };
    const limits = new Map(['from-file', 'done', 'stopped', 'hibernated'].map((id) => [id, seen]));
    const found = exitedWhileLimited(manifest, { panes: [] }, limits);
    expect(found.map(({ agent, until }) => [agent.id, until])).toEqual([
      ['from-file', UNTIL],
      ['from-manifest', UNTIL],
    ]);
    // A limit without a reset: nothing says when to come back.
    expect(exitedWhileLimited(manifest, { panes: [] }, new Map([['not-limited', { until: null, source: 'transcript' }]])).map((each) => each.agent.id)).toEqual(
      ['from-manifest'],
    );
  });
});
