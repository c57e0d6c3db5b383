import { existsSync } from 'node:fs';
import { changedPaths } from '../../git/git.js';
import { cancelledError, preconditionError, PwtError } from '../../infra/errors.js';
import { shellWord } from '../../infra/shell-word.js';
import { findSession, sessionPath, type Manifest } from '../../manifest/manifest.js';
import { readManifest } from '../../manifest/store.js';
import type { Project } from '../../project/project.js';
import { removeSession, type RemoveResult, type Strategy } from '../../sessions/remove/index.js';
import { readIntent } from '../../sessions/intents/intent.js';
import type { HookOptions } from '../../project/hooks/run.js';
import { deleteRun, requireRun, updateRun, type RunAgent, type RunFile } from './store.js';

/**
 * Ending a run's sessions through the one ending sequence (`removeSession`,
 * the same as `pwt remove`: project hooks, refusals, agents stopped,
 * archive, worktree, manifest): `pwt run pick` (the chosen session with
 * merge or pr, the others abandoned, which archives them) and `pwt run rm`
 * (every session kept). Every session is planned (a dry run of its removal,
 * which runs all of remove's checks) before any of them changes, so a
 * refusal leaves the whole run as it was, its agents still running.
 */
export const PICK_STRATEGIES = ['merge', 'pr'] as const;
export type PickStrategy = (typeof PICK_STRATEGIES)[number];

export interface EndedSession {
  session: string;
  provider: string;
  strategy: Strategy;
  /** Set when this session was skipped (already gone) or its removal failed. */
  skipped?: string;
  error?: string;
  result?: RemoveResult;
}

interface Planned {
  agent: RunAgent;
  strategy: Strategy;
}

/** The run's sessions still there (or, with `unfinished`, whose ending was cut), and those gone. */
function liveAgents(
  project: Project,
  run: RunFile,
  manifest: Manifest | null,
  unfinished?: (session: string) => boolean,
): { live: RunAgent[]; gone: RunAgent[] } {
  const live: RunAgent[] = [];
  const gone: RunAgent[] = [];
  for (const agent of run.agents) {
    const session = findSession(manifest, agent.session) || unfinished?.(agent.session);
    (session ? live : gone).push(agent);
  }
  return { live, gone };
}

/** Sessions whose worktree has uncommitted work (untracked included). */
async function dirtySessions(project: Project, manifest: Manifest | null, agents: RunAgent[]): Promise<{ session: string; path: string; count: number }[]> {
  const dirty: { session: string; path: string; count: number }[] = [];
  for (const agent of agents) {
    const session = findSession(manifest, agent.session);
    if (!session) continue;
    const path = sessionPath(project.repo.mainPath, session);
    if (!existsSync(path)) continue;
    const changes = await changedPaths(path, { untracked: 'normal' }).catch(() => []);
    if (changes.length > 0) dirty.push({ session: agent.session, path, count: changes.length });
  }
  return dirty;
}

interface RemoveMode {
  dryRun: boolean;
  stopOnError?: boolean;
  onStep?: (title: string) => void;
  hooks?: HookOptions;
}

/** Removes each planned session in turn. A dry run, or `stopOnError`, throws at the first refusal; otherwise a failure is recorded and the rest go on. */
async function removeAll(project: Project, planned: Planned[], mode: RemoveMode): Promise<EndedSession[]> {
  const { dryRun, onStep } = mode;
  const ended: EndedSession[] = [];
  for (const { agent, strategy } of planned) {
    const entry: EndedSession = { session: agent.session, provider: agent.provider, strategy };
    try {
      // Abandon archives uncommitted work with the session (force), so nothing is lost and pwt restore brings it back.
      entry.result = await removeSession(project, {
        name: agent.session,
        strategy,
        yes: true,
        force: strategy === 'abandon',
        dryRun,
        interactive: false,
        onStep,
        ...(mode.hooks ? { hooks: mode.hooks } : {}),
      });
    } catch (error) {
      if (dryRun || mode.stopOnError || !(error instanceof PwtError)) throw error;
      entry.error = `${error.message}${error.hint ? ` ${error.hint}` : ''}`;
    }
    ended.push(entry);
  }
  return ended;
}

