import { preconditionError } from '../../infra/errors.js';
import type { Project } from '../../project/project.js';
import { resumeAgent, type Launch } from '../runtime/index.js';
import type { AgentEntry } from '../runtime/records.js';

/**
 * A hibernated agent wakes when someone needs it (`agent send`, `attach`,
 * `wait`, the MCP tools): resumed by its vendor id, which takes a slot like a
 * start. `prompt` is delivered as the resume's first message, so a text sent
 * to a hibernated agent arrives whether it starts now or from the queue.
 * Returns null when the agent was not hibernated.
 */
export async function wakeIfHibernated(project: Project, target: { session: string; agent: AgentEntry }, prompt?: string): Promise<Launch | null> {
  if (target.agent.status !== 'hibernated') return null;
  return resumeAgent(project, { session: target.session, agent: target.agent.id, ...(prompt === undefined ? {} : { prompt }) });
}

/** The refusal for a command that needs the agent running now (attach, wait) when its wake had to queue. */
export function stillQueued(launch: Launch) {
  return preconditionError(
    `${launch.agent.id} is queued (place ${launch.queued}): every agent slot of this machine is taken.`,
    'It starts when one frees; see the queue with: pwt agent list --all',
  );
}
