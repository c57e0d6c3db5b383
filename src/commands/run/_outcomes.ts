import type { RunLifecycleResult } from '../../core/agents/runs/lifecycle.js';
import type { EndedSession } from '../../core/agents/runs/end.js';
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
  if (result.agents.some((agent) => agent.outcome === 'resumed' || agent.outcome === 'started' || agent.outcome === 'fresh'))
    log.info(`See them with: pwt run show ${result.run}; attach to one with: pwt agent attach <agent>`);
}

/** What the ending sequence said about the run's sessions: hooks skipped, a post-remove hook that failed (all on stderr). */
export function reportEnded(ended: EndedSession[]): void {
  const notes = new Set(ended.map((each) => each.result?.hookNote).filter((note): note is string => Boolean(note)));
  for (const note of notes) log.warn(note);
  for (const each of ended) for (const action of each.result?.actions ?? []) if (action.op === 'hook' && action.failed) log.warn(action.failed);
}
