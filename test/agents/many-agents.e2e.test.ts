import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processesIn } from '../../src/core/infra/processes.js';
import { poll } from './harness.js';
import { useModelServer } from './e2e.js';
import { requestText, useRuntimeWorlds, waitForRequest, type RuntimeWorld } from './runtime-world.js';

/**
 * Many agents on one machine, with the real pi (the lightest CLI) in pwt's
 * tmux: past `maxRunning` a start queues (nothing launched, the prompt kept)
 * and the scheduler starts it when a slot frees, then ends; an idle agent
 * hibernates (its process gone) and `agent send` wakes it by its vendor id,
 * the model server receiving the earlier turn with the new one.
 */
const server = useModelServer();
const worlds = useRuntimeWorlds(server, ['pi']);

function configure(world: RuntimeWorld, agents: object): void {
  // Untracked: the main worktree's tracked files stay clean for pwt create.
  writeFileSync(join(world.project.main, '.pwt.json'), JSON.stringify({ agents }));
}

const byId = async (world: RuntimeWorld) => new Map((await world.agents()).map((agent: any) => [agent.id, agent]));
const schedulerAlive = (world: RuntimeWorld) => world.tmux('list-panes', '-t', '=pwt-scheduler', '-F', '#{pane_dead}').stdout.trim() === '0';

describe('many agents: admission and hibernation', () => {
  it('past maxRunning a start queues with its place; when a slot frees the queued agent starts with its prompt, and the scheduler ends', async () => {
    const world = worlds.make();
    configure(world, { maxRunning: 2 });
    for (const name of ['one', 'two', 'three']) await world.session(name);
    await world.ok(['agent', 'start', 'pi', '--session', 'one', '--prompt', 'admission prompt one', '--detach']);
    await world.ok(['agent', 'start', 'pi', '--session', 'two', '--prompt', 'admission prompt two', '--detach']);
    const third = await world.ok(['agent', 'start', 'pi', '--session', 'three', '--prompt', 'admission prompt three', '--detach']);
    expect(third.stderr).toContain('waits in the queue (place 1)');
    await waitForRequest(server, 'admission prompt one');
    await waitForRequest(server, 'admission prompt two');

    let agents = await byId(world);
    expect(agents.get('three-pi')).toMatchObject({ status: 'queued', queuePlace: 1 });
    expect(agents.get('one-pi')!.status).toBe('running');
    expect(schedulerAlive(world)).toBe(true);
    // Queued means not started: no process in its worktree, its prompt not sent.
    expect(processesIn(join(world.project.sessionsDir, 'three'))).toEqual([]);
    expect(server.requests.some((request) => requestText(request).includes('admission prompt three'))).toBe(false);
    // Asking again does not queue it twice.
    expect((await world.ok(['agent', 'start', 'pi', '--session', 'three', '--detach'])).stderr).toContain('place 1');

    await world.ok(['agent', 'stop', 'pi', '--session', 'one']);
    await waitForRequest(server, 'admission prompt three');
    agents = await byId(world);
    expect(agents.get('three-pi')!.status).toBe('running');
    expect(agents.get('three-pi')!.queuePlace).toBeUndefined();
    expect(agents.get('one-pi')!.status).toBe('stopped');
    await poll('the scheduler to end once nothing waits', () => !schedulerAlive(world), 30_000);
  }, 240_000);

  it('a queued agent that is stopped leaves the queue and never starts', async () => {
    const world = worlds.make();
    configure(world, { maxRunning: 1 });
    for (const name of ['busy', 'later']) await world.session(name);
    await world.ok(['agent', 'start', 'pi', '--session', 'busy', '--prompt', 'keep busy', '--detach']);
    expect((await world.ok(['agent', 'start', 'pi', '--session', 'later', '--prompt', 'never sent', '--detach'])).stderr).toContain('place 1');
    await world.ok(['agent', 'stop', 'pi', '--session', 'later']);
    expect((await byId(world)).has('later-pi')).toBe(false);
    await world.ok(['agent', 'stop', 'pi', '--session', 'busy']);
    await poll('the scheduler to end', () => !schedulerAlive(world), 30_000);
    expect(server.requests.some((request) => requestText(request).includes('never sent'))).toBe(false);
  }, 180_000);

  it('an idle agent hibernates (process gone, conversation kept); agent send wakes it by vendor id and the model sees the earlier turn', async () => {
    const world = worlds.make();
    configure(world, { hibernateAfterMinutes: 0.05 });
    const cwd = await world.session('nap');
    await world.ok(['agent', 'start', 'pi', '--session', 'nap', '--prompt', 'first turn before the nap', '--detach']);
    await waitForRequest(server, 'first turn before the nap');
    const vendorId = await poll('pi to be captured', async () => (await byId(world)).get('nap-pi')?.vendorSessionId, 60_000);

    await poll('pi to hibernate', async () => (await byId(world)).get('nap-pi')?.status === 'hibernated', 90_000);
    expect(processesIn(cwd)).toEqual([]);
    expect((await byId(world)).get('nap-pi')!.vendorSessionId).toBe(vendorId);

    const mark = server.requests.length;
    const sent = await world.ok(['agent', 'send', 'pi', '--session', 'nap', 'second turn after waking']);
    expect(sent.stderr).toContain('Woke nap-pi');
    const next = await waitForRequest(server, 'second turn after waking', mark);
    expect(requestText(next)).toContain('first turn before the nap');
    expect((await byId(world)).get('nap-pi')).toMatchObject({ status: 'running', vendorSessionId: vendorId });
    await world.ok(['agent', 'stop', 'pi', '--session', 'nap']);
  }, 240_000);
});
