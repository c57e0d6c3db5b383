import { basename, join } from 'node:path';
import { archiveRef, artifactDir, moveAside } from './archive.js';
import { takeInventory, type Inventory } from './inventory.js';
import { withSessionLocks } from './lock.js';
import { interruptedIntents } from './intents/intent.js';
import { finishable, finishIntent } from './intents/resume.js';
import { realPath } from '../git/repo.js';
import { preloadWorkflowShell, useWorkflowShell } from '../git/git.js';
import { guessBase } from '../manifest/adopt.js';
import { adoptedSession, findSession, sessionPath } from '../manifest/manifest.js';
import { updateManifest } from '../manifest/store.js';
import { nameProblem } from '../project/names.js';
import { executePlan, planTitles, type Reported, type Runners, type Spin } from '../workflow/execute.js';
import type { Project } from '../project/project.js';
import { warmAdopted } from './copy.js';
import { confirm, select } from '../infra/ask.js';
import { takeSnapshot, type Orphan, type Snapshot } from './status.js';
import { utcStamp } from '../infra/time.js';
import { approveHooks, type HookGate, type HookOptions } from '../project/hooks/run.js';
import type { ArchiveOp, IgnoredOp, NestedOp, PruneOp, RemoveOp, RemoveWorktreeOp } from './remove/plan.js';
import { removeEvents, removeSession, type RemoveResult } from './remove/index.js';
import { removeRunners, type EndingContext } from './remove/steps.js';
import { sweepLandingWorktrees } from './gate.js';

/**
 * `pwt cleanup` (docs/ending-sessions.md): one decision per orphan, then the
 * facts those decisions need, a pure plan, the executor. A session whose
 * worktree is gone ends through the ending sequence (`removeSession`, as
 * `pwt remove <name> --strategy keep` ends it: project hooks, its running
 * agents stopped, with --delete-branch its branch archived unless merged,
 * then deleted); the rest is cleanup's own: stray folders move into
 * .archive/, unregistered worktrees are adopted or archived and removed
 * (through the ending sequence's runners), git's stale entries are pruned.
 * Nothing is deleted that is not archived first.
 */
export type Decision = 'fix' | 'adopt' | 'remove' | 'skip';

export interface CleanupOptions {
  force?: boolean;
  deleteBranch?: boolean;
  dryRun?: boolean;
  interactive: boolean;
  /** Project hooks of the sessions it ends: --no-hooks, --trust-hooks, who can approve them, progress. Default: enabled, nobody asked. */
  hooks?: HookOptions;
  onStep?: (title: string) => void;
  spin?: Spin;
}

/** What cleanup did (or would do): its own operations and, for each session it ends, the ending's. */
export type CleanupAction = Exclude<CleanupOp, EndSessionOp> | RemoveOp;

export interface CleanupResult {
  orphans: Orphan[];
  actions: CleanupAction[];
  titles: string[];
  dryRun: boolean;
  /** Not interactive and no --force: the plan was only reported. */
  reportOnly: boolean;
  /** Interrupted operations (as their commands) finished first, or that would be in a report or dry run. */
  interrupted: string[];
  /** What the endings have to say (a branch already merged...). */
  notes: string[];
  /** Why project hooks did not run (--no-hooks, not approved), when they did not. */
  hookNote?: string;
}

async function ask(orphan: Orphan, deleteBranch: boolean): Promise<Decision> {
  switch (orphan.kind) {
    case 'unregistered-worktree':
      return select<Decision>(
        `Unregistered worktree ${orphan.path} (${orphan.branch ?? 'detached'}):`,
        [
          { value: 'adopt', label: 'adopt', hint: 'add it to the manifest as a session' },
          { value: 'remove', label: 'remove', hint: 'archive its state, remove the worktree, keep the branch' },
          { value: 'skip', label: 'skip' },
        ],
        'adopt',
      );
    case 'missing-worktree':
      return (await confirm(
        `Session ${orphan.id}: its worktree ${orphan.path} is gone. Drop it from the ` +
          `manifest${deleteBranch ? ` and delete ${orphan.branch} (archived first if unmerged)` : ''}?`,
        true,
      ))
        ? 'fix'
        : 'skip';
    case 'stray-directory':
      return (await confirm(`Stray folder ${orphan.path}: move it into .archive/strays/?`, true)) ? 'fix' : 'skip';
    case 'prunable':
      return (await confirm(`git still lists a worktree at ${orphan.path} whose folder is gone. Prune it?`, true)) ? 'fix' : 'skip';
  }
}

const defaultDecision = (orphan: Orphan): Decision => (orphan.kind === 'unregistered-worktree' ? 'adopt' : 'fix');