/** Plans every removal (all of remove's checks, nothing changed, no agent stopped). */
async function checkAll(project: Project, planned: Planned[], hooks: HookOptions | undefined): Promise<void> {
  await removeAll(project, planned, { dryRun: true, ...(hooks ? { hooks } : {}) });
}

export interface PickOptions {
  provider: string;
  strategy: PickStrategy;
  yes: boolean;
  /** Asks a person to confirm (only called when they can answer). */
  confirm?: (message: string) => Promise<boolean>;
  onStep?: (title: string) => void;
  /** Project hooks, as for pwt remove (--no-hooks, --trust-hooks, who can approve them). */
  hooks?: HookOptions;
}

export interface PickResult {
  run: string;
  picked: EndedSession;
  abandoned: EndedSession[];
  /** Sessions of the run that were already gone. */
  gone: string[];
  /** When the pick this run finished had started (it had been cut). */
  finished?: string;
}

/** A pick as JSON (`pwt run pick --json`, the MCP tool `pick_run`): each ended session with what ran. */
export function pickJson(result: PickResult): Record<string, unknown> {
  const actions = (each: EndedSession) => ({
    session: each.session,
    provider: each.provider,
    strategy: each.strategy,
    actions: each.result?.actions ?? [],
    ...(each.error ? { error: each.error } : {}),
  });
  return { run: result.run, picked: actions(result.picked), abandoned: result.abandoned.map(actions), gone: result.gone };
}

/** A pick recorded in the run file before its first change: its re-run finishes it (docs/crash-safety.md). */
interface Picking {
  provider: string;
  strategy: PickStrategy;
  at: string;
}

const pickCommand = (run: string, picking: Picking) =>
  `pwt run pick ${run} ${picking.provider}${picking.strategy === 'merge' ? '' : ` --strategy ${picking.strategy}`}`;

/** The recorded pick this command finishes, if any; another pick of the same run that was cut refuses. */
function interruptedPick(run: RunFile, opts: PickOptions): Picking | null {
  const picking = run.picking as Picking | undefined;
  if (!picking) return null;
  if (picking.provider === opts.provider && picking.strategy === opts.strategy) return picking;
  throw preconditionError(
    `${pickCommand(run.name, picking)} was interrupted (started ${picking.at}) and is not finished.`,
    `Run ${pickCommand(run.name, picking)} again to finish it.`,
  );
}

export async function pickRun(project: Project, name: string, opts: PickOptions): Promise<PickResult> {
  const run = requireRun(project.sessionsDir, name);
  const chosen = run.agents.find((agent) => agent.provider === opts.provider);
  if (!chosen) throw preconditionError(`Run ${name} has no ${opts.provider} agent.`, `Pick one of: ${run.agents.map((agent) => agent.provider).join(', ')}.`);
  const finishing = interruptedPick(run, opts);
  const manifest = await readManifest(project);
  // Finishing a cut pick: a session its remove was cut in is still one to end (the remove finishes it).
  const { live, gone } = liveAgents(project, run, manifest, finishing ? (session) => readIntent(project.sessionsDir, session)?.kind === 'remove' : undefined);
  if (finishing) {
    const planned: Planned[] = live.map((agent) => ({ agent, strategy: agent === chosen ? opts.strategy : ('abandon' as const) }));
    return { ...(await endPicked(project, run, chosen, planned, gone, opts)), finished: finishing.at };
  }
  if (!live.includes(chosen))
    throw preconditionError(
      `The session ${chosen.session} of run ${name} no longer exists.`,
      `Restore it first (pwt restore ${chosen.session}), or pick another provider.`,
    );
  const [dirtyChosen] = await dirtySessions(project, manifest, [chosen]);
  if (dirtyChosen) {
    throw preconditionError(
      `${chosen.session} has ${dirtyChosen.count} uncommitted change(s); pick ends it with ${opts.strategy}, which takes commits only.`,
      `Commit them first (cd ${shellWord(dirtyChosen.path)} && git add -A && git commit), then run pwt run pick ${name} ${opts.provider} again.`,
    );
  }
  const planned: Planned[] = [
    { agent: chosen, strategy: opts.strategy },
    ...live.filter((agent) => agent !== chosen).map((agent) => ({ agent, strategy: 'abandon' as const })),
  ];

  if (!opts.yes) {
    const others = planned.slice(1).map((each) => each.agent.session);
    const what =
      `Pick ${opts.provider} in run ${name}: end ${chosen.session} with ` +
      `${opts.strategy}${others.length ? `, abandon ${others.join(', ')} (archived; pwt restore <name> brings one back)` : ''}.`;
    if (!opts.confirm) throw preconditionError(`${what} This needs confirmation.`, 'Pass --yes to confirm.');
    if (!(await opts.confirm(`${what} Go ahead?`))) throw cancelledError('Cancelled; nothing was changed.');
  }
  await checkAll(project, planned, opts.hooks);
  // Recorded before the first change: killed from here on, the same pick again finishes the job.
  await updateRun(project.sessionsDir, name, (file) => {
    file.picking = { provider: chosen.provider, strategy: opts.strategy, at: new Date().toISOString() } satisfies Picking;
  });
  return endPicked(project, run, chosen, planned, gone, opts);
}

