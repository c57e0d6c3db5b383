import { describe, expect, it } from 'vitest';
import { processesIn } from '../../src/core/infra/processes.js';
import { poll } from './harness.js';
import { useModelServer } from './e2e.js';
import { requestText, screenOf, useRuntimeWorlds, waitForRequest } from './runtime-world.js';

/**
 * Each of gemini, copilot and pi run by pwt in its tmux (claude and codex:
 * runtime-switch and runtime-lifecycle): created with --agent and a prompt,
 * a switch to claude (which gets the handoff) and back (the provider resumes
 * its own conversation: its earlier turn is sent again, no handoff), stopped
 * with its own quit command, resumed, and removed while it runs.
 */
const server = useModelServer();
const worlds = useRuntimeWorlds(server, ['claude', 'gemini', 'copilot', 'pi']);

const paneOf = (world: ReturnType<typeof worlds.make>, agentId: string) =>
  world
    .tmux('list-panes', '-a', '-F', '#{pane_id} #{@pwt-agent}')
    .stdout.split('\n')
    .find((line) => line.endsWith(` ${agentId}`))
    ?.split(' ')[0] ?? '';

for (const provider of ['gemini', 'copilot', 'pi'] as const) {
  describe(`pwt runs ${provider}`, () => {
    it(`create --agent ${provider}, switch to claude and back, stop, resume, remove while it runs`, async () => {
      const world = worlds.make();
      const session = `${provider}-task`;
      const id = `${session}-${provider}`;
      world.trust(`${world.project.sessionsDir}/${session}`);
      const first = `first ${provider} turn`;
      const created = JSON.parse((await world.ok(['create', session, '--agent', provider, '--prompt', first, '--json'])).stdout);
      const cwd = created.path;
      await waitForRequest(server, first);
      await poll(`${provider} to answer`, () => screenOf(world, paneOf(world, id)).includes(`Reply to: ${first}`), 90_000);
      // pi's id is its session header's: known once the file is written.
      await poll('the vendor id', async () => (await world.agents(session)).find((agent: any) => agent.id === id)?.vendorSessionId, 30_000);

      let mark = server.requests.length;
      const toClaude = await world.ok(['agent', 'switch', 'claude'], cwd);
      expect(toClaude.stderr).toMatch(new RegExp(`Detached ${provider} \\(agent ${id}\\)`));
      const handoff = await waitForRequest(server, 'Previous Session Context', mark);
      expect(requestText(handoff)).toContain(first);
      await poll('claude to answer', () => /Reply to: ## Previous Session Context/.test(screenOf(world, paneOf(world, `${session}-claude`))), 90_000);

      mark = server.requests.length;
      const back = await world.ok(['agent', 'switch', provider, '--prompt', `back to ${provider}`], cwd);
      expect(back.stderr).toMatch(new RegExp(`Resumed ${provider} conversation`));
      const resumed = await waitForRequest(server, `back to ${provider}`, mark);
      expect(requestText(resumed)).toContain(first);
      expect(requestText(resumed)).not.toContain('Previous Session Context');
      await poll(`${provider} to answer again`, () => screenOf(world, paneOf(world, id)).includes(`Reply to: back to ${provider}`), 90_000);

      const stop = await world.ok(['agent', 'stop'], cwd);
      expect(stop.stderr).toMatch(new RegExp(`Stopped ${provider} \\(agent ${id}, with its quit command\\)`));
      expect(processesIn(cwd)).toEqual([]);
      const stopped = (await world.agents(session)).find((agent: any) => agent.id === id);
      expect(stopped).toMatchObject({ status: 'stopped', resumeArgs: expect.arrayContaining([provider]) });

      const again = await world.ok(['agent', 'resume', provider], cwd);
      expect(again.stderr).toMatch(new RegExp(`Resumed ${provider} conversation ${stopped.vendorSessionId}`));

      const removed = await world.pwt(['remove', session, '--strategy', 'abandon', '--yes', '--json']);
      expect(removed.code, removed.stderr).toBe(0);
      expect(JSON.parse(removed.stdout).actions[0]).toMatchObject({ op: 'stop-agents', agents: [id] });
      expect(processesIn(cwd)).toEqual([]);
    }, 400_000);
  });
}