/**
 * A session whose worktree is gone ends through the ending sequence:
 * `removeSession` with keep (and --delete-branch), which reads its own facts
 * and plans its own operations; cleanup reports those in its place.
 */
export type EndSessionOp = {
  op: 'end-session';
  id: string;
  path: string;
  deleteBranch: boolean;
  // learned
  ending?: RemoveResult;
};

/** The operations of cleanup: ending sessions, some of the ending sequence's own for worktrees that are no session, adopting, moving strays aside. */
export type CleanupOp =
  | EndSessionOp
  | PruneOp
  | ArchiveOp
  | NestedOp
  | IgnoredOp
  | RemoveWorktreeOp
  | { op: 'move-stray'; path: string; name: string; to: string; stamp: string; movedTo?: string }
  | { op: 'adopt'; id: string; path: string; branch: string; withCopy: boolean; copied?: string[] }
  | { op: 'skip'; path: string; reason: string; why: string };

/** Everything cleanup decides from, read before anything changes. */
export interface CleanupFacts {
  sessionsDir: string;
  withCopy: boolean;
  snapshot: Snapshot;
  stamp: string;
  /** Sessions whose worktree is gone but git still lists: their ending prunes git's entries (all of them: prune is global). */
  gitListed: string[];
  /** By worktree path: what an unregistered worktree to remove holds. */
  unregistered: Record<string, Inventory>;
}

export async function gatherCleanupFacts(project: Project, snapshot: Snapshot, decisions: Array<[Orphan, Decision]>): Promise<CleanupFacts> {
  const mainPath = project.repo.mainPath;
  const facts: CleanupFacts = {
    sessionsDir: project.sessionsDir,
    withCopy: project.config.copy.length > 0,
    snapshot,
    stamp: utcStamp(),
    gitListed: [],
    unregistered: {},
  };
  for (const [orphan, decision] of decisions) {
    if (decision === 'skip') continue;
    if (orphan.kind === 'missing-worktree') {
      const session = findSession(snapshot.manifest, orphan.id as string);
      const path = session ? realPath(sessionPath(mainPath, session)) : null;
      if (path && snapshot.worktrees.some((each) => realPath(each.path) === path)) facts.gitListed.push(orphan.id as string);
    }
    if (orphan.kind === 'unregistered-worktree' && decision === 'remove') {
      const path = orphan.path as string;
      const entry = snapshot.worktrees.find((each) => realPath(each.path) === realPath(path));
      facts.unregistered[path] = await takeInventory({ mainPath, path, recordedBranch: orphan.branch ?? entry?.head ?? 'HEAD', entry });
    }
  }
  return facts;
}

