import { basename, join } from 'node:path';
import { archiveRef, artifactDir, moveAside } from './archive.js';
import { takeInventory, type Inventory } from './inventory.js';
import { withSessionLocks } from './lock.js';
import { interruptedIntents } from './intents/intent.js';
import { finishable, finishIntent } from './intents/resume.js';
import { realPath } from '../git/repo.js';
import { currentBranch, preloadWorkflowShell, resolveCommit, useWorkflowShell } from '../git/git.js';
import { guessBase } from '../manifest/adopt.js';
import { adoptedSession, findSession, type SessionRecord } from '../manifest/manifest.js';
import { updateManifest } from '../manifest/store.js';
import { nameProblem } from '../project/names.js';
import { executePlan, planTitles, type Runners } from '../workflow/execute.js';
import type { Project } from '../project/project.js';
import { isMerged } from './remove/merge.js';
import { warmAdopted } from './copy.js';
import { confirm, select } from '../infra/ask.js';
import { takeSnapshot, type Orphan, type Snapshot } from './status.js';
import { utcStamp } from '../infra/time.js';
import { runningAgents, type RunningAgent } from '../agents/runtime/session-end.js';
import type { ArchiveOp, DeleteBranchOp, IgnoredOp, NestedOp, PruneOp, RemoveWorktreeOp, StopAgentsOp, UnregisterOp } from './remove/plan.js';
import { removeRunners, type EndingContext } from './remove/steps.js';
import { sweepLandingWorktrees } from './gate.js';

/**
 * `pwt cleanup` (docs/ending-sessions.md): one decision per orphan, then the
 * facts those decisions need, a pure plan, the executor. Nothing is deleted
 * that is not archived first: stray folders move into .archive/, unmerged
 * branches and removed worktrees get an archive ref. The operations it
 * shares with the ending sequence (stop the agents, archive, worktree,
 * branch, manifest) run through the same runners.
 */
export type Decision = 'fix' | 'adopt' | 'remove' | 'skip';

export interface CleanupOptions {
  force?: boolean;
  deleteBranch?: boolean;
  dryRun?: boolean;
  interactive: boolean;
  onStep?: (title: string) => void;
}

