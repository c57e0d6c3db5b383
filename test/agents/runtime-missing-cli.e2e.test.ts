import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, NODE } from '../helpers/sandbox.js';
import { CLI_BIN, runCommand } from './harness.js';
import { useModelServer } from './e2e.js';
import { useRuntimeWorlds, waitForRequest } from './runtime-world.js';

/**
 * A provider whose CLI is not on PATH is refused before anything changes:
 * `agent switch` does not detach the working agent, `create --agent` makes
 * no session, and `agent resume` does not "start fresh" over the recorded
 * conversation (once the CLI is back, the same conversation resumes).
 */
const server = useModelServer();
const worlds = useRuntimeWorlds(server, ['claude']);
const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A PATH folder with only these agent CLIs (the rest of PATH stays). */
function onlyClis(...names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'pwt-clis-'));
  temps.push(dir);
  mkdirSync(join(dir, 'bin'));
  for (const name of names) symlinkSync(join(CLI_BIN, name), join(dir, 'bin', name));
  return join(dir, 'bin');
}

describe('an agent CLI that is not installed', () => {
  it('switch, create --agent and resume refuse before anything changes; the recorded conversation resumes once the CLI is back', async () => {
    const world = worlds.make();
    const cwd = await world.session('cli');
    const basePath = (world.env.PATH ?? '')
      .split(':')
      .filter((dir) => dir !== CLI_BIN)
      .join(':');
    const pwtWith = (bin: string | null) => (args: string[]) =>
      runCommand(NODE, [CLI, ...args], { cwd, env: { ...world.env, PATH: bin ? `${bin}:${basePath}` : basePath }, timeoutMs: 120_000 });
    const noGemini = pwtWith(onlyClis('claude'));
    const noClis = pwtWith(null);

    await world.ok(['agent', 'start', 'claude', '--prompt', 'keep this conversation'], cwd);
    await waitForRequest(server, 'keep this conversation');
    const [claude] = await world.agents('cli');
    expect(claude).toMatchObject({ status: 'running' });

    // switch: refused, the working agent still runs.
    const switched = await noGemini(['agent', 'switch', 'gemini']);
    expect(switched.code, switched.stderr).toBe(3);
    expect(switched.stderr).toMatch(/gemini's CLI \(gemini\) is not installed or not on PATH; nothing was changed/);
    expect(switched.stderr).toMatch(/npm install -g @google\/gemini-cli/);
    expect(await world.agents('cli')).toEqual([expect.objectContaining({ id: 'cli-claude', status: 'running' })]);

    // create --agent: refused before the session is made.
    const created = await noGemini(['create', 'other', '--agent', 'gemini']);
    expect(created.code, created.stderr).toBe(3);
    expect(created.stderr).toMatch(/gemini's CLI \(gemini\) is not installed/);
    expect(world.project.sandbox.git(world.project.main, 'branch', '--list', 'session/other').trim()).toBe('');
    expect(existsSync(join(world.project.sessionsDir, 'other'))).toBe(false);

    // resume with claude missing: refused; the record keeps its conversation.
    await world.ok(['agent', 'stop'], cwd);
    const resumed = await noClis(['agent', 'resume']);
    expect(resumed.code, resumed.stderr).toBe(3);
    expect(resumed.stderr).toMatch(/claude's CLI \(claude\) is not installed/);
    expect(resumed.stderr).not.toMatch(/fresh/);
    expect(await world.agents('cli')).toEqual([expect.objectContaining({ id: 'cli-claude', status: 'stopped', vendorSessionId: claude.vendorSessionId })]);
    const started = await noClis(['agent', 'start', 'claude']);
    expect(started.code, started.stderr).toBe(3);

    // Back on PATH: the same conversation resumes.
    const back = await world.ok(['agent', 'resume'], cwd);
    expect(back.stderr).toMatch(new RegExp(`Resumed claude conversation ${claude.vendorSessionId}`));
    expect((await world.agents('cli'))[0]).toMatchObject({ status: 'running', vendorSessionId: claude.vendorSessionId });
  }, 300_000);
});
