import { existsSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { MANIFEST_FILE } from '../../src/core/manifest/manifest.js';
import { CONTINUE_PROMPT } from '../../src/core/agents/scheduler/limits.js';
import { loadAdapter } from '../../src/core/agents/vendors/index.js';
import { poll } from './harness.js';
import type { ModelServer, RecordedRequest } from './server/index.js';
import { requestText, showing, waitForLimitAnswer, waitForRequest, type RuntimeWorld } from './runtime-world.js';
import { LIMIT_MARKER } from './server/script.js';

/** What the scenario leaves for the test's own checks of the resumed agent. */
export interface ExitedAtLimit {
  world: RuntimeWorld;
  /** The first model request of this scenario (an index into server.requests). */
  mark: number;
  vendorId: string;
  /** The agent as `agent list --json` showed it while limited. */
  limited: any;
  /** Its manifest entry, read now. */
  entryOf(): any;
  /** The continue prompt's request. */
  resumed: RecordedRequest;
}

/**
 * A vendor CLI that exits at its usage limit before pwt saw its screen (session
 * `quit`, agent `quit-<vendor>`): with no scheduler watching (no
 * resumeAfterLimit yet), pwt learns the limit from the vendor's own file only.
 * The agent's process is killed and any screen pwt kept is removed; the agent
 * reads limited from that file (its `.limit.json` says so, source transcript),
 * until at most `latestAfterReset` ms past the reset the server gave. Then,
 * with resumeAfterLimit, a pi agent's start in session `other` has the
 * scheduler watch the project: it resumes the agent by its vendor id after the
 * reset (the model sees the earlier turn) with the continue prompt.
 */
export async function exitsAtLimit(
  server: ModelServer,
  world: RuntimeWorld,
  vendor: 'codex' | 'copilot',
  opts: {
    /** What follows LIMIT_MARKER in the prompt (see test/agents/server/script.ts). */
    limit: string;
    /** The vendor's file that records the limit, for messages: "the rollout". */
    file: string;
    latestAfterReset: number;
    /** How long the scheduler may take to type the continue prompt. */
    resumeWithin: number;
    /** More checks while the agent has exited limited, before resumeAfterLimit is set. */
    whileExited?: (limited: any, entryOf: () => any) => Promise<void>;
  },
): Promise<ExitedAtLimit> {
  const mark = server.requests.length;
  await world.session('quit');
  const prompt = `exits at its limit ${LIMIT_MARKER} ${opts.limit}`;
  await world.ok(['agent', 'start', vendor, '--session', 'quit', '--prompt', prompt, '--detach']);
  const resetsAt = await waitForLimitAnswer(server, prompt, mark);
  const agentId = `quit-${vendor}`;
  const entryOf = () =>
    JSON.parse(readFileSync(join(world.project.sessionsDir, MANIFEST_FILE), 'utf8'))
      .sessions.flatMap((session: any) => session.agents ?? [])
      .find((agent: any) => agent.id === agentId);
  const vendorId = await poll('the vendor id', async () => (await world.agents('quit'))[0]?.vendorSessionId, 30_000);
  const adapter = await loadAdapter(vendor);
  const cwd = realpathSync(join(world.project.sessionsDir, 'quit'));
  await showing(
    world,
    poll(`${opts.file} to record the limit`, () => adapter.readLimit!(vendorId, { cwd, env: world.env }), 30_000),
  );
  process.kill(entryOf().tmux.pid, 'SIGKILL');
  // Whatever screen pwt may have kept is gone: only the vendor's file can tell.
  const agentsDir = join(world.project.sessionsDir, '.pwt', 'agents');
  rmSync(join(agentsDir, `${agentId}.screen.json`), { force: true });

  const limited = await showing(
    world,
    poll(`${vendor} to read limited once exited`, async () => (await world.agents('quit')).find((agent) => agent.status === 'limited'), 30_000),
  );
  expect(existsSync(join(agentsDir, `${agentId}.screen.json`))).toBe(false);
  const until = Date.parse(limited.limitedUntil);
  expect(until).toBeGreaterThanOrEqual(resetsAt);
  expect(until - resetsAt).toBeLessThanOrEqual(opts.latestAfterReset);
  expect(JSON.parse(readFileSync(join(agentsDir, `${agentId}.limit.json`), 'utf8')).limit).toEqual({ until: limited.limitedUntil, source: 'transcript' });
  await opts.whileExited?.(limited, entryOf);

  // Now with resumeAfterLimit: another agent's start has the scheduler watch the project.
  writeFileSync(join(world.project.main, '.pwt.json'), JSON.stringify({ agents: { resumeAfterLimit: true } }));
  await world.session('other');
  await world.ok(['agent', 'start', 'pi', '--session', 'other', '--prompt', 'say hello', '--detach']);
  const resumed = await showing(world, waitForRequest(server, CONTINUE_PROMPT, mark, opts.resumeWithin));
  expect(resumed.at).toBeGreaterThanOrEqual(until);
  // Resumed by its vendor id: the model sees the earlier turn.
  expect(requestText(resumed)).toContain('exits at its limit');
  return { world, mark, vendorId, limited, entryOf, resumed };
}
