import { appendFileSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConversationCounts, idleLongEnough, resumableWithoutLoss } from '../../../../src/core/agents/scheduler/hibernate.js';
import { loadAdapter } from '../../../../src/core/agents/vendors/index.js';
import { projectFolderName } from '../../../../src/core/agents/vendors/claude/adapter.js';
import { piFolderName } from '../../../../src/core/agents/vendors/pi/adapter.js';
import type { Adapter, Provider } from '../../../../src/core/agents/vendors/types.js';
import { addOpencodeReply, FIXTURES, FIXTURE_CWD, OPENCODE_FIXTURE_ID, tempHome, type TempHome } from '../vendors/fixture-home.js';
import { openDatabase } from '../../../../src/core/infra/sqlite.js';
import type { ActivityState } from '../../../../src/core/agents/runtime/activity/types.js';
import type { AgentEntry } from '../../../../src/core/agents/runtime/records.js';

/**
 * Which agents hibernation stops: idle for longer than the project allows (counted from the current launch at
 * the earliest), and only when stopping loses nothing: the vendor holds the conversation and, for a launch
 * that carried a prompt, more messages than at that launch (the prompt reached it).
 */
const agent = (extra: Partial<AgentEntry> = {}): AgentEntry => ({
  id: 'nap-pi',
  provider: 'pi',
  vendorSessionId: 'pi-vendor',
  status: 'running',
  cli: 'pi',
  cliCommand: ['pi', '<prompt>'],
  resumeArgs: null,
  spawnedAt: '2026-12-07T10:00:00.000Z',
  ...extra,
});
const idle = (since: string): ActivityState => ({ activity: 'idle', activitySource: 'screen', activitySince: since });
const at = (iso: string) => Date.parse(iso);

describe('hibernation: idle long enough', () => {
  it('idle for the time set, not waiting, working or at a limit', () => {
    const now = at('2026-12-07T10:01:00.000Z');
    expect(idleLongEnough(agent(), idle('2026-12-07T10:00:10.000Z'), false, 0.5, now)).toBe(true);
    expect(idleLongEnough(agent(), idle('2026-12-07T10:00:40.000Z'), false, 0.5, now)).toBe(false);
    expect(idleLongEnough(agent(), idle('2026-12-07T10:00:10.000Z'), true, 0.5, now)).toBe(false);
    for (const activity of ['working', 'waiting', 'limited'] as const)
      expect(idleLongEnough(agent(), { ...idle('2026-12-07T10:00:10.000Z'), activity }, false, 0.5, now)).toBe(false);
    expect(idleLongEnough(agent(), undefined, false, 0.5, now)).toBe(false);
  });

  it('counts from the current launch at the earliest, not from an idle time carried over', () => {
    const now = at('2026-12-07T11:00:20.000Z');
    const resumed = agent({ resumedAt: '2026-12-07T11:00:00.000Z' });
    expect(idleLongEnough(resumed, idle('2026-12-07T10:30:00.000Z'), false, 0.5, now)).toBe(false);
    expect(idleLongEnough(resumed, idle('2026-12-07T10:30:00.000Z'), false, 0.5, at('2026-12-07T11:00:31.000Z'))).toBe(true);
  });
});

describe('hibernation: resumable without loss', () => {
  it('never without a vendor id, nor with a conversation the vendor does not hold yet', () => {
    expect(resumableWithoutLoss(agent({ vendorSessionId: null, promptAfterMessages: 0 }), 0)).toBe(false);
    expect(resumableWithoutLoss(agent({ vendorSessionId: null }), 4)).toBe(false);
    // Pinned ids (claude, gemini, copilot, cursor) exist from the launch, before anything is written.
    expect(resumableWithoutLoss(agent({ cliCommand: ['claude'] }), 0)).toBe(false);
    expect(resumableWithoutLoss(agent({ cliCommand: ['claude'] }), 2)).toBe(true);
  });

  it('a launch with a prompt: only once the conversation holds more than at the launch (the prompt reached it)', () => {
    // A fresh start still loading: the vendor has not written the prompt yet.
    expect(resumableWithoutLoss(agent({ promptAfterMessages: 0 }), 0)).toBe(false);
    expect(resumableWithoutLoss(agent({ promptAfterMessages: 0 }), 1)).toBe(true);
    // Woken by `agent send` with 2 messages kept: the text sent is not in it yet.
    expect(resumableWithoutLoss(agent({ resumedAt: '2026-12-07T11:00:00.000Z', promptAfterMessages: 2 }), 2)).toBe(false);
    expect(resumableWithoutLoss(agent({ resumedAt: '2026-12-07T11:00:00.000Z', promptAfterMessages: 2 }), 3)).toBe(true);
    // Woken without a prompt (attach, wait): the kept conversation is enough.
    expect(resumableWithoutLoss(agent({ resumedAt: '2026-12-07T11:00:00.000Z' }), 2)).toBe(true);
  });
});

