import { preconditionError } from '../infra/errors.js';
import type { LandFacts, SessionFacts } from './facts.js';
import type { Candidate, Dropped, LandState } from './state.js';

/** What the user asked for, on top of the facts. */
export interface LandChoice {
  /** Sessions named (or a run's), in that order; empty: every session ahead of its base. */
  names: string[];
  squash: boolean;
  /** What the check is (describeCheck): a continued queue must use the same. */
  check: string;
}

export interface LandPlan {
  base: string;
  from: string;
  /** In landing order: stacked sessions after the one they stand on. */
  candidates: Candidate[];
  /** Sessions named (or found) that cannot go in the queue, and why. */
  skipped: Dropped[];
}

/** The operations of `pwt land` (runners: steps.ts). The queue's outcome decides what the later ones touch. */
export type LandOp =
  | { op: 'queue'; base: string; from: string; sessions: string[]; check: string; squash: boolean; to?: string; landed?: number; ejected?: number }
  | { op: 'advance'; base: string; from: string; to?: string }
  | { op: 'retarget'; base: string; retargeted?: string[] }
  | { op: 'end-landed'; base: string; ended?: string[] }
  | { op: 'sync-children' }
  | { op: 'record-notes' }
  | { op: 'tell-agents'; told?: string[] }
  | { op: 'finish' };

export function landOps(
  plan: { base: string; from: string; candidates: Candidate[] },
  choice: { squash: boolean; check: string; tellAgents?: boolean },
): LandOp[] {
  return [
    { op: 'queue', base: plan.base, from: plan.from, sessions: plan.candidates.map((each) => each.session), check: choice.check, squash: choice.squash },
    { op: 'advance', base: plan.base, from: plan.from },
    { op: 'retarget', base: plan.base },
    { op: 'end-landed', base: plan.base },
    { op: 'sync-children' },
    { op: 'record-notes' },
    ...(choice.tellAgents ? [{ op: 'tell-agents' } as const] : []),
    { op: 'finish' },
  ];
}

/**
 * Why a session cannot go in the queue (null: it can). Named sessions get a reason for everything;
 * found ones are silently left out when they have nothing to land.
 */
function refusal(session: SessionFacts, base: string, rootBase: string | null): string | null {
  if (!session.tip) return `its branch ${session.branch} does not exist`;
  if (rootBase !== null && rootBase !== base) return `its base is ${rootBase}; pwt land lands on ${base} (the main worktree's branch)`;
  if (session.ahead === 0) return `nothing to land: ${session.branch} has no commits beyond ${base}`;
  if (session.dirty > 0) return `${session.dirty} uncommitted change(s) in its worktree: commit them there first`;
  if (session.working.length) return `its agent ${session.working.join(', ')} is working: wait for it (pwt agent wait) or stop it`;
  return null;
}

/**
 * From the facts to the queue, with no I/O: candidates in order, the rest
 * with a reason. Throws (nothing changed) when the base cannot move.
 */
export function planLand(facts: LandFacts, choice: LandChoice): LandPlan {
  const base = facts.base as string;
  if (!facts.baseTip) throw preconditionError(`The branch ${base} has no commit to land on.`, 'Make a first commit on it, then run pwt land again.');
  const byId = new Map(facts.sessions.map((each) => [each.id, each]));
  const rootBase = (session: SessionFacts): string | null => {
    const seen = new Set<string>();
    let at: SessionFacts | undefined = session;
    while (at?.parent && !seen.has(at.id)) {
      seen.add(at.id);
      at = byId.get(at.parent);
    }
    return at?.base ?? null;
  };
  const named = choice.names.length > 0;
  const pool = named
    ? choice.names.map((name) => byId.get(name)).filter((each): each is SessionFacts => Boolean(each))
    : [...facts.sessions].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const skipped: Dropped[] = [];
  const eligible = new Map<string, SessionFacts>();
  for (const session of pool) {
    if (eligible.has(session.id) || skipped.some((each) => each.session === session.id)) continue;
    const why = refusal(session, base, rootBase(session));
    if (!why) eligible.set(session.id, session);
    else if (named || (session.tip && session.ahead > 0 && rootBase(session) === base)) skipped.push({ session: session.id, reason: why });
  }
  // A stacked session lands only with (after) the session it stands on, when that one has commits of its own to land.
  const parentOf = (session: SessionFacts) => (session.parent && (byId.get(session.parent)?.ahead ?? 0) > 0 ? session.parent : null);
  let changed = true;
  while (changed) {
    changed = false;
    for (const session of [...eligible.values()]) {
      const parent = parentOf(session);
      if (parent && !eligible.has(parent)) {
        eligible.delete(session.id);
        skipped.push({ session: session.id, reason: `it stands on ${parent}, which is not landing with it: pwt land ${parent} ${session.id}` });
        changed = true;
      }
    }
  }
  const ordered: SessionFacts[] = [];
  const place = (session: SessionFacts) => {
    if (ordered.includes(session)) return;
    const parent = parentOf(session);
    if (parent) place(eligible.get(parent) as SessionFacts);
    ordered.push(session);
  };
  for (const session of pool) if (eligible.has(session.id)) place(session);
  if (ordered.length > 0 && facts.baseDirty > 0) {
    throw preconditionError(
      `${base} is checked out in ${facts.baseCheckedOutAt} with ${facts.baseDirty} uncommitted change(s) ` +
        `to tracked files; landing moves ${base} and its files there.`,
      'Commit or stash them first, then run pwt land again.',
    );
  }
  const candidates = ordered.map((session): Candidate => ({
    session: session.id,
    branch: session.branch,
    tip: session.tip as string,
    goals: session.goals,
    ...(parentOf(session) ? { parent: parentOf(session) as string } : {}),
  }));
  return { base, from: facts.baseTip, candidates, skipped };
}

/**
 * An unfinished earlier queue: `finish` when the base moved (or was about
 * to), since landed sessions must be ended; `continue` a queue still testing
 * when the same queue is asked for again (plain `pwt land`, or its names)
 * on an unmoved base; else `restart` (nothing irreversible had happened).
 */
export function resumeDecision(state: LandState | null, facts: LandFacts, choice: LandChoice): 'fresh' | 'continue' | 'finish' | 'restart' {
  if (!state) return 'fresh';
  if (state.phase !== 'testing') return 'finish';
  if (state.base !== facts.base || state.from !== facts.baseTip || state.squash !== choice.squash || state.check !== choice.check) return 'restart';
  const queued = new Set(state.candidates.map((each) => each.session));
  if (choice.names.length > 0 && !choice.names.every((name) => queued.has(name))) return 'restart';
  return 'continue';
}
