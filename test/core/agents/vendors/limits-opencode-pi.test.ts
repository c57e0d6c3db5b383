import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import opencode from '../../../../src/core/agents/vendors/opencode/adapter.js';
import { opencodeLimit } from '../../../../src/core/agents/vendors/opencode/limit.js';
import type { RawMessage } from '../../../../src/core/agents/vendors/opencode/store.js';
import pi, { piFolderName } from '../../../../src/core/agents/vendors/pi/adapter.js';
import { limitFromError } from '../../../../src/core/agents/vendors/limit-text.js';
import { openDatabase } from '../../../../src/core/infra/sqlite.js';
import { FIXTURES, tempHome, type TempHome } from './fixture-home.js';

/**
 * readLimit on session files the real CLIs wrote (2026-12-07, pi 0.73.1 and
 * opencode 1.18.33 in tmux against the test model server answering their chat
 * completions with OpenAI's 429 `rate_limit_exceeded`, "Please try again in
 * Ns.", no `retry-after`, until they gave up; then the continue prompt typed):
 * - pi/real/rate-limited.jsonl: the session as pi left it after its retries;
 *   rate-limited-then-resumed.jsonl: another one, after the continue prompt was answered;
 * - opencode/real/rate-limited.json and rate-limited-then-resumed.json: the
 *   session's rows of opencode.db in the shape `opencode export` prints,
 *   before and after the continue prompt.
 * Paths are rewritten to /home/dev/work/proj.
 */
const CWD = '/home/dev/work/proj';

let world: TempHome | undefined;
afterEach(() => {
  world?.cleanup();
  world = undefined;
});

function piWorld(fixture: string): { env: NodeJS.ProcessEnv; id: string } {
  world = tempHome();
  const agent = join(world.home, 'agent-dir');
  const folder = join(agent, 'sessions', piFolderName(CWD));
  mkdirSync(folder, { recursive: true });
  const header = JSON.parse(readFileSync(join(FIXTURES, 'pi/real', fixture), 'utf8').split('\n')[0]!);
  copyFileSync(join(FIXTURES, 'pi/real', fixture), join(folder, `${header.timestamp.replace(/[:.]/g, '-')}_${header.id}.jsonl`));
  return { env: { ...world.env, PI_CODING_AGENT_DIR: agent }, id: header.id };
}

async function opencodeWorld(fixture: string): Promise<{ env: NodeJS.ProcessEnv; id: string }> {
  world = tempHome();
  const exported = JSON.parse(readFileSync(join(FIXTURES, 'opencode/real', fixture), 'utf8'));
  const file = join(world.home, '.local/share/opencode/opencode.db');
  mkdirSync(join(file, '..'), { recursive: true });
  const db = await openDatabase(file, { readonly: false });
  db.exec(readFileSync(join(FIXTURES, 'opencode/schema-subset.sql'), 'utf8'));
  db.prepare("INSERT INTO project VALUES ('global', '/', NULL, NULL, 0, 0, NULL, '[]')").run();
  const { info, messages } = exported;
  db.prepare(
    "INSERT INTO session (id, project_id, parent_id, slug, directory, title, version, time_created, time_updated) VALUES (?, 'global', NULL, 's', ?, 't', '1.18.33', ?, ?)",
  ).run(info.id, info.directory, info.time.created, info.time.updated);
  const message = db.prepare('INSERT INTO message VALUES (?, ?, ?, ?, ?)');
  const part = db.prepare('INSERT INTO part VALUES (?, ?, ?, ?, ?, ?)');
  for (const each of messages) {
    const { id, sessionID, ...data } = each.info;
    message.run(id, sessionID, data.time.created, data.time.created, JSON.stringify(data));
    for (const p of each.parts) {
      const { id: partId, sessionID: s, messageID, ...partData } = p;
      part.run(partId, messageID, s, data.time.created, data.time.created, JSON.stringify(partData));
    }
  }
  db.close();
  return { env: world.env, id: info.id };
}

