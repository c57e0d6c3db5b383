import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { currentBranch, preloadWorkflowShell, resolveCommit, useWorkflowShell } from '../git/git.js';
import { withLock } from '../infra/lock.js';
import { notes as say } from '../infra/notes.js';
import { approveHooks, type HookOptions, type HookProgress } from '../project/hooks/run.js';
import type { Project } from '../project/project.js';
import { endedSession, findSession } from '../manifest/manifest.js';
import { readManifest } from '../manifest/store.js';
import { executePlan, planTitles, type Spin } from '../workflow/execute.js';
import { describeCheck, type Check } from './check.js';
import { sweepLandingWorktrees } from '../sessions/gate.js';
import { gatherLandFacts } from './facts.js';
import { mergeCandidate } from './merge.js';
import { landOps, planLand, resumeDecision, type LandChoice, type LandPlan } from './plan.js';
import { runQueue } from './queue.js';
import {
  clearLandState,
  lastPath,
  queueDir,
  lockPath,
  readLandState,
  writeLandState,
  LAND_STATE_VERSION,
  type Dropped,
  type Ejected,
  type Landed,
  type LandState,
} from './state.js';
import { landRunners, type LandContext } from './steps.js';

/**
 * `pwt land [S...]` (docs/landing.md): facts, the queue's plan, then its
 * operations through the one executor: test the queue in a temporary
 * worktree, move the base once, end the landed sessions through the one
 * ending sequence, note the ejected ones. One queue at a time (a lock);
 * an interrupted queue is continued by the next `pwt land`.
 */
export interface LandOptions {
  names: string[];
  /** `--check CMD`; without it the pre-merge hook is the check. */
  check?: string;
  squash?: boolean;
  dryRun?: boolean;
  tellAgents?: boolean;
  hooks: HookOptions;
  onStep?: (title: string) => void;
  onProgress?: (progress: HookProgress) => void;
  spin?: Spin;
}

export interface LandResult {
  base: string;
  from: string;
  to: string;
  landed: Landed[];
  ejected: Ejected[];
  /** Stacked on an ejected session: never tried. */
  dropped: Dropped[];
  /** Named (or found) but not tried, and why. */
  skipped: Dropped[];
  checks: number;
  check: string;
  dryRun: boolean;
  /** The operations, one line each (what --dry-run prints). */
  titles: string[];
  /** Sessions ended after landing. */
  ended: string[];
  retargeted: Array<{ session: string; from: string; to: string }>;
  notes: string[];
  /** This run finished a queue an earlier, interrupted pwt land had started. */
  resumed: boolean;
  /** Sessions named that had landed already (skipped with a note). */
  alreadyLanded?: string[];
  /** Sessions were named (or a run's): false when the queue took every finished session. */
  named?: boolean;
}

/** Sessions named again that an earlier queue landed already (they are gone from the manifest). */
async function alreadyLanded(project: Project, names: string[], state: LandState | null): Promise<{ names: string[]; notes: string[] }> {
  const manifest = await readManifest(project);
  const last = lastRun(project);
  const left: string[] = [];
  const notes: string[] = [];
  for (const name of names) {
    if (findSession(manifest, name)) {
      left.push(name);
      continue;
    }
    const landed = state?.landed?.find((each) => each.session === name) ?? last?.landed.find((each) => each.session === name);
    const ended = endedSession(manifest, `${project.config.branchPrefix}${name}`);
    const commit = landed?.commit ?? (ended?.landed as { commit?: string } | undefined)?.commit;
    if (commit) notes.push(`${name} has landed already (${commit.slice(0, 10)}): skipped.`);
    else left.push(name);
  }
  return { names: left, notes };
}

function lastRun(project: Project): { landed: Landed[] } | null {
  const file = lastPath(project.sessionsDir);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { landed: Landed[] };
  } catch {
    return null;
  }
}

export async function landSessions(project: Project, opts: LandOptions): Promise<LandResult> {
  if (!opts.dryRun) preloadWorkflowShell();
  if (opts.dryRun) return landLocked(project, opts);
  mkdirSync(queueDir(project.sessionsDir), { recursive: true });
  return withLock(lockPath(project.sessionsDir), { what: 'the landing queue (another pwt land runs)', timeoutMs: 2000, onWait: say.warn }, () =>
    landLocked(project, opts),
  );
}

