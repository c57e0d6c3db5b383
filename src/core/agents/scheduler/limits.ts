import type { Manifest } from '../../manifest/manifest.js';
import type { Project } from '../../project/project.js';
import { capturePane, sendKeys } from '../../tmux/windows.js';
import { sendText } from '../runtime/activity/control.js';
import { limitMenu } from '../runtime/activity/limit.js';
import type { ActivityState } from '../runtime/activity/types.js';
import { resumeAgent } from '../runtime/index.js';
import type { SeenLimit } from '../runtime/limited.js';
import { allAgents, patchAgent, type AgentEntry } from '../runtime/records.js';
import { checkStatus, readLiveness, type Liveness } from '../runtime/status.js';

/**
 * `resumeAfterLimit`: an agent whose turn a vendor's usage limit ended
 * (status `limited`, on its screen or in its vendor's file: runtime/limited.ts)
 * gets its turn resumed once the reset time the vendor gave has passed: the
 * continue prompt typed into its pane, once per limit.
 * The manifest entry keeps `limitedUntil` (the reset pwt read, while it
 * lasts) and
 * `limitResumedFor` (the limit it resumed after), so a second scheduler or a
 * restarted one never resumes the same limit twice. A limit without a reset
 * time is left to the user (nothing says when to come back).
 */
export const CONTINUE_PROMPT = 'Your usage limit has reset. Continue the task where you left off.';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export async function resumeLimited(
  project: Project,
  manifest: Manifest | null,
  activity: Map<string, ActivityState>,
  limits: Map<string, SeenLimit>,
  now: number,
  note: (line: string) => void,
): Promise<void> {
  for (const { session, agent } of allAgents(manifest)) {
    const state = activity.get(agent.id);
    const limit = state ? limits.get(agent.id) : undefined;
    const until = limit?.until ?? undefined;
    // Working again (resumed, or by hand): the limit is over.
    if (state && !limit && agent.limitedUntil !== undefined) await patchAgent(project, session.id, agent.id, { limitedUntil: undefined });
    if (!until) continue;
    if (agent.limitedUntil !== until) await patchAgent(project, session.id, agent.id, { limitedUntil: until });
    if (now < Date.parse(until) || agent.limitResumedFor === until) continue;
    // Recorded first: a crash after this costs the resume, never doubles it.
    const current = await patchAgent(project, session.id, agent.id, { limitResumedFor: until, limitResumedAt: new Date(now).toISOString() });
    if (!current) continue;
    try {
      await continueTurn(project, session.id, current);
      note(`Resumed ${agent.id} (${project.repo.mainPath}): its usage limit reset at ${until}.`);
    } catch (error) {
      note(`Could not resume ${agent.id} after its usage limit: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/**
 * Agents that exited while limited and are still to be resumed: the project stays watched for them. The
 * limit is the one pwt sees now (the last screen, or the vendor's file: an agent that exited before pwt saw
 * its screen), else the one the manifest kept from its screen.
 */
export function exitedWhileLimited(
  manifest: Manifest | null,
  liveness: Liveness,
  limits: Map<string, SeenLimit>,
): { session: string; agent: AgentEntry; until: string }[] {
  return allAgents(manifest).flatMap(({ session, agent }) => {
    const until = limits.get(agent.id)?.until ?? agent.limitedUntil;
    if (typeof until !== 'string' || agent.limitResumedFor === until) return [];
    const checked = checkStatus(agent, liveness);
    return checked.checked && checked.status === 'exited' ? [{ session: session.id, agent, until }] : [];
  });
}

/** Resumes, by vendor id, each agent that exited while limited once its limit has reset. */
export async function resumeExited(
  project: Project,
  exited: { session: string; agent: AgentEntry; until: string }[],
  now: number,
  note: (line: string) => void,
): Promise<void> {
  for (const { session, agent, until } of exited) {
    if (now < Date.parse(until)) continue;
    // Recorded first: a crash after this costs the resume, never doubles it.
    await patchAgent(project, session, agent.id, { limitedUntil: until, limitResumedFor: until, limitResumedAt: new Date(now).toISOString() });
    try {
      const launch = await resumeAgent(project, { session, agent: agent.id, prompt: CONTINUE_PROMPT });
      note(
        `Resumed ${agent.id} (${project.repo.mainPath}) by its vendor id: it had exited at its usage limit, which reset at ${until}.` +
          (launch.queued ? ` It waits in the queue (place ${launch.queued}).` : ''),
      );
    } catch (error) {
      note(`Could not resume ${agent.id} after its usage limit: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/**
 * A menu the CLI opened with its limit is answered first (limit.ts limitMenu): claude's is closed and the
 * continue prompt typed; gemini's "Keep trying" resumes the turn by itself.
 */
async function continueTurn(project: Project, session: string, agent: AgentEntry): Promise<void> {
  const pane = checkStatus(agent, await readLiveness()).pane;
  const menu = limitMenu(agent.provider);
  if (pane && menu && menu.open.test(await capturePane(pane.paneId, 0))) {
    await sendKeys(pane.paneId, menu.key);
    const deadline = Date.now() + 5000;
    while (menu.open.test(await capturePane(pane.paneId, 0))) {
      // Typed into the menu, the prompt would be lost (and its Enter would pick an option).
      if (Date.now() >= deadline) throw new Error(`its limit menu did not close; answer it in its pane (pwt agent attach ${agent.id}).`);
      await sleep(100);
    }
    if (menu.resumes) return;
  }
  await sendText(project, { session, agent }, CONTINUE_PROMPT);
}
