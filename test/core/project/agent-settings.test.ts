import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_FOOTPRINT_BYTES, defaultMaxRunning, readAgentSettings, userAgentSettings, userConfigFile } from '../../../src/core/project/agent-settings.js';
import { openProject } from '../../../src/core/project/project.js';
import { makeProject, makeSandbox } from '../../helpers/sandbox.js';

const GiB = 1024 ** 3;

describe('agents settings (.pwt.json "agents")', () => {
  it.each([
    [24 * GiB, 2, 4],
    [24 * GiB, 32, 13],
    [16 * GiB, 8, 9],
    [8 * GiB, 8, 4],
    [2 * GiB, 8, 2],
    [1 * GiB, 1, 2],
  ])('the default maxRunning for %d bytes and %d cores is %d (memory at the measured footprint, two per core, at least 2)', (memory, cores, expected) => {
    expect(defaultMaxRunning(memory, cores)).toBe(expected);
  });

  it('plans each agent at the heaviest measured CLI (opencode, 713 MB) and half again', () => {
    expect(AGENT_FOOTPRINT_BYTES).toBe(1070 * 1024 * 1024);
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

describe("the user's own pwt config ($XDG_CONFIG_HOME/pwt/config.json)", () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });
  const userConfig = (content: string | null) => {
    const sandbox = makeSandbox();
    cleanups.push(() => sandbox.cleanup());
    const env = { HOME: sandbox.home, XDG_CONFIG_HOME: join(sandbox.root, 'config') };
    if (content !== null) {
      mkdirSync(join(env.XDG_CONFIG_HOME, 'pwt'), { recursive: true });
      writeFileSync(userConfigFile(env), content);
    }
    return env;
  };

  it('gives the defaults when absent, its agents settings when present, and refuses a broken file naming it (exit 3)', () => {
    expect(userAgentSettings(userConfig(null))).toEqual(readAgentSettings(undefined, 'x'));
    expect(userAgentSettings(userConfig(JSON.stringify({ agents: { maxRunning: 7, hibernateAfterMinutes: 20 } })))).toMatchObject({
      maxRunning: 7,
      hibernateAfterMinutes: 20,
      resumeAfterLimit: false,
    });
    const broken = userConfig('{ "agents": ');
    expect(() => userAgentSettings(broken)).toThrow(expect.objectContaining({ exitCode: 3, message: expect.stringContaining(userConfigFile(broken)) }));
    const wrong = userConfig(JSON.stringify({ agents: { maxRunning: 0 } }));
    expect(() => userAgentSettings(wrong)).toThrow(expect.objectContaining({ exitCode: 3, message: expect.stringContaining('agents.maxRunning') }));
  });

  it("a project's .pwt.json overrides the user's settings field by field", async () => {
    const env = userConfig(JSON.stringify({ agents: { maxRunning: 7, hibernateAfterMinutes: 20 } }));
    const project = makeProject();
    cleanups.push(() => project.sandbox.cleanup());
    const saved = process.env.XDG_CONFIG_HOME;
    process.env.XDG_CONFIG_HOME = env.XDG_CONFIG_HOME;
    cleanups.push(() => (saved === undefined ? delete process.env.XDG_CONFIG_HOME : (process.env.XDG_CONFIG_HOME = saved)));
    expect((await openProject(project.main)).config.agents).toMatchObject({ maxRunning: 7, hibernateAfterMinutes: 20 });
    writeFileSync(join(project.main, '.pwt.json'), JSON.stringify({ agents: { maxRunning: 3 } }));
    expect((await openProject(project.main)).config.agents).toMatchObject({ maxRunning: 3, hibernateAfterMinutes: 20 });
  });
});
