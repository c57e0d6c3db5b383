import { PwtError } from '../../infra/errors.js';
import type { Adapter, Provider } from '../vendors/types.js';
import type { AgentEntry } from './records.js';

/**
 * The vendor's conversation id for CLIs where pwt cannot choose it (codex,
 * opencode, pi's header id): the first session of exactly this worktree
 * started at or after the spawn that no other agent record holds. Several
 * pwt agents share a worktree only with different providers, so the "taken"
 * set guards against a second run of the same CLI by hand.
 */
export async function captureVendorId(adapter: Adapter, cwd: string, spawnedAt: string, taken: Set<string>, env: NodeJS.ProcessEnv): Promise<string | null> {
  const since = new Date(Date.parse(spawnedAt) - 1_000);
  try {
    const first = await adapter.captureSessionId(cwd, since, env);
    if (first && !taken.has(first)) return first;
    if (!first) return null;
    const candidates = (await adapter.listSessions(cwd, env)).filter(
      (session) => !taken.has(session.id) && Date.parse(session.startedAt ?? '') >= since.getTime(),
    );
    candidates.sort((a, b) => Date.parse(a.startedAt ?? '') - Date.parse(b.startedAt ?? ''));
    return candidates[0]?.id ?? null;
  } catch (error) {
    // An unreadable vendor store (e.g. opencode's SQLite without its driver) means "not known yet".
    if (error instanceof PwtError) return null;
    throw error;
  }
}

/** Vendor ids already bound to other agent records (any session, any provider). */
export function takenIds(all: { agent: AgentEntry }[], except: string, provider: Provider): Set<string> {
  return new Set(
    all.filter(({ agent }) => agent.id !== except && agent.provider === provider && agent.vendorSessionId).map(({ agent }) => agent.vendorSessionId as string),
  );
}

/** How many messages the vendor's conversation holds (for this worktree); 0 when it has none or no such conversation. */
export async function conversationLength(adapter: Adapter, id: string, cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  try {
    return (await adapter.readTranscript(id, { cwd, env })).messages.length;
  } catch (error) {
    if (error instanceof PwtError) return 0;
    throw error;
  }
}

/** Does the vendor still have this conversation (for this worktree)? */
export async function vendorSessionExists(adapter: Adapter, id: string, cwd: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  return (await conversationLength(adapter, id, cwd, env)) > 0;
}
