import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANIFEST_FILE } from '../../src/core/manifest/manifest.js';
import { CONTINUE_PROMPT } from '../../src/core/agents/scheduler/limits.js';
import { untilOf } from '../../src/core/agents/runtime/limited.js';
import { loadAdapter } from '../../src/core/agents/vendors/index.js';
import { parseJson } from '../helpers/sandbox.js';
import { poll, type CliName } from './harness.js';
import { useModelServer } from './e2e.js';
import { exitsAtLimit } from './limit-exit.js';
import { requestText, showing, useRuntimeWorlds, waitForLimitAnswer, waitForRequest, type RuntimeWorld } from './runtime-world.js';
import { LIMIT_MARKER } from './server/script.js';

/**
 * Usage limits with the real claude and codex in pwt's tmux, the model
 * server answering a turn as the vendor does when the account is out of
 * usage (429, the vendor's body and headers, a reset a few seconds away):
 * the agent's status reads `limited` with the reset the CLI printed
 * (`limitedUntil`, rounded up to the end of the minute it shows) in `agent
 * list --json` and `status --json`, and the vendor's own file records the
 * same limit; with `resumeAfterLimit` the scheduler types the continue
 * prompt once after that time, the turn goes on, and the conversation holds
 * that prompt exactly once. A codex that exited at its limit before pwt saw
 * its screen reads `limited` from its rollout alone and is resumed by its
 * vendor id after the reset.
 */
const server = useModelServer();
const worlds = useRuntimeWorlds(server, ['claude', 'codex', 'pi']);

const pathOf = (world: RuntimeWorld, session: string) => realpathSync(join(world.project.sessionsDir, session));

const schedulerAlive = (world: RuntimeWorld) => world.tmux('list-panes', '-t', '=pwt-scheduler', '-F', '#{pane_dead}').stdout.trim() === '0';

async function limitedThenResumed(provider: CliName, prepare: (world: RuntimeWorld) => void) {
  const world = worlds.make();
  const mark = server.requests.length;
  // Untracked: the main worktree stays clean for pwt create.
  writeFileSync(join(world.project.main, '.pwt.json'), JSON.stringify({ agents: { resumeAfterLimit: true } }));
  prepare(world);
  await world.session('capped');
  // A reset 12 s on, so the checks made while the agent reads limited come before it (the CLI then rounds it up to its minute).
  const prompt = `capped ${provider} turn ${LIMIT_MARKER} 12`;
  await world.ok(['agent', 'start', provider, '--session', 'capped', '--prompt', prompt, '--detach']);
  const resetsAt = await waitForLimitAnswer(server, prompt, mark);

  const limited = await showing(
    world,
    poll(`${provider} to read limited`, async () => (await world.agents('capped')).find((agent) => agent.activity === 'limited' && agent.limitedUntil), 60_000),
  );
  const until = Date.parse(limited.limitedUntil);
  // The CLI prints the minute of the reset: pwt waits to the end of that minute.
  expect(until).toBeGreaterThanOrEqual(resetsAt);
  expect(until - resetsAt).toBeLessThanOrEqual(61_000);
  // Its status is limited (the process lives underneath), in the list and in status --json.
  expect(limited.status).toBe('limited');
  const status = parseJson((await world.ok(['status', '--json'])).stdout);
  const inStatus = status.sessions.flatMap((session: any) => session.agents).find((agent: any) => agent.id === limited.id);
  expect(inStatus).toMatchObject({ status: 'limited', activity: 'limited', limitedUntil: limited.limitedUntil });
  // The vendor's own file says the same (its interactive CLI's format), with the same reset.
  const recorded = await poll(
    `${provider}'s file to record the limit`,
    async () => (await loadAdapter(provider)).readLimit!(limited.vendorSessionId, { cwd: pathOf(world, 'capped'), env: world.env }),
    30_000,
  );
  expect(untilOf({ provider }, recorded)).toBe(limited.limitedUntil);
  // Nothing is typed before the reset.
  expect(server.requests.slice(mark).filter((r) => r.at < until && requestText(r).includes(CONTINUE_PROMPT))).toEqual([]);

  const resumed = await showing(world, waitForRequest(server, CONTINUE_PROMPT, mark, 150_000));
  expect(resumed.at).toBeGreaterThanOrEqual(until);
  const after = await showing(
    world,
    poll(`${provider} to answer the resumed turn`, async () => (await world.agents('capped')).find((agent) => agent.activity === 'idle'), 90_000),
  );
  expect(after.limitedUntil).toBeUndefined();
  expect(after.status).toBe('running');
  const manifest = JSON.parse(readFileSync(join(world.project.sessionsDir, MANIFEST_FILE), 'utf8'));
  const entry = manifest.sessions.flatMap((session: any) => session.agents ?? []).find((agent: any) => agent.id === limited.id);
  expect(entry).toMatchObject({ limitResumedFor: limited.limitedUntil });
  // The last model request carries the continue prompt once: it was typed once.
  const last = server.requests
    .slice(mark)
    .filter((r) => r.reply && r.reply.kind !== 'limit' && requestText(r).includes(CONTINUE_PROMPT))
    .at(-1)!;
  expect(requestText(last).split(CONTINUE_PROMPT).length - 1).toBe(1);
  expect(last.reply).toMatchObject({ kind: 'text' });

  await world.ok(['agent', 'stop', provider, '--session', 'capped']);
  await poll('the scheduler to end once nothing runs', () => !schedulerAlive(world), 30_000);
}