async function landLocked(project: Project, opts: LandOptions): Promise<LandResult> {
  const earlier = readLandState(project.sessionsDir);
  const named = await alreadyLanded(project, opts.names, earlier);
  // Every session named has landed already (a re-run after an interrupted one finished): nothing else is taken instead.
  if (opts.names.length > 0 && named.names.length === 0 && earlier?.phase !== 'advancing' && earlier?.phase !== 'ending') {
    const at = (await resolveCommit(project.repo.mainPath, 'HEAD')) ?? '';
    return {
      base: (await currentBranch(project.repo.mainPath)) ?? '',
      from: at,
      to: at,
      landed: [],
      ejected: [],
      dropped: [],
      skipped: [],
      checks: 0,
      check: '',
      dryRun: Boolean(opts.dryRun),
      titles: [],
      ended: [],
      retargeted: [],
      notes: named.notes,
      resumed: false,
      alreadyLanded: opts.names,
    };
  }
  const facts = await gatherLandFacts(project, named.names);

  // Hooks are approved (or refused) before anything changes; the pre-merge hook is the check unless --check names one.
  const events = opts.check === undefined ? (['pre-merge', 'pre-remove', 'post-remove'] as const) : (['pre-remove', 'post-remove'] as const);
  const gate = await approveHooks(project, [...events], opts.hooks);
  const check: Check =
    opts.check !== undefined ? { kind: 'command', command: opts.check } : gate.events.includes('pre-merge') ? { kind: 'hook', gate } : { kind: 'none' };
  const notes = [...named.notes, ...(gate.note ? [gate.note] : [])];
  if (check.kind === 'none')
    notes.push(
      `No check ran: ` +
        `${opts.hooks.enabled ? 'there is no pre-merge hook in .pwt.json and no --check' : '--no-hooks, and no --check'}; the merge results land untested.`,
    );
  const choice: LandChoice = { names: named.names, squash: Boolean(opts.squash), check: describeCheck(check) };

  const decision = resumeDecision(earlier, facts, choice);
  let state: LandState;
  let plan: LandPlan | null = null;
  if ((decision === 'continue' || decision === 'finish') && earlier) {
    state = earlier;
    notes.push(
      decision === 'finish'
        ? `Finishing the pwt land that was interrupted after ${state.base} moved (${state.from.slice(0, 10)} -> ${state.to?.slice(0, 10)}).`
        : `Continuing the pwt land that was interrupted (${Object.keys(state.checks).length} check result(s) kept).`,
    );
  } else {
    if (decision === 'restart') notes.push(`An earlier pwt land stopped before moving ${earlier?.base}; it starts over (nothing of it had landed).`);
    plan = planLand(facts, choice);
    state = {
      version: LAND_STATE_VERSION,
      startedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      base: plan.base,
      from: plan.from,
      squash: choice.squash,
      check: choice.check,
      candidates: plan.candidates,
      checks: {},
      phase: 'testing',
    };
  }
  const skipped = plan?.skipped ?? [];
  const ops = landOps(state, { squash: state.squash, check: state.check, tellAgents: opts.tellAgents });
  const titles = planTitles(ops, landRunners);
  const base = {
    named: opts.names.length > 0,
    base: state.base,
    from: state.from,
    skipped,
    check: state.check,
    titles,
    notes,
    resumed: decision === 'finish' || decision === 'continue',
  };

  if (opts.dryRun) {
    // The merges without checks (they only write objects): which candidates would conflict.
    const merge = { mainPath: project.repo.mainPath, base: state.base, squash: state.squash, date: state.startedAt };
    const predicted = await runQueue(
      state.from,
      state.candidates,
      { merge: (onto, candidate) => mergeCandidate(merge, onto, candidate), check: async () => ({ ok: true }) },
      { check: false },
    );
    return {
      ...base,
      to: state.from,
      landed: predicted.landed,
      ejected: predicted.ejected,
      dropped: predicted.dropped,
      checks: 0,
      dryRun: true,
      ended: [],
      retargeted: [],
    };
  }
  if (state.candidates.length === 0) {
    if (decision === 'restart') clearLandState(project.sessionsDir);
    return { ...base, to: state.from, landed: [], ejected: [], dropped: [], checks: 0, dryRun: false, ended: [], retargeted: [] };
  }
  await sweepLandingWorktrees(project.repo.mainPath, project.sessionsDir);
  writeLandState(project.sessionsDir, state);
  await useWorkflowShell();
  const ctx: LandContext = {
    project,
    state,
    check,
    hooks: { ...opts.hooks, trust: opts.hooks.trust },
    onStep: opts.onStep,
    onProgress: opts.onProgress,
    notes,
    checksRun: 0,
    ended: [],
    retargeted: [],
  };
  await executePlan(ops, landRunners, ctx, { onStep: opts.onStep, spin: opts.spin });
  return {
    ...base,
    to: state.to ?? state.from,
    landed: state.landed ?? [],
    ejected: state.ejected ?? [],
    dropped: state.dropped ?? [],
    checks: ctx.checksRun,
    dryRun: false,
    ended: ctx.ended,
    retargeted: ctx.retargeted,
  };
}
