import type { ArgsDef } from 'citty';
import type { Project } from '../../core/project/project.js';
import { whichSession } from '../../core/project/which-session.js';
import type { Launch } from '../../core/agents/runtime/index.js';
import { attachArgv, attachFailure, attachWindow, insidePwtTmux, switchClientTo } from '../../core/tmux/windows.js';
import { PROVIDERS } from '../../core/agents/vendors/types.js';
import { log } from '../../ui/log.js';
import { preconditionError } from '../../core/infra/errors.js';

/** Flags and helpers the `pwt agent` commands share. */
export const sessionArg = {
  session: { type: 'string', description: 'The session (default: the session of the current directory)' },
} as const satisfies ArgsDef;
export const detachArg = {
  detach: { type: 'boolean', description: 'Leave the agent running in the background; do not attach this terminal' },
} as const satisfies ArgsDef;
export const promptArg = { prompt: { type: 'string', description: 'The first prompt for the agent' } } as const satisfies ArgsDef;
export const handoffArg = {
  handoff: { type: 'boolean', default: true, description: "Hand over the previous agent's conversation and the git state (--no-handoff: don't)" },
} as const satisfies ArgsDef;
export const providerList = PROVIDERS.join('|');

/** --session, else the session whose worktree holds the current directory. */
export async function resolveSession(project: Project, given: string | undefined): Promise<string> {
  if (given) return given;
  return (await whichSession(project, { name: undefined, command: 'agent', flag: '--session', worktree: 'any' })).session.id;
}

/** The verbs' notes at the terminal (worded in src/ui/agent-notes.ts's terms). */
export { printAgentNotes as printNotes } from '../../ui/agent-notes.js';

/** Attach only for a person at a terminal who did not ask to detach. */
export function shouldAttach(detach: boolean | undefined): boolean {
  return !detach && Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY) && !process.env.CI;
}

/**
 * Shows the agent: attaches this terminal (inside pwt's own tmux: switches
 * the client to it; inside another tmux: does not nest, says how), or prints
 * how to attach.
 */
export async function showAgent(launch: Pick<Launch, 'agent'>, detach: boolean | undefined, { nest = false } = {}): Promise<void> {
  const place = launch.agent.tmux;
  if (!place) return;
  const how = `Attach with: pwt agent attach ${launch.agent.id}   (or: ${attachArgv(place.session).join(' ')}; detach with C-b d)`;
  if (!shouldAttach(detach)) {
    log.info(how);
    return;
  }
  if (insidePwtTmux()) {
    await switchClientTo(place.window);
    return;
  }
  if (process.env.TMUX && !nest) {
    log.info(
      `You are inside tmux: pwt does not nest tmux on its own. ` +
        `${how.replace('Attach with: ', 'From another terminal: ')}; pwt agent attach here nests it (detach ` +
        `with your prefix twice, then d).`,
    );
    return;
  }
  if (process.env.TMUX) log.info('Attaching inside your tmux (nested): detach with your prefix twice, then d.');
  const end = await attachWindow(place.session, place.window);
  if (end.code !== 0) throw preconditionError(attachFailure(end), `Attach by hand: ${attachArgv(place.session).join(' ')}`);
}
