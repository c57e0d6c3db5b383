import { describe, expect, it } from 'vitest';
import { defaultMaxRunning, readAgentSettings } from '../../../src/core/project/agent-settings.js';

const GiB = 1024 ** 3;

describe('agents settings (.pwt.json "agents")', () => {
  it.each([
    [24 * GiB, 2, 4],
    [24 * GiB, 32, 29],
    [16 * GiB, 8, 16],
    [2 * GiB, 8, 2],
    [1 * GiB, 1, 2],
  ])('the default maxRunning for %d bytes and %d cores is %d (memory, two per core, at least 2)', (memory, cores, expected) => {
    expect(defaultMaxRunning(memory, cores)).toBe(expected);
  });

  it('reads the three fields and keeps defaults for the rest', () => {
    expect(readAgentSettings({ maxRunning: 3, hibernateAfterMinutes: 0.5, resumeAfterLimit: true }, '.pwt.json')).toEqual({
      maxRunning: 3,
      hibernateAfterMinutes: 0.5,
      resumeAfterLimit: true,
    });
    expect(readAgentSettings(undefined, '.pwt.json')).toMatchObject({ hibernateAfterMinutes: null, resumeAfterLimit: false });
  });

  it.each([
    [{ maxRunning: 0 }, 'agents.maxRunning'],
    [{ maxRunning: 2.5 }, 'agents.maxRunning'],
    [{ hibernateAfterMinutes: -1 }, 'agents.hibernateAfterMinutes'],
    [{ resumeAfterLimit: 'yes' }, 'agents.resumeAfterLimit'],
    [[1], '"agents" must be an object'],
  ])('refuses %j naming the field (exit 3)', (value, field) => {
    let error: any;
    try {
      readAgentSettings(value, '.pwt.json');
    } catch (caught) {
      error = caught;
    }
    expect(error?.exitCode).toBe(3);
    expect(error.message).toContain(field);
  });
});