/** Ends the planned sessions (the chosen one first, if it is still there), then records the pick. */
async function endPicked(project: Project, run: RunFile, chosen: RunAgent, planned: Planned[], gone: RunAgent[], opts: PickOptions): Promise<PickResult> {
  // The chosen session first: if its hooks, merge or PR fail, the others stay as they are.
  const hooks = opts.hooks ? { hooks: opts.hooks } : {};
  const first = planned[0]?.agent === chosen ? planned.slice(0, 1) : [];
  const [picked] = await removeAll(project, first, { dryRun: false, stopOnError: true, onStep: opts.onStep, ...hooks });
  const abandoned = await removeAll(project, planned.slice(first.length), { dryRun: false, onStep: opts.onStep, ...hooks });
  await updateRun(project.sessionsDir, run.name, (file) => {
    file.picked = { provider: chosen.provider, session: chosen.session, strategy: opts.strategy, at: new Date().toISOString() };
    delete file.picking;
  });
  return {
    run: run.name,
    picked: picked ?? { session: chosen.session, provider: chosen.provider, strategy: opts.strategy, skipped: 'ended by the pick that was interrupted' },
    abandoned,
    gone: gone.filter((agent) => agent !== chosen).map((agent) => agent.session),
  };
}

export interface RemoveRunResult {
  run: string;
  kept: EndedSession[];
  gone: string[];
}

/** `pwt run rm`: every session of the run ends with keep (worktree removed, branch kept), then the run file goes. */
export async function removeRun(project: Project, name: string, onStep?: (title: string) => void, hooks?: HookOptions): Promise<RemoveRunResult> {
  const run = requireRun(project.sessionsDir, name);
  const manifest = await readManifest(project);
  const { live, gone } = liveAgents(project, run, manifest);
  const dirty = await dirtySessions(project, manifest, live);
  if (dirty.length > 0) {
    throw preconditionError(
      `Run ${name} has uncommitted work in ${dirty.map((each) => `${each.session} (${each.count})`).join(', ')}; keep takes commits only. Nothing was changed.`,
      `Commit it in those worktrees (${dirty.map((each) => each.path).join(', ')}), then run pwt run rm ${name} again.`,
    );
  }
  const planned = live.map((agent) => ({ agent, strategy: 'keep' as const }));
  await checkAll(project, planned, hooks);
  const kept = await removeAll(project, planned, { dryRun: false, onStep, ...(hooks ? { hooks } : {}) });
  const failed = kept.filter((each) => each.error);
  if (failed.length > 0) {
    throw preconditionError(
      `Could not end ${failed.map((each) => `${each.session}: ${each.error}`).join('; ')}. The run file stays.`,
      `Fix that, then run pwt run rm ${name} again.`,
    );
  }
  await deleteRun(project.sessionsDir, name);
  return { run: name, kept, gone: gone.map((agent) => agent.session) };
}
