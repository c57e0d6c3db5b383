import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectFolderName } from '../../src/core/agents/vendors/claude/adapter.js';
import { processesIn } from '../../src/core/infra/processes.js';
import { poll } from './harness.js';
import { useModelServer } from './e2e.js';
import { requestText, useRuntimeWorlds, waitForRequest } from './runtime-world.js';

/**
 * The lifecycle around the agents, with the real claude and codex in pwt's
 * tmux: create --agent, remove with a running agent (stopped first, its
 * resume args kept), restore (records back as stopped, resumable), a killed
 * tmux server (exited, never a stale running), a resume whose vendor
 * conversation was deleted (fresh once, said), two starts at once (one runs),
 * and a multibyte handoff over 128 KiB reaching the next CLI whole.
 */
const server = useModelServer();
const worlds = useRuntimeWorlds(server, ['claude', 'codex']);

describe('agents across the session lifecycle', () => {
  it('create --agent, remove stops it first and keeps how to resume it, restore brings it back stopped and resumable', async () => {
    const world = worlds.make();
    // Trust the folder before it exists: claude asks otherwise.
    await world.trust(join(world.project.sessionsDir, 'feat'));
    const created = await world.ok(['create', 'feat', '--agent', 'claude', '--prompt', 'hello from create', '--json']);
    const session = JSON.parse(created.stdout);
    expect(session.agents[0]).toMatchObject({ id: 'feat-claude', provider: 'claude', status: 'running' });
    await waitForRequest(server, 'hello from create');
    const cwd = session.path;
    const vendorId = session.agents[0].vendorSessionId;
    // claude writes the turn after the answer: wait for it before ending the session.
    await poll('claude to save the turn', () => existsSync(join(world.env.HOME!, '.claude', 'projects', projectFolderName(cwd), `${vendorId}.jsonl`)), 60_000);

    const status = JSON.parse((await world.ok(['status', '--json'])).stdout);
    expect(status.sessions[0]).toMatchObject({ id: 'feat', activeAgent: 'claude', agents: [{ id: 'feat-claude', provider: 'claude', status: 'running' }] });
    // The agent's own processes in the worktree are expected, not a note.
    expect(status.sessions[0].notes.filter((note: { kind: string }) => note.kind === 'processes-running')).toEqual([]);

    // A refusal (here a failing pre-remove hook) comes before the agents stop: the agent keeps running.
    const config = join(world.project.main, '.pwt.json');
    writeFileSync(config, JSON.stringify({ hooks: { 'pre-remove': 'echo "not yet"; exit 1' } }));
    const refused = await world.pwt(['remove', 'feat', '--strategy', 'abandon', '--yes', '--trust-hooks']);
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toMatch(/pre-remove hook .* failed .*nothing was changed/s);
    expect((await world.agents('feat'))[0]).toMatchObject({ id: 'feat-claude', status: 'running' });
    expect(existsSync(cwd)).toBe(true);
    rmSync(config);

    const removed = await world.pwt(['remove', 'feat', '--strategy', 'abandon', '--yes', '--json']);
    expect(removed.code, removed.stderr + removed.stdout).toBe(0);
    const actions = JSON.parse(removed.stdout).actions;
    expect(actions[0]).toMatchObject({ op: 'stop-agents', agents: ['feat-claude'], resumeArgs: { 'feat-claude': ['claude', '--resume', vendorId] } });
    expect(existsSync(cwd)).toBe(false);
    expect(processesIn(cwd)).toEqual([]);
    expect(world.tmux('list-panes', '-a', '-F', '#{@pwt-agent}').stdout.trim()).toBe('');

    await world.ok(['restore', 'feat']);
    const [restored] = await world.agents('feat');
    expect(restored).toMatchObject({ id: 'feat-claude', status: 'stopped', vendorSessionId: vendorId, resumeArgs: ['claude', '--resume', vendorId] });
    expect(JSON.parse(readFileSync(join(world.project.sessionsDir, '.pwt', 'agents', 'feat-claude.session.json'), 'utf8'))).toMatchObject({
      status: 'stopped',
      vendorSessionId: vendorId,
    });

    const mark = server.requests.length;
    const resumed = await world.ok(['agent', 'start', 'claude', '--prompt', 'after restore', '--session', 'feat']);
    expect(resumed.stderr).toMatch(/Resumed claude conversation/);
    const request = await waitForRequest(server, 'after restore', mark);
    expect(requestText(request)).toContain('hello from create');
  }, 300_000);

  it('a killed tmux server reads exited (not running); a resume of a deleted conversation starts fresh once and says so', async () => {
    const world = worlds.make();
    const cwd = await world.session('crash');
    await world.ok(['agent', 'start', 'claude', '--prompt', 'before the crash'], cwd);
    await waitForRequest(server, 'before the crash');
    const [before] = await world.agents('crash');
    expect(before.status).toBe('running');
    const file = join(world.env.HOME!, '.claude', 'projects', projectFolderName(cwd), `${before.vendorSessionId}.jsonl`);
    await poll('claude to save the turn', () => existsSync(file), 60_000);

    world.tmux('kill-server');
    // Until claude's process has died of its lost terminal it reads unknown (alive, not in tmux); then exited.
    const after = await poll(
      'the killed agent to read exited',
      async () => {
        const [agent] = await world.agents('crash');
        return agent.status === 'unknown' ? null : agent;
      },
      30_000,
    );
    expect(after.status).toBe('exited');
    const status = JSON.parse((await world.ok(['status', '--json'])).stdout);
    expect(status.sessions[0]).toMatchObject({ activeAgent: null, agents: [{ id: 'crash-claude', status: 'exited' }] });

    rmSync(file);
    const mark = server.requests.length;
    const resumed = await world.ok(['agent', 'resume'], cwd);
    expect(resumed.stderr).toMatch(
      new RegExp(`Could not resume crash-claude: claude no longer has conversation ${before.vendorSessionId}\\. Started claude fresh instead`),
    );
    const [fresh] = await world.agents('crash');
    expect(fresh.status).toBe('running');
    expect(fresh.vendorSessionId).not.toBe(before.vendorSessionId);
    // Exactly one start: a fresh claude session, no loop of retries.
    expect(world.tmux('list-panes', '-a', '-F', '#{@pwt-agent}').stdout.trim().split('\n')).toEqual(['crash-claude']);
    expect(server.requests.slice(mark).some((request) => requestText(request).includes('before the crash'))).toBe(false);
  }, 300_000);

  it('two starts on one worktree at once: exactly one agent runs, the other was detached properly', async () => {
    const world = worlds.make();
    const cwd = await world.session('race');
    const [a, b] = await Promise.all([
      world.pwt(['agent', 'start', 'claude', '--prompt', 'race one'], cwd),
      world.pwt(['agent', 'start', 'codex', '--prompt', 'race two'], cwd),
    ]);
    expect([a.code, b.code], `${a.stderr}\n${b.stderr}`).toEqual([0, 0]);
    const agents = await world.agents('race');
    expect(agents.filter((agent: any) => agent.status === 'running')).toHaveLength(1);
    expect(agents.filter((agent: any) => agent.status === 'detached')).toHaveLength(1);
    const live = world
      .tmux('list-panes', '-a', '-F', '#{pane_dead} #{@pwt-agent}')
      .stdout.trim()
      .split('\n')
      .filter((line) => line.startsWith('0 '));
    expect(live).toHaveLength(1);
    // The detached one's process is gone: one agent process tree in the worktree.
    const running = agents.find((agent: any) => agent.status === 'running');
    expect(live[0]).toBe(`0 ${running.id}`);
    expect((a.stderr + b.stderr).match(/Detached (claude|codex)/g)).toHaveLength(1);
  }, 300_000);

  it('a handoff whose 50,000 characters would be over 128 KiB in bytes is cut to fit one argument and reaches the next CLI whole', async () => {
    const world = worlds.make();
    const cwd = await world.session('big');
    // A claude conversation in this worktree, written where claude keeps it: 30 turns of 3-byte characters (one UTF-16 unit each).
    const id = '0b5c1d3e-1111-4111-8111-111111111111';
    const folder = join(world.env.HOME!, '.claude', 'projects', projectFolderName(cwd));
    mkdirSync(folder, { recursive: true });
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) {
      const at = new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
      lines.push(
        JSON.stringify({
          type: 'user',
          isSidechain: false,
          uuid: `u${i}`,
          parentUuid: i ? `a${i - 1}` : null,
          timestamp: at,
          cwd,
          sessionId: id,
          message: { role: 'user', content: `turn ${i} ${'中'.repeat(3000)} 😀 end ${i}` },
        }),
      );
      lines.push(
        JSON.stringify({
          type: 'assistant',
          isSidechain: false,
          uuid: `a${i}`,
          parentUuid: `u${i}`,
          timestamp: at,
          cwd,
          sessionId: id,
          message: { id: `msg_${i}`, role: 'assistant', content: [{ type: 'text', text: `answer ${i} ${'ü'.repeat(500)}` }] },
        }),
      );
    }
    writeFileSync(join(folder, `${id}.jsonl`), `${lines.join('\n')}\n`);

    const mark = server.requests.length;
    const started = await world.ok(['agent', 'start', 'codex'], cwd);
    expect(started.stderr).toMatch(/Handed over claude's conversation \(60 messages, older ones left out\)/);
    const [codex] = await world.agents('big');
    const handoff = readFileSync(codex.handoff.file, 'utf8');
    expect(Buffer.byteLength(handoff)).toBeGreaterThan(100_000);
    expect(Buffer.byteLength(handoff)).toBeLessThanOrEqual(120_000);
    expect(codex.handoff).toMatchObject({ from: 'claude', truncated: true, chars: handoff.length });
    expect(handoff).toContain('end 29');
    const request = await waitForRequest(server, 'Previous Session Context', mark);
    // The whole handoff, byte for byte, is in what codex sent.
    expect(requestText(request)).toContain(JSON.stringify(handoff).slice(1, -1));
  }, 300_000);
});