export async function cleanup(project: Project, opts: CleanupOptions): Promise<CleanupResult> {
  if (opts.force && !opts.dryRun) preloadWorkflowShell();
  const reportOnly = !opts.force && !opts.dryRun && !opts.interactive;
  // Operations cut by a kill finish first, as recorded (goals and all); their worktrees are no orphans.
  const interrupted = interruptedIntents(project.sessionsDir).filter(finishable);
  if (interrupted.length > 0 && !opts.dryRun && !reportOnly) {
    await useWorkflowShell();
    for (const intent of interrupted) await withSessionLocks(project, [intent.id], () => finishIntent(project, intent, { onStep: opts.onStep }));
  }
  const pendingIds = new Set(opts.dryRun || reportOnly ? interrupted.map((intent) => intent.id) : []);
  const seen = await takeSnapshot(project);
  const snapshot = { ...seen, orphans: seen.orphans.filter((orphan) => !pendingIds.has(orphan.id ?? basename(orphan.path ?? ''))) };
  const asking = !opts.force && !opts.dryRun && opts.interactive;
  const decisions: Array<[Orphan, Decision]> = [];
  for (const orphan of snapshot.orphans) {
    // One deleted session folder is two findings (the manifest's session, git's prunable entry): one question, the answer for both.
    const twin =
      orphan.kind === 'prunable'
        ? decisions.find(
            ([other]) =>
              other.kind === 'missing-worktree' && other.path !== undefined && orphan.path !== undefined && realPath(other.path) === realPath(orphan.path),
          )
        : undefined;
    decisions.push([orphan, twin ? twin[1] : asking ? await ask(orphan, Boolean(opts.deleteBranch)) : defaultDecision(orphan)]);
  }
  const facts = await gatherCleanupFacts(project, snapshot, decisions);
  const ops = planCleanup(facts, decisions, { deleteBranch: Boolean(opts.deleteBranch) });
  const dryRun = Boolean(opts.dryRun) || reportOnly;
  const hooks: HookOptions = opts.hooks ?? { enabled: true };
  // The project hooks of the sessions it ends are approved once, before the first change (a dry run only lists them).
  const gate: HookGate | undefined =
    !dryRun && ops.some((op) => op.op === 'end-session') ? await approveHooks(project, removeEvents('keep'), hooks) : undefined;
  // The steps' git calls run through zx (git/workflow-shell.ts); a report or a dry run only reads.
  if (ops.length > 0 && !dryRun) await useWorkflowShell();
  const context: CleanupContext = {
    project,
    end: (op, dry) =>
      removeSession(project, {
        name: op.id,
        strategy: 'keep',
        deleteBranch: op.deleteBranch,
        dryRun: dry,
        interactive: false,
        hooks,
        ...(gate ? { hookGate: gate } : {}),
        ...(opts.onStep ? { onStep: opts.onStep } : {}),
        ...(opts.spin ? { spin: opts.spin } : {}),
      }),
  };
  // A dry run still asks the ending sequence what it would do for each session.
  const run = async (): Promise<Reported<CleanupOp>[]> => {
    if (!dryRun) return executePlan(ops, cleanupRunners, context, { onStep: opts.onStep, spin: opts.spin });
    const planned: Reported<CleanupOp>[] = [];
    for (const op of ops) planned.push(op.op === 'end-session' ? { ...op, ending: await context.end(op, true) } : op);
    return planned;
  };
  // The worktrees it removes or adopts stay its own while it works (remove and restore wait for no one: they refuse);
  // each session it ends is locked by the ending sequence itself.
  const ids = snapshot.orphans.filter((orphan) => orphan.kind === 'unregistered-worktree').map((orphan) => orphan.id ?? basename(orphan.path ?? ''));
  // A gate's temporary worktree (.pwt/land/) left by a pwt that was killed is no orphan of anyone's: it just goes.
  if (!dryRun) await sweepLandingWorktrees(project.repo.mainPath, project.sessionsDir);
  const reported = dryRun ? await run() : await withSessionLocks(project, ids, run);
  const actions: CleanupAction[] = [];
  const titles: string[] = [];
  const notes: string[] = [];
  for (const op of reported) {
    if (op.op !== 'end-session') {
      actions.push(op);
      titles.push(...planTitles([op], cleanupRunners));
    } else if (op.ending) {
      actions.push(...op.ending.actions);
      titles.push(...op.ending.titles);
      notes.push(...op.ending.notes);
    }
  }
  return {
    orphans: snapshot.orphans,
    actions,
    titles,
    dryRun,
    reportOnly,
    interrupted: interrupted.map((intent) => intent.command),
    notes,
    ...(gate?.note ? { hookNote: gate.note } : {}),
  };
}

/**
 * From the facts and the decisions to the plan, with no I/O: first the
 * sessions it ends (each one's hooks run before anything of it changes),
 * then git's stale entries, then the orphans that are no session.
 */
export function planCleanup(facts: CleanupFacts, decisions: Array<[Orphan, Decision]>, opts: { deleteBranch: boolean }): CleanupOp[] {
  const ops: CleanupOp[] = [];
  const acted = decisions.filter(([, decision]) => decision !== 'skip');
  const ended = acted.filter(([orphan]) => orphan.kind === 'missing-worktree').map(([orphan]) => orphan);
  for (const orphan of ended) ops.push({ op: 'end-session', id: orphan.id as string, path: orphan.path as string, deleteBranch: opts.deleteBranch });
  // git worktree prune is global: an ending that prunes (its session is still listed by git) prunes every stale entry.
  const endingPrunes = ended.some((orphan) => facts.gitListed.includes(orphan.id as string));
  if (!endingPrunes && acted.some(([orphan]) => orphan.kind === 'prunable')) ops.push({ op: 'prune-worktrees' });
  const takenIds = new Set(facts.snapshot.manifest?.sessions.map((session) => session.id) ?? []);
  for (const [orphan, decision] of acted) {
    if (orphan.kind === 'stray-directory' && orphan.path) {
      ops.push({
        op: 'move-stray',
        path: orphan.path,
        name: orphan.id ?? basename(orphan.path),
        to: `${facts.sessionsDir}/.archive/strays/`,
        stamp: facts.stamp,
      });
    }
    if (orphan.kind === 'unregistered-worktree' && decision === 'adopt') ops.push(adoptOp(facts, orphan, takenIds));
    if (orphan.kind === 'unregistered-worktree' && decision === 'remove')
      ops.push(...removeUnregisteredOps(facts, orphan, facts.unregistered[orphan.path as string] as Inventory));
  }
  return ops;
}

