import { describe, expect, it } from 'vitest';
import { admitOrQueue, type AdmissionRequest } from '../../../../src/core/agents/admission/admit.js';
import { enqueue, listQueue } from '../../../../src/core/agents/admission/queue.js';
import { isolateTmux } from '../../../helpers/tmux.js';

/**
 * The scheduler asks for the head of the queue (`fromQueue`). An agent that
 * was stopped while the scheduler was on its way has left the queue: it must
 * neither start (even with a free slot) nor be queued again.
 */
const tmux = isolateTmux();
const request = (agentId: string): AdmissionRequest => ({
  main: '/repo',
  session: agentId.split('-')[0]!,
  agentId,
  provider: 'pi',
  kind: 'start',
  prompt: 'hello',
  maxRunning: 2,
});
const env = () => ({ ...process.env, TMUX_TMPDIR: tmux.dir() });

describe('admission: the scheduler asking for the head of the queue', () => {
  it('starts the head of the queue when a slot is free, and takes it out of the queue', async () => {
    const { maxRunning: _max, ...fields } = request('later-pi');
    enqueue({ ...fields, env: {} }, env());
    let launched = 0;
    const gate = await admitOrQueue(request('later-pi'), env(), async () => ++launched, true);
    expect(gate).toEqual({ queued: false, value: 1 });
    expect(listQueue(env())).toEqual([]);
  });

  it('an agent no longer in the queue (stopped meanwhile) is neither started nor queued again, with a free slot or not', async () => {
    let launched = 0;
    await expect(admitOrQueue(request('later-pi'), env(), async () => ++launched, true)).rejects.toThrow(
      /left the queue \(stopped\) before a slot freed: not started/,
    );
    await expect(admitOrQueue({ ...request('later-pi'), maxRunning: 0 }, env(), async () => ++launched, true)).rejects.toThrow(/left the queue/);
    expect(launched).toBe(0);
    expect(listQueue(env())).toEqual([]);
  });
});
