import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agentRecordPath, patchAgent, updateAgents, type AgentEntry } from '../../../../src/core/agents/runtime/records.js';
import { checkStatus, readLiveness } from '../../../../src/core/agents/runtime/status.js';
import { processStartTime } from '../../../../src/core/infra/processes.js';
import { readManifest, updateManifest } from '../../../../src/core/manifest/store.js';
import { openProject, type Project } from '../../../../src/core/project/project.js';
import { newAgentWindow } from '../../../../src/core/tmux/windows.js';
import { makeProject, type Project as TestProject } from '../../../helpers/sandbox.js';
import { isolateTmux, placeOf } from '../../../helpers/tmux.js';
import { poll } from '../../../agents/harness.js';

const server = isolateTmux();
const worlds: TestProject[] = [];
afterEach(() => {
  for (const world of worlds.splice(0)) world.sandbox.cleanup();
}, 60_000);

async function world(): Promise<{ project: Project; test: TestProject }> {
  const test = makeProject('app');
  worlds.push(test);
  const project = await openProject(test.main);
  await updateManifest(project, (manifest) => {
    for (const id of ['a', 'b'])
      manifest.sessions.push({
        id,
        branch: `session/${id}`,
        worktree: `../app-sessions/${id}`,
        startedAt: '2026-01-01T00:00:00.000Z',
        goals: [],
        status: 'active',
      });
  });
  return { project, test };
}

const entry = (id: string, extra: Partial<AgentEntry> = {}): AgentEntry => ({
  id,
  provider: 'claude',
  vendorSessionId: null,
  status: 'running',
  cli: 'claude',
  cliCommand: ['claude', '--session-id', 'x'],
  resumeArgs: null,
  spawnedAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});

describe('agent record store', () => {
  it('keeps the manifest agents field and the per-agent record file together', async () => {
    const { project } = await world();
    await updateAgents(project, 'a', (agents) => void agents.push(entry('a-claude')));
    const file = agentRecordPath(project.sessionsDir, 'a-claude');
    expect(file).toBe(join(project.sessionsDir, '.pwt', 'agents', 'a-claude.session.json'));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      agentId: 'a-claude',
      session: 'a',
      provider: 'claude',
      cliCommand: ['claude', '--session-id', 'x'],
      tmuxSession: null,
      vendorSessionId: null,
      spawnedAt: '2026-01-01T00:00:00.000Z',
      status: 'running',
    });

    const patched = await patchAgent(project, 'a', 'a-claude', { vendorSessionId: 'v1', status: 'stopped', stoppedAt: '2026-01-02T00:00:00.000Z' });
    expect(patched).toMatchObject({ vendorSessionId: 'v1', status: 'stopped' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ vendorSessionId: 'v1', status: 'stopped' });
    expect((await readManifest(project))?.sessions.find((s) => s.id === 'a')?.agents).toEqual([
      { ...entry('a-claude'), vendorSessionId: 'v1', status: 'stopped', stoppedAt: '2026-01-02T00:00:00.000Z' },
    ]);

    // A reader that saw the process gone while the record said running does not overwrite the stop recorded meanwhile.
    expect(await patchAgent(project, 'a', 'a-claude', { status: 'exited' }, 'running')).toBeNull();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ status: 'stopped' });
    expect(await patchAgent(project, 'a', 'a-claude', { stoppedAt: '2026-01-03T00:00:00.000Z' }, 'stopped')).toMatchObject({ status: 'stopped' });
    expect(await patchAgent(project, 'a', 'nope', { status: 'exited' })).toBeNull();
    expect(await patchAgent(project, 'gone', 'a-claude', { status: 'exited' })).toBeNull();

    await updateAgents(project, 'a', (agents) => void agents.splice(0));
    expect(existsSync(file)).toBe(false);
    expect((await readManifest(project))?.sessions.find((s) => s.id === 'a')?.agents).toBeUndefined();
  }, 60_000);

  it('concurrent changes to two sessions keep both (each reads its session fresh under the lock)', async () => {
    const { project } = await world();
    await Promise.all(
      Array.from({ length: 6 }, (_, i) => updateAgents(project, i % 2 ? 'a' : 'b', (agents) => void agents.push(entry(`${i % 2 ? 'a' : 'b'}-p${i}`)))),
    );
    const manifest = await readManifest(project);
    expect(
      manifest?.sessions
        .find((s) => s.id === 'a')
        ?.agents?.map((a) => (a as AgentEntry).id)
        .sort(),
    ).toEqual(['a-p1', 'a-p3', 'a-p5']);
    expect(
      manifest?.sessions
        .find((s) => s.id === 'b')
        ?.agents?.map((a) => (a as AgentEntry).id)
        .sort(),
    ).toEqual(['b-p0', 'b-p2', 'b-p4']);
  }, 60_000);
});

describe('checked status', () => {
  it('running only while the recorded process lives in the tagged pane; exited after a crash or a killed server; unknown while its process lives where tmux cannot show it', async () => {
    const { test } = await world();
    const launch = async (agentId: string, argv: string[]) => {
      const made = await newAgentWindow({
        tmuxSession: 'app/a',
        main: test.main,
        session: 'a',
        agentId,
        windowName: 'claude',
        cwd: test.main,
        env: process.env,
        argv,
      });
      return entry(agentId, { tmux: placeOf(made) });
    };
    const long = await launch('a-claude', ['sleep', '60']);
    const crashing = await launch('a-codex', ['sh', '-c', 'read x; exit 1']);
    expect(checkStatus(long, await readLiveness()).status).toBe('running');
    expect(checkStatus(crashing, await readLiveness()).status).toBe('running');

    // The same pane but another process start time (a reused pid) is not ours.
    expect(checkStatus({ ...long, tmux: { ...long.tmux!, pidStart: '1' } }, await readLiveness()).status).toBe('exited');
    // Remembered statuses other than running stand when nothing runs.
    expect(checkStatus({ ...long, status: 'detached', tmux: undefined }, await readLiveness())).toMatchObject({ status: 'detached', checked: true });

    server.tmux('send-keys', '-t', crashing.tmux!.pane, 'Enter');
    await poll('the crash to show', async () => checkStatus(crashing, await readLiveness()).status === 'exited', 10_000, 50);
    expect(checkStatus(long, await readLiveness()).status).toBe('running');

    // A process alive that tmux does not show (tmux unreachable, another server, a killed server it survived): unknown, never exited.
    const elsewhere = { ...long, tmux: { ...long.tmux!, pid: process.pid, pidStart: processStartTime(process.pid) } };
    expect(checkStatus(elsewhere, await readLiveness())).toMatchObject({ status: 'unknown', checked: false });
    expect(checkStatus(elsewhere, { panes: null })).toMatchObject({ status: 'unknown', checked: false });
    expect(checkStatus(elsewhere, { panes: [] })).toMatchObject({ status: 'unknown', checked: false });

    server.killServer();
    await poll('the killed server to end its process', async () => checkStatus(long, await readLiveness()).status === 'exited', 10_000, 50);
    expect(checkStatus(long, await readLiveness())).toMatchObject({ status: 'exited', checked: true });
    // tmux unreachable: only the process check decides; its process is gone, so it exited.
    expect(checkStatus(long, { panes: null })).toMatchObject({ status: 'exited', checked: true });
    // A remembered status other than running stands, unchecked.
    expect(checkStatus({ ...long, status: 'stopped' }, { panes: null })).toMatchObject({ status: 'stopped', checked: false });
  }, 30_000);
});