function adoptOp(facts: CleanupFacts, orphan: Orphan, takenIds: Set<string>): CleanupOp {
  const path = orphan.path as string;
  const id = orphan.id ?? basename(path);
  const problem = nameProblem(id) ?? (takenIds.has(id) ? `a session named ${id} exists already` : null);
  if (problem) return { op: 'skip', path, reason: problem, why: `cannot adopt ${path}: ${problem} (git worktree move it to another name)` };
  takenIds.add(id);
  const entry = facts.snapshot.worktrees.find((each) => each.path === path);
  return { op: 'adopt', id, path, branch: orphan.branch ?? entry?.head ?? 'HEAD', withCopy: facts.withCopy };
}

/**
 * Removing a worktree pwt never registered: the same inventory as pwt remove
 * decides. A locked worktree or one with processes inside is skipped (with
 * the reason); commits only it reaches go into the archive ref, nested
 * repositories and ignored files that differ are copied into .archive/.
 */
function removeUnregisteredOps(facts: CleanupFacts, orphan: Orphan, inventory: Inventory): CleanupOp[] {
  const path = orphan.path as string;
  const id = orphan.id ?? basename(path);
  const blocker =
    inventory.locked !== null
      ? `it is locked${inventory.locked ? ` (${inventory.locked})` : ''}`
      : inventory.processes.length
        ? `${inventory.processes.length} process(es) run inside it`
        : null;
  if (blocker) return [{ op: 'skip', path, reason: blocker, why: `cannot remove ${path}: ${blocker}` }];
  const ops: CleanupOp[] = [
    {
      op: 'archive',
      id,
      branch: orphan.branch ?? 'HEAD',
      ref: archiveRef(id, facts.stamp),
      stamp: facts.stamp,
      reason: 'cleanup remove',
      worktree: path,
      keep: inventory.unreachableTips,
      exclude: inventory.nested.filter((each) => each.kind === 'repo').map((each) => each.path),
      ...(inventory.unreachable.length ? { unreachable: inventory.unreachable.length } : {}),
      what: `the state of ${path}`,
    },
  ];
  const to = artifactDir(facts.sessionsDir, id, facts.stamp);
  const nested = inventory.nested.filter((each) => each.unsaved).map((each) => each.path);
  if (nested.length) ops.push({ op: 'archive-nested', from: path, paths: nested, to: join(to, 'nested') });
  if (inventory.ignoredDiffering.length) ops.push({ op: 'archive-ignored', from: path, files: inventory.ignoredDiffering, to: join(to, 'ignored') });
  ops.push({ op: 'remove-worktree', path, shown: path, force: 1, branch: orphan.branch ?? '-' });
  return ops;
}

/** The runners' context: the ending sequence's, and how to end one session (removeSession, real or dry). */
interface CleanupContext extends EndingContext {
  end: (op: EndSessionOp, dryRun: boolean) => Promise<RemoveResult>;
}

const cleanupRunners: Runners<CleanupOp, CleanupContext> = {
  'end-session': {
    title: (op) =>
      `end ${op.id}, whose worktree is gone, as pwt remove ${op.id} --strategy keep does` +
      (op.deleteBranch ? ', and delete its branch (archived first unless merged)' : ''),
    run: async (op, context) => ({ ending: await context.end(op, false) }),
  },
  'prune-worktrees': removeRunners['prune-worktrees'],
  archive: removeRunners.archive,
  'archive-nested': removeRunners['archive-nested'],
  'archive-ignored': removeRunners['archive-ignored'],
  'remove-worktree': removeRunners['remove-worktree'],
  'move-stray': {
    title: (op) => `move stray folder ${op.path} into .archive/strays/`,
    run: async (op, { project }) => ({ movedTo: moveAside(project.sessionsDir, op.path, op.name, op.stamp) }),
  },
  adopt: {
    title: (op) => `adopt ${op.path} as session ${op.id}, with env files${op.withCopy ? ' and copy' : ''} from the main worktree`,
    run: async (op, { project }) => {
      const record = { ...adoptedSession(project.repo.mainPath, op.path, op.branch, { id: op.id }), ...(await guessBase(project.repo.mainPath, op.path)) };
      const added = await updateManifest(project, (manifest) => {
        if (findSession(manifest, op.id)) return false;
        manifest.sessions.push(record);
        return true;
      });
      if (added) return { copied: Object.values(await warmAdopted(project, op.path)).flat() };
    },
  },
  skip: {
    title: (op) => op.why,
    run: async () => {},
  },
};