describe('usage limits', () => {
  it('claude (a subscription) hits its session limit: limited until the reset it prints, then resumed once', async () => {
    await limitedThenResumed('claude', (world) => {
      // The subscription path of claude (its limits are a subscription's): an OAuth token instead of the API key.
      delete world.env.ANTHROPIC_API_KEY;
      world.env.CLAUDE_CODE_OAUTH_TOKEN = 'pwt-fake-oauth';
      world.env.CLAUDE_CODE_SUBSCRIPTION_TYPE = 'max';
    });
  }, 300_000);

  it('codex hits its usage limit: limited until the reset it prints, then resumed once', async () => {
    await limitedThenResumed('codex', () => undefined);
  }, 300_000);

  it('codex that exits at its limit before pwt saw its screen: limited from its rollout, resumed by its vendor id after the reset, once', async () => {
    const world = worlds.make();
    const { mark, vendorId, limited, entryOf } = await exitsAtLimit(server, world, 'codex', {
      limit: '2',
      file: 'the rollout',
      // The CLI prints the minute of the reset: pwt waits to the end of that minute.
      latestAfterReset: 61_000,
      resumeWithin: 150_000,
      whileExited: async (limited, entryOf) => {
        expect(limited.activity).toBeUndefined();
        expect(entryOf().status).toBe('exited');
        const status = parseJson((await world.ok(['status', '--json'])).stdout);
        expect(status.sessions.flatMap((session: any) => session.agents).find((agent: any) => agent.id === 'quit-codex')).toMatchObject({
          status: 'limited',
          limitedUntil: limited.limitedUntil,
        });
      },
    });
    await showing(
      world,
      poll('codex to answer', async () => (await world.agents('quit'))[0]?.activity === 'idle', 90_000),
    );
    const agent = (await world.agents('quit'))[0];
    expect(agent).toMatchObject({ status: 'running', vendorSessionId: vendorId });
    expect(agent.limitedUntil).toBeUndefined();
    expect(entryOf()).toMatchObject({ limitResumedFor: limited.limitedUntil });
    const last = server.requests
      .slice(mark)
      .filter((r) => r.reply && r.reply.kind !== 'limit' && requestText(r).includes(CONTINUE_PROMPT))
      .at(-1)!;
    expect(requestText(last).split(CONTINUE_PROMPT).length - 1).toBe(1);
    await world.ok(['agent', 'stop', 'codex', '--session', 'quit']);
    await world.ok(['agent', 'stop', 'pi', '--session', 'other']);
  }, 300_000);
});
