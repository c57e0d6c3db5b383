import { describe, expect, it } from 'vitest';
import { parseProviders, planRunStart } from '../../../../src/core/agents/runs/start.js';

/** The run-start plan is data: a table of inputs and the plan they give. */
describe('parseProviders', () => {
  it.each([
    [['claude,codex'], ['claude', 'codex']],
    [
      ['claude', 'pi'],
      ['claude', 'pi'],
    ],
    [[' claude , codex ,'], ['claude', 'codex']],
  ])('%j -> %j', (input, expected) => {
    expect(parseProviders(input)).toEqual(expected);
  });

  it.each([
    [[''], /at least one provider/],
    [['claude,nope'], /Unknown provider: nope/],
    [['claude,claude'], /claude is listed twice/],
  ])('%j is a usage error', (input, message) => {
    expect(() => parseProviders(input)).toThrow(message);
    try {
      parseProviders(input);
    } catch (error) {
      expect((error as { exitCode: number }).exitCode).toBe(2);
    }
  });
});

describe('planRunStart', () => {
  it('one group per provider; a missing CLI blocks only its own', () => {
    const plan = planRunStart({
      name: 'fix',
      providers: ['claude', 'cursor'],
      goals: ['Fix it'],
      prompt: 'Fix it',
      base: 'main',
      missingClis: new Map([['cursor', 'cursor-agent']]),
      now: '2026-12-01T00:00:00.000Z',
    });
    expect(plan.groups).toEqual([
      { provider: 'claude', session: 'fix-claude' },
      { provider: 'cursor', session: 'fix-cursor', blocked: 'cursor-agent is not installed or not on PATH.' },
    ]);
    expect(plan.run).toEqual({
      version: 1,
      name: 'fix',
      createdAt: '2026-12-01T00:00:00.000Z',
      goals: ['Fix it'],
      prompt: 'Fix it',
      base: 'main',
      agents: [
        { session: 'fix-claude', provider: 'claude', agentId: null, vendorSessionId: null, cliCommand: null, tmuxSession: null, spawnedAt: null },
        {
          session: 'fix-cursor',
          provider: 'cursor',
          agentId: null,
          vendorSessionId: null,
          cliCommand: null,
          tmuxSession: null,
          spawnedAt: null,
          error: 'cursor-agent is not installed or not on PATH.',
        },
      ],
    });
  });
});