let world: TempHome | undefined;
afterEach(() => {
  world?.cleanup();
  world = undefined;
});

/** The adapter with its conversation reads counted. */
function counted(adapter: Adapter): { adapter: Adapter; reads: () => number } {
  let reads = 0;
  const wrapped: Adapter = {
    ...adapter,
    readTranscript: (id, opts) => {
      reads += 1;
      return adapter.readTranscript(id, opts);
    },
  };
  return { adapter: wrapped, reads: () => reads };
}

const piLine = (value: object) => `${JSON.stringify(value)}\n`;
const piMessage = (id: string, parentId: string | null, role: string, text: string, second: number) =>
  piLine({
    type: 'message',
    id,
    parentId,
    timestamp: `2026-12-07T10:00:${String(second).padStart(2, '0')}.000Z`,
    message: { role, content: [{ type: 'text', text }] },
  });

describe('hibernation: the conversation is read again only when it can have changed', () => {
  it('an idle agent that never qualifies: one read over many rounds; a new message is read and then qualifies', async () => {
    world = tempHome();
    const agentDir = join(world.home, 'agent-dir');
    const env = { ...world.env, PI_CODING_AGENT_DIR: agentDir };
    const folder = join(agentDir, 'sessions', piFolderName(FIXTURE_CWD));
    mkdirSync(folder, { recursive: true });
    const id = '0f1e2d3c-4b5a-4968-8776-655443322110';
    const file = join(folder, `2026-12-07T10-00-00-000Z_${id}.jsonl`);
    // Started without a prompt and given none: the vendor holds the session, with no message yet.
    writeFileSync(file, piLine({ type: 'session', version: 3, id, timestamp: '2026-12-07T10:00:00.000Z', cwd: FIXTURE_CWD }));
    const { adapter, reads } = counted(await loadAdapter('pi'));
    const counts = new ConversationCounts();
    const napper = agent({ vendorSessionId: id });
    for (let round = 0; round < 5; round++) {
      expect(resumableWithoutLoss(napper, await counts.count(napper.id, adapter, id, FIXTURE_CWD, env))).toBe(false);
    }
    expect(reads()).toBe(1);

    appendFileSync(file, piMessage('m1', null, 'user', 'say hi', 1) + piMessage('m2', 'm1', 'assistant', 'hi', 2));
    expect(await counts.count(napper.id, adapter, id, FIXTURE_CWD, env)).toBe(2);
    expect(reads()).toBe(2);
    expect(resumableWithoutLoss(napper, await counts.count(napper.id, adapter, id, FIXTURE_CWD, env))).toBe(true);
    expect(reads()).toBe(2);

    // Another agent on the same conversation has a count of its own.
    expect(await counts.count('other-pi', adapter, id, FIXTURE_CWD, env)).toBe(2);
    expect(reads()).toBe(3);
  });

  it('a conversation the vendor has not written yet is read again once its file appears', async () => {
    world = tempHome();
    const agentDir = join(world.home, 'agent-dir');
    const env = { ...world.env, PI_CODING_AGENT_DIR: agentDir };
    const folder = join(agentDir, 'sessions', piFolderName(FIXTURE_CWD));
    const id = '1f1e2d3c-4b5a-4968-8776-655443322110';
    const { adapter, reads } = counted(await loadAdapter('pi'));
    const counts = new ConversationCounts();
    expect(await counts.count('nap-pi', adapter, id, FIXTURE_CWD, env)).toBe(0);
    expect(await counts.count('nap-pi', adapter, id, FIXTURE_CWD, env)).toBe(0);
    expect(reads()).toBe(1);
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, `2026-12-07T10-00-00-000Z_${id}.jsonl`),
      piLine({ type: 'session', version: 3, id, timestamp: '2026-12-07T10:00:00.000Z', cwd: FIXTURE_CWD }) + piMessage('m1', null, 'user', 'go', 1),
    );
    expect(await counts.count('nap-pi', adapter, id, FIXTURE_CWD, env)).toBe(1);
    expect(reads()).toBe(2);
  });

  it('an adapter that cannot name its files is read every time', async () => {
    world = tempHome('pi');
    const { conversationFiles: _unused, ...withoutFiles } = await loadAdapter('pi');
    const { adapter, reads } = counted(withoutFiles);
    const counts = new ConversationCounts();
    for (let round = 0; round < 3; round++)
      expect(await counts.count('nap-pi', adapter, '2d9f8e7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f', FIXTURE_CWD, world.env)).toBe(3);
    expect(reads()).toBe(3);
  });

  it("each adapter's conversation files hold the sessions it lists, and none for an unknown id", async () => {
    const cases: { provider: Provider; cwd: string; env: () => NodeJS.ProcessEnv; unknown?: (env: NodeJS.ProcessEnv) => string[] }[] = [
      ...(['pi', 'copilot', 'cursor', 'gemini'] as const).map((provider) => ({
        provider,
        cwd: FIXTURE_CWD,
        env: () => (world = tempHome(provider)).env,
      })),
      {
        provider: 'claude',
        cwd: '/home/dev/work/proj',
        env: () => {
          world = tempHome();
          const folder = join(world.home, '.claude', 'projects', projectFolderName('/home/dev/work/proj'));
          mkdirSync(folder, { recursive: true });
          copyFileSync(join(FIXTURES, 'claude', 'interactive-resumed.jsonl'), join(folder, '33333333-3333-4333-8333-333333333333.jsonl'));
          return world.env;
        },
      },
      {
        provider: 'codex',
        cwd: '/home/dev/work/proj',
        env: () => {
          world = tempHome();
          const day = join(world.home, '.codex', 'sessions', '2026', '11', '21');
          mkdirSync(day, { recursive: true });
          copyFileSync(
            join(FIXTURES, 'codex', 'interactive-with-exec_command-then-resumed.jsonl'),
            join(day, 'rollout-2026-11-21T09-20-33-01a1fd68-4d10-77a1-a7c1-d452fcb8b86e.jsonl'),
          );
          return world.env;
        },
      },
      {
        // Its database (shared by every session, so any write reads again) and the log opencode writes first.
        provider: 'opencode',
        cwd: FIXTURE_CWD,
        env: () => (world = tempHome('opencode')).env,
        unknown: (env) => [join(env.HOME!, '.local/share/opencode/opencode.db'), join(env.HOME!, '.local/share/opencode/opencode.db-wal')],
      },
      {
        // Before 1.2: the session's file, its message files and their part files.
        provider: 'opencode',
        cwd: FIXTURE_CWD,
        env: () => ({ ...(world = tempHome('opencode')).env, OPENCODE_DB: 'missing.db' }),
      },
    ];
    for (const { provider, cwd, env: make, unknown } of cases) {
      const env = make();
      const adapter = await loadAdapter(provider);
      const sessions = await adapter.listSessions(cwd, env);
      expect(sessions.length, provider).toBeGreaterThan(0);
      for (const session of sessions) {
        expect(adapter.conversationFiles?.(session.id, { cwd, env }), provider).toContain(session.source);
        expect(adapter.conversationFiles?.(session.id, { env }), provider).toContain(session.source);
      }
      expect(adapter.conversationFiles?.('99999999-9999-4999-8999-999999999999', { cwd, env }), provider).toEqual(unknown?.(env) ?? []);
      world?.cleanup();
      world = undefined;
    }
  });

  it('opencode: the conversation is read again once a write reached its database or log, not while both stay the same', async () => {
    world = tempHome('opencode');
    const file = join(world.home, '.local/share/opencode/opencode.db');
    const legacy = join(world.home, '.local/share/opencode/storage/message', OPENCODE_FIXTURE_ID);
    const { adapter, reads } = counted(await loadAdapter('opencode'));
    const counts = new ConversationCounts();
    const count = () => counts.count('nap-oc', adapter, OPENCODE_FIXTURE_ID, FIXTURE_CWD, world!.env);
    expect(adapter.conversationFiles?.(OPENCODE_FIXTURE_ID, { env: world.env })).toEqual(
      expect.arrayContaining([
        file,
        `${file}-wal`,
        join(legacy, 'msg_a1b2c3d4e5f6Ab01.json'),
        expect.stringMatching(/storage\/part\/msg_a1b2c3d4e5f6Ab02\/prt_.*\.json$/),
      ]),
    );
    // opencode keeps the database open in WAL mode while it runs.
    const writer = await openDatabase(file, { readonly: false });
    try {
      writer.exec('PRAGMA journal_mode = WAL');
      for (let round = 0; round < 3; round++) expect(await count()).toBe(3);
      expect(reads()).toBe(1);
      addOpencodeReply(writer, OPENCODE_FIXTURE_ID, 'msg_zzzz_more', 5);
      expect(await count()).toBe(4);
      expect(await count()).toBe(4);
      expect(reads()).toBe(2);
    } finally {
      writer.close();
    }
    // The CLI exited: its close moved the log into the database. The empty log the next read leaves behind changes nothing.
    expect(await count()).toBe(4);
    expect(reads()).toBe(3);
    for (let round = 0; round < 3; round++) expect(await count()).toBe(4);
    expect(reads()).toBe(3);
  });
});
