import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSameProcess, processesIn } from '../../src/core/infra/processes.js';
import { poll } from './harness.js';
import { useModelServer } from './e2e.js';
import { requestText, screenOf, useRuntimeWorlds, waitForRequest } from './runtime-world.js';

/**
 * pwt runs the real claude and codex in its tmux server against the local
 * model server. What the model server receives is the proof: the first
 * request of an agent taking over holds "Previous Session Context" with the
 * other agent's turns; a resumed agent sends its earlier turns again and no
 * handoff.
 */
const server = useModelServer();
const worlds = useRuntimeWorlds(server, ['claude', 'codex']);

describe('pwt agent start / switch / stop / resume with claude and codex', () => {
  it('claude works, switch to codex (handoff), switch back (native resume, no handoff), stop, resume', async () => {
    const world = worlds.make();
    const cwd = await world.session('task');
    const at = (args: string[]) => world.ok(args, cwd);

    // 1. claude starts with a prompt; its first request carries the prompt.
    const start = await at(['agent', 'start', 'claude', '--prompt', 'first turn about prices']);
    expect(start.stderr).toMatch(/Started claude in session task \(agent task-claude\)/);
    expect(start.stderr).toMatch(/Attach with: pwt agent attach task-claude/);
    await waitForRequest(server, 'first turn about prices');
    let [claude] = await world.agents('task');
    expect(claude).toMatchObject({ id: 'task-claude', session: 'task', provider: 'claude', status: 'running', cli: 'claude' });
    const claudeId = claude.vendorSessionId;
    expect(claudeId).toMatch(/^[0-9a-f-]{36}$/);
    expect(claude.resumeArgs).toEqual(['claude', '--resume', claudeId]);
    const record = JSON.parse(readFileSync(join(world.project.sessionsDir, '.pwt', 'agents', 'task-claude.session.json'), 'utf8'));
    expect(record).toMatchObject({
      agentId: 'task-claude',
      session: 'task',
      provider: 'claude',
      vendorSessionId: claudeId,
      status: 'running',
      tmuxSession: 'app/task',
    });
    expect(record.cliCommand.slice(0, 3)).toEqual(['claude', '--session-id', claudeId]);
    expect(record.cliCommand.slice(-2)).toEqual(['--', '<prompt>']);
    // Wait for claude to show the answer (its turn is written).
    const pane = world
      .tmux('list-panes', '-a', '-F', '#{pane_id} #{@pwt-agent}')
      .stdout.split('\n')
      .find((line) => line.endsWith(' task-claude'))!
      .split(' ')[0]!;
    await poll('claude to answer', () => screenOf(world, pane).includes('Reply to: first turn about prices'), 60_000);

    // 2. switch to codex: claude is detached (resumable), codex gets the handoff as its first prompt.
    const before = server.requests.length;
    const toCodex = await at(['agent', 'switch', 'codex']);
    expect(toCodex.stderr).toMatch(/Detached claude \(agent task-claude\); resume it with: pwt agent resume task-claude/);
    expect(toCodex.stderr).toMatch(/Handed over claude's conversation/);
    const handoffRequest = await waitForRequest(server, 'Previous Session Context', before);
    expect(handoffRequest.protocol).toBe('openai-responses');
    expect(requestText(handoffRequest)).toContain('first turn about prices');
    expect(requestText(handoffRequest)).toContain('Branch: session/task');
    const agents = await world.agents('task');
    expect(agents.find((a: any) => a.provider === 'claude')).toMatchObject({
      status: 'detached',
      vendorSessionId: claudeId,
      resumeArgs: ['claude', '--resume', claudeId],
    });
    const codex = agents.find((a: any) => a.provider === 'codex');
    expect(codex).toMatchObject({ id: 'task-codex', status: 'running', handoff: { from: 'claude', truncated: false } });
    expect(readFileSync(codex.handoff.file, 'utf8')).toContain('first turn about prices');
    expect(codex.handoff.file.startsWith(join(world.project.sessionsDir, '.pwt', 'handoff', 'task'))).toBe(true);
    // Only one agent process runs in the worktree.
    expect(agents.filter((a: any) => a.status === 'running')).toHaveLength(1);

    // 3. switch back to claude with a prompt: it resumes its own conversation (earlier turns sent again), no handoff.
    const codexPane = world
      .tmux('list-panes', '-a', '-F', '#{pane_id} #{@pwt-agent}')
      .stdout.split('\n')
      .find((line) => line.endsWith(' task-codex'))!
      .split(' ')[0]!;
    await poll('codex to answer', () => /Reply to: ## Previous Session Context/.test(screenOf(world, codexPane)), 60_000);
    // The project prefers codex from now on: reconnecting to claude says so (a note, not an error).
    writeFileSync(join(world.project.main, '.pwt.json'), JSON.stringify({ defaultAgent: 'codex' }));
    const mark = server.requests.length;
    const back = await at(['agent', 'switch', 'claude', '--prompt', 'back to claude now']);
    expect(back.stderr).toMatch(/this agent session is claude; the project's defaultAgent is codex/);
    expect(back.stderr).toMatch(/Detached codex/);
    expect(back.stderr).toMatch(/Resumed claude conversation/);
    const resumed = await waitForRequest(server, 'back to claude now', mark);
    expect(requestText(resumed)).toContain('first turn about prices');
    expect(requestText(resumed)).not.toContain('Previous Session Context');
    const afterBack = await world.agents('task');
    expect(afterBack.find((a: any) => a.provider === 'codex')).toMatchObject({ status: 'detached', vendorSessionId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(afterBack.find((a: any) => a.provider === 'claude')).toMatchObject({ status: 'running', vendorSessionId: claudeId });

    // 4. stop: claude quits with its own command; no process of it is left in the worktree.
    const claudePid = Number(
      world
        .tmux('list-panes', '-a', '-F', '#{pane_pid} #{@pwt-agent}')
        .stdout.split('\n')
        .find((line) => line.endsWith(' task-claude'))!
        .split(' ')[0],
    );
    const stop = await at(['agent', 'stop']);
    expect(stop.stderr).toMatch(/Stopped claude \(agent task-claude, with its quit command\)/);
    expect(isSameProcess(claudePid, null)).toBe(false); // gone (at most a zombie until tmux reaps it)
    expect(processesIn(cwd)).toEqual([]);
    expect((await world.agents('task')).map((a: any) => [a.provider, a.status])).toEqual([
      ['claude', 'stopped'],
      ['codex', 'detached'],
    ]);

    // 5. resume (the most recent agent: claude), then the same id runs again.
    const resume = await at(['agent', 'resume']);
    expect(resume.stderr).toMatch(/Resumed claude conversation/);
    expect((await world.agents('task')).find((a: any) => a.provider === 'claude')).toMatchObject({ status: 'running', vendorSessionId: claudeId });

    // 6. new refuses while an agent runs, and for a provider that already has a session here.
    const refused = await world.pwt(['agent', 'new', 'gemini'], cwd);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/claude is running in session task/);
    await at(['agent', 'stop']);
    const dup = await world.pwt(['agent', 'new', 'codex'], cwd);
    expect(dup.code).toBe(3);
    expect(dup.stderr).toMatch(/already has a codex agent session \(task-codex\)/);
    const recent = await world.pwt(['agent', 'new', 'claude'], cwd);
    expect(recent.code).toBe(3);
    expect(recent.stderr).toMatch(/claude is the most recent agent/);

    // 7. rm: the record and its file go; the worktree stays while another agent session references it.
    await at(['agent', 'rm', 'codex', '--yes']);
    expect(existsSync(join(world.project.sessionsDir, '.pwt', 'agents', 'task-codex.session.json'))).toBe(false);
    expect((await world.agents('task')).map((a: any) => a.id)).toEqual(['task-claude']);
    expect(existsSync(cwd)).toBe(true);
    const last = await at(['agent', 'rm', 'task-claude', '--yes']);
    expect(last.stderr).toMatch(/last agent session of task; the worktree and branch stay/);
    expect(existsSync(cwd)).toBe(true);

    // 8. new with no agent here: starts (the conversations on disk are handed over).
    const fresh = await at(['agent', 'new', 'codex', '--prompt', 'a new codex']);
    expect(fresh.stderr).toMatch(/Started codex in session task \(agent task-codex\)/);
    expect((await world.agents('task')).map((a: any) => [a.id, a.status])).toEqual([['task-codex', 'running']]);
  }, 400_000);
});
