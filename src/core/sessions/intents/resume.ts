import { existsSync } from 'node:fs';
import { changedPaths, resolveCommit } from '../../git/git.js';
import { listWorktrees } from '../../git/worktrees.js';
import { isAncestor } from '../../git/operations.js';
import { realPath } from '../../git/repo.js';
import { executePlan, type Operation, type Reported, type Runner, type Runners } from '../../workflow/execute.js';
import type { Project } from '../../project/project.js';
import { createRunners } from '../create/steps.js';
import { openRunners } from '../open/steps.js';
import { restoreRunners } from '../restore/steps.js';
import { syncRunners } from '../sync/steps.js';
import { removeRunners } from '../remove/steps.js';
import { clearIntent, type Intent } from './intent.js';
import { ensureSessionHooks } from '../../project/hooks-folder.js';

/**
 * Finishing an interrupted operation: its recorded plan runs again from the
 * start. A step that had run before the cut is skipped (each check below is
 * a read), the others run as they would have; register adds the goals given
 * to the re-run to the recorded ones. Without rollback: what is done stays,
 * and the intent is cleared only once everything is.
 */
type AnyRunners = Record<string, Runner<Operation, any>>;
type DoneCheck = (op: any, context: any) => Promise<boolean>;

const worktreeThere: DoneCheck = async (op: { path: string }, project) => {
  if (!existsSync(op.path)) return false;
  const path = realPath(op.path);
  return (await listWorktrees(project.repo.mainPath)).some((entry) => !entry.prunable && realPath(entry.path) === path);
};

/** The worktree's HEAD holds the commit already (a merge, fast-forward or rebase that ran). */
const holds =
  (commit: (op: any) => string): DoneCheck =>
  async (op: { path: string }) =>
    isAncestor(op.path, commit(op), 'HEAD');

const gone =
  (path: (op: any) => string): DoneCheck =>
  async (op) =>
    !existsSync(path(op));
const projectOf = (context: unknown) => ((context as { project?: Project }).project ?? context) as Project;

/** remove: each step that changes something, done or not (the archive dedups itself: writeArchive never writes a poorer copy). */
const REMOVE_DONE: Record<string, DoneCheck> = {
  commit: async (op: { path: string }) => !existsSync(op.path) || (await changedPaths(op.path, { untracked: 'all' })).length === 0,
  merge: async (op: { into: string; tip?: string; target?: string }, context) => {
    const main = projectOf(context).repo.mainPath;
    const commit = op.target ?? op.tip;
    return commit !== undefined && (await isAncestor(main, commit, `refs/heads/${op.into}`));
  },
  'squash-merge': async (op: { into: string; target?: string }, context) =>
    op.target !== undefined && (await isAncestor(projectOf(context).repo.mainPath, op.target, `refs/heads/${op.into}`)),
  // The plan archives before it removes the worktree: a worktree gone means its archive was written (a branch-only re-run would only find it again).
  archive: async (op: { worktree?: string | null }) => typeof op.worktree === 'string' && !existsSync(op.worktree),
  'archive-artifacts': gone((op) => op.from),
  'archive-ignored': gone((op) => op.from),
  'archive-nested': gone((op) => op.from),
  'remove-worktree': gone((op) => op.path),
  'delete-branch': async (op: { branch: string }, context) => (await resolveCommit(projectOf(context).repo.mainPath, `refs/heads/${op.branch}`)) === null,
};

const DONE: Partial<Record<Intent['kind'], Record<string, DoneCheck>>> = {
  create: { 'add-worktree': worktreeThere },
  open: { 'add-worktree': worktreeThere },
  restore: {
    'create-branch': async (op: { branch: string; commit: string }, project) =>
      (await resolveCommit(project.repo.mainPath, `refs/heads/${op.branch}`)) === op.commit,
    'add-worktree': worktreeThere,
    // Laid over already (or changed since by hand: never overwritten).
    'restore-uncommitted': async (op: { path: string }) => (await changedPaths(op.path, { untracked: 'all' })).length > 0,
  },
  sync: { 'fast-forward': holds((op) => op.to), merge: holds((op) => op.baseTip), rebase: holds((op) => op.baseTip) },
  remove: REMOVE_DONE,
};

const RUNNERS: Partial<Record<Intent['kind'], AnyRunners>> = {
  create: createRunners as unknown as AnyRunners,
  open: openRunners as unknown as AnyRunners,
  restore: restoreRunners as unknown as AnyRunners,
  sync: syncRunners as unknown as AnyRunners,
  remove: removeRunners as unknown as AnyRunners,
};

/** What remove's runners run with, rebuilt from what its intent recorded. */
function contextFor(project: Project, intent: Intent): unknown {
  if (intent.kind !== 'remove') return project;
  const { session, hookTarget } = intent.options as { session?: unknown; hookTarget?: unknown };
  return { project, ...(session ? { session } : {}), ...(hookTarget ? { hookTarget } : {}) };
}

/** The kinds this module can finish. */
export const finishable = (intent: Intent) => RUNNERS[intent.kind] !== undefined;

export interface FinishOptions {
  /** Goals given to the re-run: added to the recorded ones. */
  goals?: string[];
  onStep?: (title: string) => void;
  /** Runs once the plan is done, before the intent is cleared (a cut there is finished by the next run too). */
  beforeClear?: () => Promise<void>;
}

export async function finishIntent(project: Project, intent: Intent, opts: FinishOptions = {}): Promise<Reported<Operation>[]> {
  const runners = RUNNERS[intent.kind];
  if (!runners) throw new Error(`pwt cannot finish an interrupted ${intent.kind} here`);
  const checks = DONE[intent.kind] ?? {};
  const resuming: AnyRunners = {};
  for (const [name, runner] of Object.entries(runners)) {
    const done = checks[name];
    resuming[name] = done
      ? { ...runner, run: async (op, context) => ((await done(op, context)) ? { skipped: 'done before the interruption' } : runner.run(op, context)) }
      : runner;
  }
  const ops = intent.ops.map((op) => withGoals(op, opts.goals ?? []));
  const reported = await executePlan(ops, resuming as unknown as Runners<Operation, unknown>, contextFor(project, intent), { onStep: opts.onStep });
  // A session made by the plan gets its hooks folder, as after an uncut run.
  const added = intent.kind === 'sync' ? undefined : (intent.ops.find((op) => op.op === 'add-worktree') as { path?: string } | undefined);
  if (added?.path) await ensureSessionHooks(project.repo.mainPath, added.path);
  await opts.beforeClear?.();
  clearIntent(project.sessionsDir, intent.id);
  return reported;
}

function withGoals(op: Operation, goals: string[]): Operation {
  const session = (op as { session?: { goals?: string[] } }).session;
  if (op.op !== 'register' || !session || goals.length === 0) return op;
  return { ...op, session: { ...session, goals: [...new Set([...(session.goals ?? []), ...goals])] } } as Operation;
}
