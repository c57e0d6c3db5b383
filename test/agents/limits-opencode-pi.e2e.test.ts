import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANIFEST_FILE } from '../../src/core/manifest/manifest.js';
import { CONTINUE_PROMPT } from '../../src/core/agents/scheduler/limits.js';
import opencode from '../../src/core/agents/vendors/opencode/adapter.js';
import pi from '../../src/core/agents/vendors/pi/adapter.js';
import type { Adapter } from '../../src/core/agents/vendors/types.js';
import { parseJson } from '../helpers/sandbox.js';
import { poll, type CliName } from './harness.js';
import { useModelServer } from './e2e.js';
import { requestText, showing, useRuntimeWorlds, waitForRequest, type RuntimeWorld } from './runtime-world.js';
import { LIMIT_MARKER } from './server/script.js';

/**
 * Usage limits with the real pi and opencode in pwt's tmux, the model server
 * answering their chat completions as OpenAI does over a rate limit (429
 * `rate_limit_exceeded`, "Please try again in Ns.") for a scripted window.
 *
 * - Without `retry-after`, both retry by themselves (pi about 20 s, opencode
 *   about 60 s) and then end the turn with the provider's message: the agent
 *   reads `limited` with `limitedUntil` from the wait it names (counted from
 *   when it appeared), the vendor's own file says the same (readLimit), and
 *   with `resumeAfterLimit` the scheduler types the continue prompt once after
 *   that time; the model server receives the continued turn.
 * - With `retry-after`, both wait the limit out by themselves: pwt shows them
 *   `working` all along (pi's spinner; opencode's plugin reports its retry
 *   status as busy), never `idle` or `limited`.
 * cursor's CLI is not on npm: its limit screen is checked on a hand-written
 * fixture in test/core/agents/runtime/activity/limit-opencode-pi-cursor.test.ts.
 */
const server = useModelServer();
const worlds = useRuntimeWorlds(server, ['pi', 'opencode']);
const ADAPTERS: Partial<Record<CliName, Adapter>> = { pi, opencode };

const schedulerAlive = (world: RuntimeWorld) => world.tmux('list-panes', '-t', '=pwt-scheduler', '-F', '#{pane_dead}').stdout.trim() === '0';

