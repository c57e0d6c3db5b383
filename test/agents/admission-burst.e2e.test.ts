import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processesIn } from '../../src/core/infra/processes.js';
import { poll } from './harness.js';
import { useModelServer } from './e2e.js';
import { requestText, useRuntimeWorlds, waitForRequest, type RuntimeWorld } from './runtime-world.js';

/**
 * Twenty agents asked for at once on this 2-core machine, with the real pi
 * and `maxRunning: 2`: twenty `pwt agent start` processes race for the slots,
 * exactly two agents start and the other eighteen wait in one queue (places
 * 1 to 18, none twice, nothing of theirs launched), and a freed slot goes to
 * place 1 first.
 */
const server = useModelServer();
const worlds = useRuntimeWorlds(server, ['pi']);
const COUNT = 20;
const name = (index: number) => `burst${String(index).padStart(2, '0')}`;
const promptOf = (session: string) => `burst prompt for ${session}`;
const sent = (session: string) => server.requests.some((request) => requestText(request).includes(promptOf(session)));
const byId = async (world: RuntimeWorld) => new Map((await world.agents()).map((agent: any) => [agent.id, agent]));

describe('many agents: twenty at once', () => {
  it('twenty starts at once with maxRunning 2: two run, eighteen queue in places 1-18 with nothing launched, a freed slot goes to place 1', async () => {
    const world = worlds.make();
    writeFileSync(join(world.project.main, '.pwt.json'), JSON.stringify({ agents: { maxRunning: 2 } }));
    const sessions = Array.from({ length: COUNT }, (_, index) => name(index + 1));
    for (const session of sessions) await world.session(session);

    const starts = await Promise.all(
      sessions.map((session) => world.ok(['agent', 'start', 'pi', '--session', session, '--prompt', promptOf(session), '--detach'])),
    );
    expect(starts.filter((start) => start.stderr.includes('waits in the queue'))).toHaveLength(COUNT - 2);

    const agents = [...(await byId(world)).values()];
    const running = agents.filter((agent) => agent.status === 'running');
    const queued = agents.filter((agent) => agent.status === 'queued');
    expect(running).toHaveLength(2);
    expect(queued.map((agent) => agent.queuePlace).sort((a, b) => a - b)).toEqual(Array.from({ length: COUNT - 2 }, (_, index) => index + 1));
    for (const agent of running) await waitForRequest(server, promptOf(agent.session));
    // Queued means not started: no process in its worktree, its prompt never sent.
    for (const agent of queued) {
      expect(processesIn(join(world.project.sessionsDir, agent.session))).toEqual([]);
      expect(sent(agent.session)).toBe(false);
    }

    const first = queued.find((agent) => agent.queuePlace === 1)!;
    await world.ok(['agent', 'stop', 'pi', '--session', running[0]!.session]);
    await waitForRequest(server, promptOf(first.session));
    const after = await byId(world);
    expect(after.get(first.id)!.status).toBe('running');
    expect([...after.values()].filter((agent) => agent.status === 'running')).toHaveLength(2);
    expect(
      [...after.values()]
        .filter((agent) => agent.status === 'queued')
        .map((agent) => agent.queuePlace)
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: COUNT - 3 }, (_, index) => index + 1));

    // Stopping the queued ones first, then the running ones: nothing else starts, and the scheduler ends.
    for (const agent of [...after.values()].filter((each) => each.status === 'queued')) await world.ok(['agent', 'stop', 'pi', '--session', agent.session]);
    for (const agent of [...after.values()].filter((each) => each.status === 'running')) await world.ok(['agent', 'stop', 'pi', '--session', agent.session]);
    await poll(
      'the scheduler to end once nothing waits',
      () => world.tmux('list-panes', '-t', '=pwt-scheduler', '-F', '#{pane_dead}').stdout.trim() !== '0',
      30_000,
    );
    expect(sessions.filter(sent)).toHaveLength(3);
  }, 300_000);
});
