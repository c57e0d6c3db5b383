import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_BIN, poll } from './harness.js';
import { useModelServer } from './e2e.js';
import { requestText, useRuntimeWorlds, waitForRequest, type RuntimeWorld } from './runtime-world.js';

/**
 * Hibernation never loses a prompt: the real pi, started through a stand-in
 * `pi` that draws a line and then stays still for a while before running
 * the real one (a CLI loading on a busy machine), with `hibernateAfterMinutes`
 * far shorter than that. The still screen reads `idle`, yet pwt must not
 * hibernate pi before its prompt reached the conversation: neither the
 * start's prompt nor the text `agent send` wakes it with.
 */
const server = useModelServer();
const worlds = useRuntimeWorlds(server, ['pi']);

const byId = async (world: RuntimeWorld) => new Map((await world.agents()).map((agent: any) => [agent.id, agent]));

/** A `pi` first on PATH that shows a line, stays still for `seconds`, then runs the real pi. */
function slowPi(world: RuntimeWorld, seconds: number): void {
  const dir = join(world.project.sandbox.root, 'slow-bin');
  mkdirSync(dir);
  writeFileSync(join(dir, 'pi'), `#!/bin/sh\necho 'pi is loading (slowly)'\nsleep ${seconds}\nexec '${join(CLI_BIN, 'pi')}' "$@"\n`);
  chmodSync(join(dir, 'pi'), 0o755);
  world.env.PATH = `${dir}:${world.env.PATH ?? ''}`;
}

/** Resolves once the model saw `needle`; fails at once when pi hibernated before that. */
async function reachesModelBeforeHibernating(world: RuntimeWorld, needle: string, from: number): Promise<void> {
  const outcome = await poll(
    `the model to see ${JSON.stringify(needle)} (or pi to hibernate first)`,
    async () => {
      if (server.requests.slice(from).some((request) => requestText(request).includes(needle))) return 'sent';
      return (await byId(world)).get('nap-pi')?.status === 'hibernated' ? 'hibernated first' : null;
    },
    90_000,
    200,
  );
  expect(outcome).toBe('sent');
}

describe('hibernation waits for the prompt', () => {
  it('a slow-starting agent is not hibernated before its prompt reached its session, at start and at wake-up', async () => {
    const world = worlds.make();
    writeFileSync(join(world.project.main, '.pwt.json'), JSON.stringify({ agents: { hibernateAfterMinutes: 0.05 } }));
    await world.session('nap');
    slowPi(world, 10);
    await world.ok(['agent', 'start', 'pi', '--session', 'nap', '--prompt', 'slow first turn', '--detach']);
    await reachesModelBeforeHibernating(world, 'slow first turn', 0);
    // Its turn over, it still hibernates.
    await poll('pi to hibernate after its turn', async () => (await byId(world)).get('nap-pi')?.status === 'hibernated', 90_000);

    const mark = server.requests.length;
    const sent = await world.ok(['agent', 'send', 'pi', '--session', 'nap', 'slow wake-up turn']);
    expect(sent.stderr).toContain('Woke nap-pi');
    await reachesModelBeforeHibernating(world, 'slow wake-up turn', mark);
    const next = await waitForRequest(server, 'slow wake-up turn', mark);
    expect(requestText(next)).toContain('slow first turn');
    await poll('pi to hibernate after the woken turn', async () => (await byId(world)).get('nap-pi')?.status === 'hibernated', 90_000);
  }, 300_000);
});