describe('readLimit: pi', () => {
  it('the 429 pi gave up on, with the wait it named read from when it recorded it', async () => {
    const { env, id } = piWorld('rate-limited.jsonl');
    expect(await pi.readLimit!(id, { cwd: CWD, env })).toEqual({
      at: '2026-12-07T00:07:19.299Z',
      until: new Date(Date.parse('2026-12-07T00:07:19.299Z') + 22_000).toISOString(),
      message: '429 Rate limit reached for requests per min (RPM): Limit 60, Used 60, Requested 1. Please try again in 21s.',
    });
  });

  it('null once the agent answered after the limit', async () => {
    const { env, id } = piWorld('rate-limited-then-resumed.jsonl');
    expect(await pi.readLimit!(id, { cwd: CWD, env })).toBeNull();
  });

  it('null for a session that never hit a limit; a session that is not there is an error', async () => {
    world = tempHome();
    const agent = join(world.home, 'agent-dir');
    const folder = join(agent, 'sessions', piFolderName(CWD));
    mkdirSync(folder, { recursive: true });
    copyFileSync(join(FIXTURES, 'pi/real/interactive-then-resumed.jsonl'), join(folder, '2026-11-21T09-26-43-797Z_01a1fd6d-f354-71c7-9ef7-4743f6d319f7.jsonl'));
    const env = { ...world.env, PI_CODING_AGENT_DIR: agent };
    expect(await pi.readLimit!('01a1fd6d-f354-71c7-9ef7-4743f6d319f7', { cwd: CWD, env })).toBeNull();
    await expect(pi.readLimit!('no-such-session', { cwd: CWD, env })).rejects.toThrow();
  });
});

describe('readLimit: opencode', () => {
  it('the APIError 429 that ended the turn, its wait read from when the turn ended', async () => {
    const { env, id } = await opencodeWorld('rate-limited.json');
    const completed = 1796602244731;
    expect(await opencode.readLimit!(id, { env })).toEqual({
      at: new Date(completed).toISOString(),
      until: new Date(completed + 94_000).toISOString(),
      message: 'Rate limit reached for requests per min (RPM): Limit 60, Used 60, Requested 1. Please try again in 93s.',
    });
  });

  it('null once the agent answered after the limit', async () => {
    const { env, id } = await opencodeWorld('rate-limited-then-resumed.json');
    expect(await opencode.readLimit!(id, { env })).toBeNull();
  });

  it('retry-after (seconds or a date) wins; a 429 without words or time is still a limit; other errors are not', () => {
    const turn = (error: unknown): RawMessage[] => [
      { id: 'm', info: { role: 'assistant', time: { created: 0, completed: Date.parse('2026-12-07T00:00:00Z') }, error }, parts: [] },
    ];
    const api = (data: Record<string, unknown>) => ({ name: 'APIError', data });
    expect(opencodeLimit(turn(api({ message: 'Too Many Requests', statusCode: 429, responseHeaders: { 'retry-after': '30' } })))).toMatchObject({
      until: '2026-12-07T00:00:30.000Z',
    });
    expect(
      opencodeLimit(turn(api({ message: 'Too Many Requests', statusCode: 429, responseHeaders: { 'retry-after': 'Mon, 07 Dec 2026 01:00:00 GMT' } }))),
    ).toMatchObject({ until: '2026-12-07T01:00:00.000Z' });
    expect(opencodeLimit(turn(api({ message: 'Bad gateway', statusCode: 429 })))).toMatchObject({ until: null, message: 'Bad gateway' });
    expect(opencodeLimit(turn(api({ message: 'Internal server error', statusCode: 500 })))).toBeNull();
    expect(opencodeLimit(turn({ name: 'MessageAbortedError', data: { message: 'Aborted' } }))).toBeNull();
    // opencode's own subscription limit names its reset in words.
    const go = 'Monthly usage limit reached. It will reset in 3 hours 20 minutes. To continue using this model now, enable usage from your available balance';
    expect(opencodeLimit(turn({ name: 'UnknownError', data: { message: go } }))).toMatchObject({ until: '2026-12-07T03:21:00.000Z' });
  });
});

describe('provider error texts', () => {
  it.each([
    ['429 Rate limit reached for requests per min (RPM): Limit 60, Used 60, Requested 1. Please try again in 21s.', '2026-12-07T00:00:22.000Z'],
    ['You have hit your ChatGPT usage limit (pro plan). Try again in ~12 min.', '2026-12-07T00:13:00.000Z'],
    ['429 You exceeded your current quota, please check your plan and billing details.', null],
  ])('%s', (text, until) => {
    expect(limitFromError(text, '2026-12-07T00:00:00.000Z')).toMatchObject({ until });
  });

  it('not a limit', () => {
    expect(limitFromError('500 Internal server error', '2026-12-07T00:00:00.000Z')).toBeNull();
    expect(limitFromError('Connection error.', null)).toBeNull();
  });
});