export interface CleanupResult {
  orphans: Orphan[];
  actions: CleanupOp[];
  titles: string[];
  dryRun: boolean;
  /** Not interactive and no --force: the plan was only reported. */
  reportOnly: boolean;
  /** Interrupted operations (as their commands) finished first, or that would be in a report or dry run. */
  interrupted: string[];
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

/** The operations of cleanup: the ending sequence's own, plus adopting and moving strays aside. */
export type CleanupOp =
  | PruneOp
  | StopAgentsOp
  | UnregisterOp
  | ArchiveOp
  | DeleteBranchOp
  | NestedOp
  | IgnoredOp
  | RemoveWorktreeOp
  | { op: 'move-stray'; path: string; name: string; to: string; stamp: string; movedTo?: string }
  | { op: 'adopt'; id: string; path: string; branch: string; withCopy: boolean; copied?: string[] }
  | { op: 'skip'; path: string; reason: string; why: string };

/** A session whose worktree is gone, as cleanup needs it. */
export interface MissingFacts {
  session: SessionRecord;
  runningAgents: RunningAgent[];
  /** The branch tip (read only with --delete-branch). */
  tip: string | null;
  base: string | null;
  /** Everything on the branch is in the base (by ancestry or tree). */
  merged: boolean;
}

/** Everything cleanup decides from, read before anything changes. */
export interface CleanupFacts {
  sessionsDir: string;
  withCopy: boolean;
  snapshot: Snapshot;
  stamp: string;
  /** By session id. */
  missing: Record<string, MissingFacts>;
  /** By worktree path: what an unregistered worktree to remove holds. */
  unregistered: Record<string, Inventory>;
}

export async function gatherCleanupFacts(
  project: Project,
  snapshot: Snapshot,
  decisions: Array<[Orphan, Decision]>,
  deleteBranch: boolean,
): Promise<CleanupFacts> {
  const mainPath = project.repo.mainPath;
  const facts: CleanupFacts = {
    sessionsDir: project.sessionsDir,
    withCopy: project.config.copy.length > 0,
    snapshot,
    stamp: utcStamp(),
    missing: {},
    unregistered: {},
  };
  for (const [orphan, decision] of decisions) {
    if (decision === 'skip') continue;
    if (orphan.kind === 'missing-worktree') {
      const session = findSession(snapshot.manifest, orphan.id as string) as SessionRecord;
      const tip = deleteBranch ? await resolveCommit(mainPath, `refs/heads/${session.branch}`) : null;
      const base = tip ? (session.base ?? (await currentBranch(mainPath)) ?? session.baseCommit ?? null) : null;
      facts.missing[session.id] = {
        session,
        runningAgents: await runningAgents(session),
        tip,
        base,
        merged: tip && base ? await isMerged(mainPath, base, tip) : false,
      };
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
  const facts = await gatherCleanupFacts(project, snapshot, decisions, Boolean(opts.deleteBranch));
  const ops = planCleanup(facts, decisions, { deleteBranch: Boolean(opts.deleteBranch) });
  // The steps' git calls run through zx (git/workflow-shell.ts); a report or a dry run only reads.
  if (ops.length > 0 && !opts.dryRun && !reportOnly) await useWorkflowShell();
  const dryRun = Boolean(opts.dryRun) || reportOnly;
  const context: EndingContext = { project, records: new Map(Object.values(facts.missing).map((each) => [each.session.id, each.session])) };
  const run = () => executePlan(ops, cleanupRunners, context, { dryRun, onStep: opts.onStep });
  // The sessions it touches stay its own while it works (remove and restore wait for no one: they refuse).
  const ids = snapshot.orphans
    .filter((orphan) => orphan.kind === 'missing-worktree' || orphan.kind === 'unregistered-worktree')
    .map((orphan) => orphan.id ?? basename(orphan.path ?? ''));
  // A gate's temporary worktree (.pwt/land/) left by a pwt that was killed is no orphan of anyone's: it just goes.
  if (!dryRun) await sweepLandingWorktrees(project.repo.mainPath, project.sessionsDir);
  const actions = dryRun ? await run() : await withSessionLocks(project, ids, run);
  return {
    orphans: snapshot.orphans,
    actions,
    titles: planTitles(ops, cleanupRunners),
    dryRun,
    reportOnly,
    interrupted: interrupted.map((intent) => intent.command),
  };
}

/** From the facts and the decisions to the plan, with no I/O. */
export function planCleanup(facts: CleanupFacts, decisions: Array<[Orphan, Decision]>, opts: { deleteBranch: boolean }): CleanupOp[] {
  const ops: CleanupOp[] = [];
  const needsPrune = decisions.some(([orphan, decision]) => decision === 'fix' && (orphan.kind === 'prunable' || orphan.kind === 'missing-worktree'));
  if (needsPrune) ops.push({ op: 'prune-worktrees' });
  const takenIds = new Set(facts.snapshot.manifest?.sessions.map((session) => session.id) ?? []);
  for (const [orphan, decision] of decisions) {
    if (decision === 'skip') continue;
    if (orphan.kind === 'missing-worktree')
      ops.push(...missingWorktreeOps(facts, facts.missing[orphan.id as string] as MissingFacts, orphan.path as string, opts.deleteBranch));
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

function missingWorktreeOps(facts: CleanupFacts, missing: MissingFacts, path: string, deleteBranch: boolean): CleanupOp[] {
  const { session } = missing;
  const ops: CleanupOp[] = [
    // Agents still running for a session whose folder is gone are stopped first.
    ...(missing.runningAgents.length
      ? [
          {
            op: 'stop-agents' as const,
            id: session.id,
            agents: missing.runningAgents.map((agent) => agent.id),
            providers: missing.runningAgents.map((agent) => agent.provider),
          },
        ]
      : []),
    { op: 'unregister', id: session.id, path, gone: true },
  ];
  if (!deleteBranch || !missing.tip) return ops;
  if (!missing.merged) {
    ops.push({
      op: 'archive',
      id: session.id,
      branch: session.branch,
      ref: archiveRef(session.id, facts.stamp),
      stamp: facts.stamp,
      reason: 'cleanup --delete-branch',
      worktree: null,
      what: `unmerged ${session.branch}`,
    });
  }
  ops.push({ op: 'delete-branch', branch: session.branch, merged: missing.merged });
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

const cleanupRunners: Runners<CleanupOp, EndingContext> = {
  'prune-worktrees': removeRunners['prune-worktrees'],
  'stop-agents': removeRunners['stop-agents'],
  unregister: removeRunners.unregister,
  archive: removeRunners.archive,
  'delete-branch': removeRunners['delete-branch'],
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
