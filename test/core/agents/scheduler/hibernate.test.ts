import { describe, expect, it } from 'vitest';
import { idleLongEnough, resumableWithoutLoss } from '../../../../src/core/agents/scheduler/hibernate.js';
import type { ActivityState } from '../../../../src/core/agents/runtime/activity/types.js';
import type { AgentEntry } from '../../../../src/core/agents/runtime/records.js';

/**
 * Which agents hibernation stops: idle for longer than the project allows (counted from the current launch at
 * the earliest), and only when stopping loses nothing: the vendor holds the conversation and, for a launch
 * that carried a prompt, more messages than at that launch (the prompt reached it).
 */
const agent = (extra: Partial<AgentEntry> = {}): AgentEntry => ({
  id: 'nap-pi',
  provider: 'pi',
  vendorSessionId: 'pi-vendor',
  status: 'running',
  cli: 'pi',
  cliCommand: ['pi', '<prompt>'],
  resumeArgs: null,
  spawnedAt: '2026-12-07T10:00:00.000Z',
  ...extra,
});
const idle = (since: string): ActivityState => ({ activity: 'idle', activitySource: 'screen', activitySince: since });
const at = (iso: string) => Date.parse(iso);

describe('hibernation: idle long enough', () => {
  it('idle for the time set, not waiting, working or at a limit', () => {
    const now = at('2026-12-07T10:01:00.000Z');
    expect(idleLongEnough(agent(), idle('2026-12-07T10:00:10.000Z'), false, 0.5, now)).toBe(true);
    expect(idleLongEnough(agent(), idle('2026-12-07T10:00:40.000Z'), false, 0.5, now)).toBe(false);
    expect(idleLongEnough(agent(), idle('2026-12-07T10:00:10.000Z'), true, 0.5, now)).toBe(false);
    for (const activity of ['working', 'waiting', 'limited'] as const)
      expect(idleLongEnough(agent(), { ...idle('2026-12-07T10:00:10.000Z'), activity }, false, 0.5, now)).toBe(false);
    expect(idleLongEnough(agent(), undefined, false, 0.5, now)).toBe(false);
  });

  it('counts from the current launch at the earliest, not from an idle time carried over', () => {
    const now = at('2026-12-07T11:00:20.000Z');
    const resumed = agent({ resumedAt: '2026-12-07T11:00:00.000Z' });
    expect(idleLongEnough(resumed, idle('2026-12-07T10:30:00.000Z'), false, 0.5, now)).toBe(false);
    expect(idleLongEnough(resumed, idle('2026-12-07T10:30:00.000Z'), false, 0.5, at('2026-12-07T11:00:31.000Z'))).toBe(true);
  });
});

describe('hibernation: resumable without loss', () => {
  it('never without a vendor id, nor with a conversation the vendor does not hold yet', () => {
    expect(resumableWithoutLoss(agent({ vendorSessionId: null, promptAfterMessages: 0 }), 0)).toBe(false);
    expect(resumableWithoutLoss(agent({ vendorSessionId: null }), 4)).toBe(false);
    // Pinned ids (claude, gemini, copilot, cursor) exist from the launch, before anything is written.
    expect(resumableWithoutLoss(agent({ cliCommand: ['claude'] }), 0)).toBe(false);
    expect(resumableWithoutLoss(agent({ cliCommand: ['claude'] }), 2)).toBe(true);
  });

  it('a launch with a prompt: only once the conversation holds more than at the launch (the prompt reached it)', () => {
    // A fresh start still loading: the vendor has not written the prompt yet.
    expect(resumableWithoutLoss(agent({ promptAfterMessages: 0 }), 0)).toBe(false);
    expect(resumableWithoutLoss(agent({ promptAfterMessages: 0 }), 1)).toBe(true);
    // Woken by `agent send` with 2 messages kept: the text sent is not in it yet.
    expect(resumableWithoutLoss(agent({ resumedAt: '2026-12-07T11:00:00.000Z', promptAfterMessages: 2 }), 2)).toBe(false);
    expect(resumableWithoutLoss(agent({ resumedAt: '2026-12-07T11:00:00.000Z', promptAfterMessages: 2 }), 3)).toBe(true);
    // Woken without a prompt (attach, wait): the kept conversation is enough.
    expect(resumableWithoutLoss(agent({ resumedAt: '2026-12-07T11:00:00.000Z' }), 2)).toBe(true);
  });
});
