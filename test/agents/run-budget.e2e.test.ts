import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processesIn } from '../../src/core/infra/processes.js';
import { poll } from './harness.js';
import { useModelServer } from './e2e.js';
import { useRuntimeWorlds, waitForRequest, type RuntimeWorld } from './runtime-world.js';

/**
 * `pwt run start --budget USD` with the real pi in pwt's tmux against the
 * model server, which reports 10 input and 5 output tokens per answer. pi
 * prices them from its own model definition (here $0.10 per thousand
 * tokens either way: $1.50 an answer) and writes the cost into its session
 * file, where pwt reads it. Under the budget the agent runs on; past it the
 * scheduler stops it resumably, says so in `run show`, and ends.
 */
const server = useModelServer();
const worlds = useRuntimeWorlds(server, ['pi']);

function pricePi(world: RuntimeWorld): void {
  const model = { id: 'mock-model', name: 'mock-model', cost: { input: 100_000, output: 100_000, cacheRead: 0, cacheWrite: 0 } };
  const provider = {
    baseUrl: `${server.url}/v1`,
    api: 'openai-completions',
    apiKey: 'sk-fake',
    compat: { supportsDeveloperRole: false, supportsReasoningEffort: false },
    models: [model],
  };
  writeFileSync(join(world.project.sandbox.home, '.pi', 'agent', 'models.json'), JSON.stringify({ providers: { mock: provider } }));
}

const show = async (world: RuntimeWorld, run: string) => JSON.parse((await world.ok(['run', 'show', run, '--json'])).stdout);
const schedulerAlive = (world: RuntimeWorld) => world.tmux('list-panes', '-t', '=pwt-scheduler', '-F', '#{pane_dead}').stdout.trim() === '0';

describe('run start --budget', () => {
  it('a budget that is not a positive amount is a usage error (exit 2), before anything starts', async () => {
    const world = worlds.make();
    for (const budget of ['abc', '0', '-3']) {
      const result = await world.pwt(['run', 'start', 'nope', '--agents', 'pi', '--prompt', 'x', `--budget=${budget}`]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain('is not an amount of US dollars above 0');
    }
    expect((await world.pwt(['run', 'show', 'nope'])).code).toBe(3);
  }, 60_000);

  it('pi runs under its budget; once its cost passes it the scheduler stops it resumably, run show says so, resume needs a higher budget', async () => {
    const world = worlds.make();
    pricePi(world);
    const started = await world.ok(['run', 'start', 'cap', '--agents', 'pi', '--prompt', 'budget first turn', '--budget', '2']);
    expect(started.stderr).toContain('Budget $2.00');
    await waitForRequest(server, 'budget first turn');
    // One answer: $1.50, under the budget: still running, watched.
    let state = await poll(
      'the first answer to be priced',
      async () => {
        const each = await show(world, 'cap');
        return each.spentUsd > 0 ? each : null;
      },
      60_000,
    );
    expect(state.budgetUsd).toBe(2);
    expect(state.spentUsd).toBeCloseTo(1.5);
    expect(state.budgetStop).toBeUndefined();
    expect(state.agents[0]).toMatchObject({ status: 'running' });
    expect(schedulerAlive(world)).toBe(true);
    expect((await world.ok(['run', 'show', 'cap'])).stdout).toContain('Budget $2.00: $1.50 spent so far');
    const vendorId = await poll('the vendor id', async () => (await show(world, 'cap')).agents[0].vendorSessionId, 60_000);

    // A second answer makes $3.00: past the budget.
    await world.ok(['agent', 'send', 'pi', '--session', 'cap-pi', 'budget second turn']);
    await waitForRequest(server, 'budget second turn');
    state = await poll(
      'the scheduler to stop the run',
      async () => {
        const each = await show(world, 'cap');
        return each.budgetStop ? each : null;
      },
      60_000,
    );
    expect(state.budgetStop).toMatchObject({ stopped: ['cap-pi'] });
    expect(state.budgetStop.costUsd).toBeCloseTo(3);
    expect(state.agents[0]).toMatchObject({ status: 'stopped', vendorSessionId: vendorId });
    expect(processesIn(join(world.project.sessionsDir, 'cap-pi'))).toEqual([]);
    const text = (await world.ok(['run', 'show', 'cap'])).stdout;
    expect(text).toContain('Budget $2.00 passed');
    expect(text).toContain('pwt run resume cap --budget USD');
    await poll('the scheduler to end once nothing is left to watch', () => !schedulerAlive(world), 30_000);

    // Resuming needs a budget above what was spent.
    const refused = await world.pwt(['run', 'resume', 'cap']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('was stopped at its budget of $2.00 ($3.00 spent)');
    const tooLow = await world.pwt(['run', 'resume', 'cap', '--budget', '2.5']);
    expect(tooLow.code).toBe(3);
    expect(tooLow.stderr).toContain('has spent $3.00 already');
    await world.ok(['run', 'resume', 'cap', '--budget', '10']);
    state = await show(world, 'cap');
    expect(state).toMatchObject({ budgetUsd: 10 });
    expect(state.budgetStop).toBeUndefined();
    expect(state.agents[0]).toMatchObject({ status: 'running', vendorSessionId: vendorId });
    expect(schedulerAlive(world)).toBe(true);
    await world.ok(['run', 'stop', 'cap']);
    await poll('the scheduler to end after the run stopped', () => !schedulerAlive(world), 30_000);
  }, 300_000);
});
