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
 * wait out):
 * - copilot/limited/session-state/3a2ba4db-.../events.jsonl ends with
 *   `assistant.turn_end` then `session.error` (`errorType: "rate_limit"`,
 *   `statusCode: 429`);
 * - copilot/limited-then-resumed/session-state/f84d809b-.../events.jsonl: the
 *   same with `retry-after: 181`, then the continue prompt typed after the
 *   reset and answered.
 * Paths are rewritten to /home/dev/work/proj. The other cases append
 * hand-written events (marked so) to the first.
 */
const ID = '3a2ba4db-34f2-4a88-8f6c-2a39662e86e8';
const RESUMED = 'f84d809b-255c-4524-bfe4-15ceff69ebc9';

let world: TempHome | undefined;
afterEach(() => {
  world?.cleanup();
  world = undefined;
});

/** A COPILOT_HOME holding both sessions; `extra` (hand-written) lines are appended to the limited one's events. */
function limitedHome(extra: object[] = []): NodeJS.ProcessEnv {
  world = tempHome();
  const home = join(world.home, '.copilot');
  mkdirSync(home, { recursive: true });
  cpSync(join(FIXTURES, 'copilot/limited/session-state'), join(home, 'session-state'), { recursive: true });
  cpSync(join(FIXTURES, 'copilot/limited-then-resumed/session-state'), join(home, 'session-state'), { recursive: true });
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

  it('none once the continue prompt was typed and answered (the real resumed session)', async () => {
    const env = limitedHome();
    expect(await copilot.readLimit!(RESUMED, { env })).toBeNull();
    // The same file cut before the continue prompt: its limit, 181 s (and a second) from the error.
    const events = join(env.COPILOT_HOME!, 'session-state', RESUMED, 'events.jsonl');
    const lines = readFileSync(events, 'utf8').split('\n');
    const cut = lines.findIndex((line) => line.includes('"type":"user.message"') && line.includes('Your usage limit has reset'));
    writeFileSync(events, `${lines.slice(0, cut).join('\n')}\n`);
    expect(await copilot.readLimit!(RESUMED, { env })).toMatchObject({ at: '2026-12-07T00:58:27.249Z', until: '2026-12-07T01:01:29.249Z' });
  });

  it('none once a hand-written user message and answer follow it', async () => {
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
