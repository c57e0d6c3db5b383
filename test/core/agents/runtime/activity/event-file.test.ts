import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hookFile, readHookState, recordEvent } from '../../../../../src/core/agents/runtime/activity/event-file.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'pwt-events-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('hook events into the per-agent hook file', () => {
  it('maps claude events, keeps since while the activity stays, leaves no temp file', () => {
    const dir = tempDir();
    expect(recordEvent(dir, 'a1', 'UserPromptSubmit', undefined, 1000)).toBe(true);
    expect(recordEvent(dir, 'a1', 'PreToolUse', undefined, 2000)).toBe(true);
    expect(readHookState(hookFile(dir, 'a1'))).toEqual({ event: 'PreToolUse', activity: 'working', at: 2000, since: 1000 });
    expect(recordEvent(dir, 'a1', 'PermissionRequest', undefined, 3000)).toBe(true);
    expect(readHookState(hookFile(dir, 'a1'))).toMatchObject({ activity: 'waiting', since: 3000 });
    expect(recordEvent(dir, 'a1', 'Stop', undefined, 4000)).toBe(true);
    expect(readHookState(hookFile(dir, 'a1'))).toMatchObject({ activity: 'idle', since: 4000 });
    expect(readdirSync(dir)).toEqual(['a1.hook.json']);
  });

  it("opencode (what pwt's plugin makes of its bus events): busy works, a permission asked waits, its reply works again, idle ends the turn", () => {
    const dir = tempDir();
    expect(recordEvent(dir, 'o1', 'opencode:busy', undefined, 1000)).toBe(true);
    expect(recordEvent(dir, 'o1', 'opencode:asked', undefined, 2000)).toBe(true);
    expect(readHookState(hookFile(dir, 'o1'))).toEqual({ event: 'opencode:asked', activity: 'waiting', at: 2000, since: 2000 });
    expect(recordEvent(dir, 'o1', 'opencode:replied', undefined, 3000)).toBe(true);
    expect(readHookState(hookFile(dir, 'o1'))).toMatchObject({ activity: 'working', since: 3000 });
    expect(recordEvent(dir, 'o1', 'opencode:idle', undefined, 4000)).toBe(true);
    expect(readHookState(hookFile(dir, 'o1'))).toMatchObject({ activity: 'idle', since: 4000 });
  });

  it('ignores unknown events and bad agent ids', () => {
    const dir = tempDir();
    expect(recordEvent(dir, 'a1', 'SomethingNew')).toBe(false);
    expect(recordEvent(dir, '../escape', 'Stop')).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("codex notify: the turn's end is idle; a side thread's (task title) is ignored once the vendor id is recorded", () => {
    const dir = tempDir();
    const notify = (thread: string) => JSON.stringify({ type: 'agent-turn-complete', 'thread-id': thread, 'turn-id': 't' });
    expect(recordEvent(dir, 'c1', 'codex-notify', notify('side'), 1000)).toBe(true); // no record yet: accepted
    writeFileSync(join(dir, 'c1.session.json'), JSON.stringify({ agentId: 'c1', vendorSessionId: 'main' }));
    recordEvent(dir, 'c1', 'UserPromptSubmit', undefined, 2000);
    expect(recordEvent(dir, 'c1', 'codex-notify', notify('side'), 3000)).toBe(false);
    expect(readHookState(hookFile(dir, 'c1'))).toMatchObject({ activity: 'working' });
    expect(recordEvent(dir, 'c1', 'codex-notify', notify('main'), 4000)).toBe(true);
    expect(readHookState(hookFile(dir, 'c1'))).toMatchObject({ event: 'agent-turn-complete', activity: 'idle', at: 4000 });
    expect(recordEvent(dir, 'c1', 'codex-notify', 'not json')).toBe(false);
  });
});

describe('pwt _agent-event (the built CLI)', () => {
  it('writes the hook file from the CommonJS entry; missing arguments are a usage error', async () => {
    const { spawnSync } = await import('node:child_process');
    const { CLI, NODE } = await import('../../../../helpers/sandbox.js');
    const dir = tempDir();
    const run = (...args: string[]) => spawnSync(NODE, [CLI, '_agent-event', ...args], { encoding: 'utf8' });
    const ok = run(dir, 'a1', 'UserPromptSubmit');
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toBe('');
    expect(readHookState(hookFile(dir, 'a1'))).toMatchObject({ event: 'UserPromptSubmit', activity: 'working' });
    const bad = run(dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^pwt: pwt _agent-event needs/);
  }, 30_000);
});

describe('activity files go with the agent record', () => {
  it('removeAgentRecordFile also removes the hook, screen and claude settings files of that agent only', async () => {
    const { removeAgentRecordFile } = await import('../../../../../src/core/agents/runtime/records.js');
    const sessionsDir = tempDir();
    const dir = join(sessionsDir, '.pwt', 'agents');
    recordEvent(dir, 'a1', 'Stop');
    recordEvent(dir, 'a2', 'Stop');
    for (const name of ['a1.session.json', 'a1.screen.json', 'a1.claude-settings.json']) writeFileSync(join(dir, name), '{}');
    removeAgentRecordFile(sessionsDir, 'a1');
    expect(readdirSync(dir)).toEqual(['a2.hook.json']);
  });
});