async function limitedThenResumed(provider: 'pi' | 'opencode', windowSeconds: number, requests: number) {
  const world = worlds.make();
  const mark = server.requests.length;
  writeFileSync(join(world.project.main, '.pwt.json'), JSON.stringify({ agents: { resumeAfterLimit: true } }));
  const cwd = await world.session('capped');
  // At least `requests` limit answers: the CLI gives up after its retries however slowly a loaded machine runs them.
  const prompt = `capped ${provider} turn ${LIMIT_MARKER} ${windowSeconds} x${requests}`;
  await world.ok(['agent', 'start', provider, '--session', 'capped', '--prompt', prompt, '--detach']);
  await poll('the limit answer', () => server.requests.slice(mark).find((r) => r.reply?.kind === 'limit' && requestText(r).includes(prompt)), 120_000);

  // The CLI retries first: the agent reads limited only once it gave up, before the window is over.
  const limited = await showing(
    world,
    poll(
      `${provider} to read limited`,
      async () => (await world.agents('capped')).find((agent) => agent.activity === 'limited' && agent.limitedUntil),
      150_000,
    ),
  );
  const until = Date.parse(limited.limitedUntil);
  // The answer it gave up on: the last limit answer.
  const lastLimit = server.requests
    .slice(mark)
    .filter((r) => r.reply?.kind === 'limit' && requestText(r).includes(prompt))
    .at(-1)!;
  const resetsAt = (lastLimit.reply as { resetsAt: number }).resetsAt;
  expect(until).toBeGreaterThanOrEqual(resetsAt);
  expect(until - resetsAt).toBeLessThanOrEqual(15_000);
  const status = parseJson((await world.ok(['status', '--json'])).stdout);
  const inStatus = status.sessions.flatMap((session: any) => session.agents).find((agent: any) => agent.id === limited.id);
  expect(inStatus).toMatchObject({ activity: 'limited', limitedUntil: limited.limitedUntil });
  // The vendor's own file records the same limit.
  const recorded = await ADAPTERS[provider]!.readLimit!(limited.vendorSessionId, { cwd, env: world.env });
  expect(recorded?.message).toMatch(/Rate limit reached/);
  expect(Math.abs(Date.parse(recorded!.until!) - until)).toBeLessThanOrEqual(10_000);
  // Nothing is typed before the reset.
  expect(server.requests.slice(mark).filter((r) => r.at < until && requestText(r).includes(CONTINUE_PROMPT))).toEqual([]);

  const resumed = await waitForRequest(server, CONTINUE_PROMPT, mark, 150_000);
  expect(resumed.at).toBeGreaterThanOrEqual(until);
  // The continued turn carries the limited one before it.
  expect(requestText(resumed)).toContain(prompt);
  const after = await showing(
    world,
    poll(`${provider} to answer the resumed turn`, async () => (await world.agents('capped')).find((agent) => agent.activity === 'idle'), 90_000),
  );
  expect(after.limitedUntil).toBeUndefined();
  expect(await ADAPTERS[provider]!.readLimit!(limited.vendorSessionId, { cwd, env: world.env })).toBeNull();
  const manifest = JSON.parse(readFileSync(join(world.project.sessionsDir, MANIFEST_FILE), 'utf8'));
  const entry = manifest.sessions.flatMap((session: any) => session.agents ?? []).find((agent: any) => agent.id === limited.id);
  expect(entry).toMatchObject({ limitResumedFor: limited.limitedUntil });
  const answered = server.requests.slice(mark).filter((r) => r.reply?.kind === 'text' && requestText(r).includes(CONTINUE_PROMPT));
  expect(answered.length).toBeGreaterThan(0);
  expect(requestText(answered.at(-1)!).split(CONTINUE_PROMPT).length - 1).toBe(1);

  await world.ok(['agent', 'stop', provider, '--session', 'capped']);
  await poll('the scheduler to end once nothing runs', () => !schedulerAlive(world), 30_000);
}

describe('usage limits: pi and opencode', () => {
  it('pi gives up on a rate limit after its retries: limited until the wait it names, then resumed once', async () => {
    await limitedThenResumed('pi', 35, 4);
  }, 300_000);

  it('opencode gives up on a rate limit after its retries: limited until the wait it names, then resumed once', async () => {
    // Its title request carries the text too: x12 leaves its own six (a try and five retries) limited.
    await limitedThenResumed('opencode', 100, 12);
  }, 400_000);

  it.each([
    ['pi', 8],
    ['opencode', 12],
  ] as const)(
    '%s waits out a rate limit that comes with retry-after: working all along, then idle with the answer',
    async (provider, seconds) => {
      const world = worlds.make();
      const mark = server.requests.length;
      await world.session('waits');
      const prompt = `waits it out ${LIMIT_MARKER} ${seconds} retry-after`;
      await world.ok(['agent', 'start', provider, '--session', 'waits', '--prompt', prompt, '--detach']);
      await poll('the limit answer', () => server.requests.slice(mark).find((r) => r.reply?.kind === 'limit'), 120_000);
      const seen: string[] = [];
      const answered = () => server.requests.slice(mark).some((r) => r.reply?.kind === 'text' && requestText(r).includes('waits it out'));
      while (!answered()) {
        const [agent] = await world.agents('waits');
        seen.push(String(agent?.activity));
        if (seen.length > 300) throw new Error(`${provider} never retried: ${seen.join(' ')}`);
      }
      expect(seen.length).toBeGreaterThan(2);
      expect(new Set(seen)).toEqual(new Set(['working']));
      await showing(
        world,
        poll(`${provider} to be idle with its answer`, async () => (await world.agents('waits'))[0]?.activity === 'idle', 60_000),
      );
    },
    240_000,
  );
});
