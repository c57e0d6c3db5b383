import { defineCommand } from 'citty';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureStateRoot, stateRoot } from '../core/agents/admission/queue.js';
import { runScheduler } from '../core/agents/scheduler/loop.js';
import { checkRunBudget } from '../core/agents/runs/budget.js';
import { errorLine } from '../ui/log.js';

/**
 * `pwt _scheduler`: the admission and hibernation loop, started by pwt itself
 * in its tmux server (session pwt-scheduler) when an agent is queued or a
 * project hibernates idle agents; it ends when nothing is left to wait for.
 * Not listed in `pwt --help`. Each line also goes to `scheduler.log` beside
 * the queue.
 */
export default defineCommand({
  meta: { name: '_scheduler', description: 'Internal: starts queued agents and hibernates idle ones (run by pwt in its tmux server)' },
  async run() {
    ensureStateRoot();
    const logFile = join(stateRoot(), 'scheduler.log');
    await runScheduler({
      checkBudget: checkRunBudget,
      note: (line) => {
        const stamped = `${new Date().toISOString()} ${line}`;
        errorLine(stamped);
        try {
          appendFileSync(logFile, `${stamped}\n`, { mode: 0o600 });
        } catch {
          // the log is for people; the loop goes on without it
        }
      },
    });
  },
});
