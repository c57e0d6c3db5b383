import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANIFEST_FILE } from '../../src/core/manifest/manifest.js';
import { CONTINUE_PROMPT } from '../../src/core/agents/scheduler/limits.js';
import { parseJson } from '../helpers/sandbox.js';
import { poll, type CliName } from './harness.js';
import { useModelServer } from './e2e.js';
import { exitsAtLimit } from './limit-exit.js';
import { requestText, showing, useRuntimeWorlds, waitForLimitAnswer } from './runtime-world.js';
import { LIMIT_MARKER } from './server/script.js';

/**
 * Usage limits with the real gemini and copilot in pwt's tmux, the model
 * server answering a turn as the vendor does when the account is out of
 * usage (test/agents/server: gemini.ts, chat-completions.ts) for a few
 * seconds: the agent reads limited with the reset the CLI printed
 * (`limitedUntil`) in `agent list --json` and `status --json`; with
 * `resumeAfterLimit` the scheduler resumes the turn once after that time
 * (gemini: "Keep trying" in its limit dialog) and the model server receives
 * the continued turn.
 */
const server = useModelServer();
const worlds = useRuntimeWorlds(server, ['gemini', 'copilot', 'pi']);

const isLimited = (agent: any) => agent.activity === 'limited' || agent.status === 'limited';

async function limitedThenResumed(provider: CliName, limit: string, typesPrompt: boolean) {
  const world = worlds.make();
  const mark = server.requests.length;
  // Untracked: the main worktree stays clean for pwt create.
  writeFileSync(join(world.project.main, '.pwt.json'), JSON.stringify({ agents: { resumeAfterLimit: true } }));
  await world.session('capped');
  const prompt = `capped ${provider} turn ${LIMIT_MARKER} ${limit}`;
  await world.ok(['agent', 'start', provider, '--session', 'capped', '--prompt', prompt, '--detach']);
  const resetsAt = await waitForLimitAnswer(server, prompt, mark);

  const limited = await showing(
    world,
    poll(`${provider} to read limited`, async () => (await world.agents('capped')).find((agent) => isLimited(agent) && agent.limitedUntil), 90_000),
  );
  const until = Date.parse(limited.limitedUntil);
  // The CLI prints the reset to the minute (gemini) or the wait the provider gave (copilot): pwt waits at least that long.
  expect(until).toBeGreaterThanOrEqual(resetsAt - 1000);
  expect(until - resetsAt).toBeLessThanOrEqual(61_000);
  const status = parseJson((await world.ok(['status', '--json'])).stdout);
  const inStatus = status.sessions.flatMap((session: any) => session.agents).find((agent: any) => agent.id === limited.id);
  expect(inStatus).toMatchObject({ limitedUntil: limited.limitedUntil });
  expect(isLimited(inStatus)).toBe(true);
  // Nothing is sent before the reset.
  expect(server.requests.slice(mark).filter((r) => r.at < until && (r.reply?.kind === 'text' || requestText(r).includes(CONTINUE_PROMPT)))).toEqual([]);

  // The continued turn (not a side call such as gemini's router, which sees the last message only), after the reset:
  // the model sees the limited prompt and answers.
  const resumed = await showing(
    world,
    poll(
      'the continued turn',
      () => server.requests.slice(mark).find((r) => r.at >= until && r.reply?.kind === 'text' && requestText(r).includes(prompt)),
      400_000,
    ),
  );
  // gemini's Keep trying sends the limited request again; a CLI without such a menu gets the continue prompt, once.
  const continued = requestText(resumed).split(CONTINUE_PROMPT).length - 1;
  expect(continued).toBe(typesPrompt ? 1 : 0);
  const after = await showing(
    world,
    poll(
      `${provider} to answer the resumed turn`,
      async () => (await world.agents('capped')).find((agent) => agent.activity === 'idle' && !isLimited(agent)),
      90_000,
    ),
  );
  expect(after.limitedUntil).toBeUndefined();
  const manifest = JSON.parse(readFileSync(join(world.project.sessionsDir, MANIFEST_FILE), 'utf8'));
  const entry = manifest.sessions.flatMap((session: any) => session.agents ?? []).find((agent: any) => agent.id === limited.id);
  expect(entry).toMatchObject({ limitResumedFor: limited.limitedUntil });
  const last = server.requests
    .slice(mark)
    .filter((r) => r.reply?.kind === 'text')
    .at(-1)!;
  expect(requestText(last).split(CONTINUE_PROMPT).length - 1).toBe(typesPrompt ? 1 : 0);

  await world.ok(['agent', 'stop', provider, '--session', 'capped']);
}

describe('usage limits (gemini, copilot)', () => {
  it('gemini hits its quota: limited until the reset its dialog prints, then Keep trying resumes the turn once', async () => {
    // A reset 12 s on (gemini takes any quota of this kind as final), so the checks made while it reads limited come before it.
    await limitedThenResumed('gemini', '12', false);
  }, 300_000);

  // copilot waits out a retry-after of up to 3 minutes by itself (165 s measured) and gives up on a longer one
  // (181 s): the shortest limit that ends its turn.
  it('copilot gives up on a 429 whose retry-after is past what it waits: limited until the wait its message names, then resumed once', async () => {
    await limitedThenResumed('copilot', '181 retry-after', true);
  }, 540_000);
  it('copilot that exits at its limit before pwt saw its screen: limited from its events.jsonl, resumed by its vendor id after the reset, once', async () => {
    const world = worlds.make();
    const { mark, vendorId, limited, entryOf } = await exitsAtLimit(server, world, 'copilot', {
      limit: '181 retry-after',
      file: 'the events file',
      // The wait the message names ("Please try again in 181s."), from the error's time, and a second.
      latestAfterReset: 5_000,
      resumeWithin: 300_000,
    });
    // The model answers the resumed turn.
    await showing(
      world,
      poll(
        'copilot to be answered',
        () => server.requests.slice(mark).find((r) => r.reply?.kind === 'text' && requestText(r).includes(CONTINUE_PROMPT)),
        90_000,
      ),
    );
    const agent = await showing(
      world,
      poll('the limit to be over', async () => (await world.agents('quit')).find((each) => each.status === 'running' && !each.limitedUntil), 60_000),
    );
    expect(agent).toMatchObject({ vendorSessionId: vendorId });
    // Answered: idle from its still screen in its new pane (not working from its process, as when that pane's capture was lost).
    await showing(
      world,
      poll(
        'the resumed copilot to read idle',
        async () => (await world.agents('quit')).find((each) => each.activity === 'idle' && each.activitySource === 'screen'),
        60_000,
      ),
    );
    expect(entryOf()).toMatchObject({ limitResumedFor: limited.limitedUntil });
    await world.ok(['agent', 'stop', 'copilot', '--session', 'quit']);
    await world.ok(['agent', 'stop', 'pi', '--session', 'other']);
  }, 540_000);
});
