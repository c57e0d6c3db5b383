import type { RunLifecycleResult } from '../../core/runs/lifecycle.js';
import { log, printJson } from '../../ui/log.js';

/** How run resume and run stop report each agent. */
export function printOutcomes(result: RunLifecycleResult, json: boolean): void {
  if (json) {
    printJson({ run: result.run, agents: result.agents });
    return;
  }
  for (const agent of result.agents) {
    if (agent.outcome === 'failed' || agent.outcome === 'fresh' || agent.outcome === 'removed') log.warn(`${agent.provider}: ${agent.message}`);
    else if (agent.outcome === 'resumed' || agent.outcome === 'started' || agent.outcome === 'stopped') log.success(agent.message);
    else log.info(agent.message);
  }
  if (result.agents.some((agent) => agent.outcome === 'resumed' || agent.outcome === 'started' || agent.outcome === 'fresh')) log.info(`See them with: pwt run show ${result.run}; attach to one with: pwt agent attach <agent>`);
}
