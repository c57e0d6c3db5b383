import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import copilot from '../../../../src/core/agents/vendors/copilot/adapter.js';
import { FIXTURES, tempHome, type TempHome } from './fixture-home.js';

/**
 * copilot's readLimit on a session the real CLI wrote (2026-12-07,
 * @github/copilot 1.0.102 in pwt's tmux against the test model server
 * answering its chat completions with OpenAI's 429 `rate_limit_exceeded`,
 * "Please try again in 3600s.", `retry-after: 3600`, which copilot does not
 * wait out): copilot/limited/session-state/3a2ba4db-.../events.jsonl ends with
 * `assistant.turn_end` then `session.error` (`errorType: "rate_limit"`,
 * `statusCode: 429`). Paths are rewritten to /home/dev/work/proj.
 */
const ID = '3a2ba4db-34f2-4a88-8f6c-2a39662e86e8';

let world: TempHome | undefined;
afterEach(() => {
  world?.cleanup();
  world = undefined;
});

/** A COPILOT_HOME holding the limited session; `extra` lines are appended to its events. */
function limitedHome(extra: object[] = []): NodeJS.ProcessEnv {
  world = tempHome();
  const home = join(world.home, '.copilot');
  mkdirSync(home, { recursive: true });
  cpSync(join(FIXTURES, 'copilot/limited/session-state'), join(home, 'session-state'), { recursive: true });
  const events = join(home, 'session-state', ID, 'events.jsonl');
  writeFileSync(events, readFileSync(events, 'utf8') + extra.map((line) => `${JSON.stringify(line)}\n`).join(''));
  return { ...world.env, COPILOT_HOME: home };
}

describe('copilot usage limit from its session file', () => {
  it('the 429 it gave up on: its time, the reset the message names counted from it, the message', async () => {
    const limit = await copilot.readLimit!(ID, { env: limitedHome() });
    expect(limit).toEqual({
      at: '2026-12-07T00:03:01.948Z',
      // "Please try again in 3600s." from 00:03:01.948, plus a second (the provider rounds).
      until: new Date(Date.parse('2026-12-07T00:03:01.948Z') + 3_601_000).toISOString(),
      message: expect.stringMatching(/^429 Rate limit reached .* Please try again in 3600s\.$/),
    });
  });

  it('none once the agent was asked again and answered', async () => {
    const env = limitedHome([
      { type: 'user.message', data: { content: 'Your usage limit has reset. Continue the task where you left off.' }, timestamp: '2026-12-07T01:04:00.000Z' },
      { type: 'assistant.message', data: { messageId: 'm2', content: 'Done.', toolRequests: [] }, timestamp: '2026-12-07T01:04:01.000Z' },
    ]);
    expect(await copilot.readLimit!(ID, { env })).toBeNull();
  });

  it('none when the last error is not a limit (a network failure after it)', async () => {
    const env = limitedHome([
      { type: 'session.error', data: { errorType: 'transport_connection', message: 'connection refused' }, timestamp: '2026-12-07T01:04:00.000Z' },
    ]);
    expect(await copilot.readLimit!(ID, { env })).toBeNull();
  });

  it("GitHub's own quota error (no wait named): a limit without a reset", async () => {
    const env = limitedHome([
      { type: 'user.message', data: { content: 'again' }, timestamp: '2026-12-07T01:04:00.000Z' },
      {
        type: 'session.error',
        data: { errorType: 'quota_exhausted', message: "You've run out of your included AI credits for the month." },
        timestamp: '2026-12-07T01:04:01.000Z',
      },
    ]);
    expect(await copilot.readLimit!(ID, { env })).toEqual({
      at: '2026-12-07T01:04:01.000Z',
      until: null,
      message: "You've run out of your included AI credits for the month.",
    });
  });
});
