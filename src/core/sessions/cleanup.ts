import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { archiveNested, archiveRef, artifactDir, copyArtifacts, moveAside, writeArchive } from './archive.js';
import { takeInventory } from './inventory.js';
import { withSessionLocks } from './lock.js';
import { realPath } from '../git/repo.js';
import { currentBranch, git, preloadWorkflowShell, resolveCommit, useWorkflowShell } from '../git/git.js';
import { guessBase } from '../manifest/adopt.js';
import { adoptedSession, findSession, type SessionRecord } from '../manifest/manifest.js';
import { updateManifest } from '../manifest/store.js';
import { nameProblem } from '../project/names.js';
import { execute, type Action, type Step } from '../workflow/execute.js';
import type { Project } from '../project/project.js';
import { isMerged } from './remove/merge.js';
import { warmAdopted } from './copy.js';
import { confirm, select } from '../infra/ask.js';
import { takeSnapshot, type Orphan, type Snapshot } from './status.js';
import { utcStamp } from '../infra/time.js';

/**
 * `pwt cleanup` (docs/ending-sessions.md): one decision per orphan, then a plan.
 * Nothing is deleted that is not archived first: stray folders move into
 * .archive/, unmerged branches and removed worktrees get an archive ref.
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
  actions: Action[];
  titles: string[];
  dryRun: boolean;
  /** Not interactive and no --force: the plan was only reported. */
  reportOnly: boolean;
}

async function ask(orphan: Orphan, deleteBranch: boolean): Promise<Decision> {
  switch (orphan.kind) {
    case 'unregistered-worktree':
      return select<Decision>(`Unregistered worktree ${orphan.path} (${orphan.branch ?? 'detached'}):`, [
        { value: 'adopt', label: 'adopt', hint: 'add it to the manifest as a session' },
        { value: 'remove', label: 'remove', hint: 'archive its state, remove the worktree, keep the branch' },
        { value: 'skip', label: 'skip' },
      ], 'adopt');
    case 'missing-worktree':
      return (await confirm(`Session ${orphan.id}: its worktree ${orphan.path} is gone. Drop it from the manifest${deleteBranch ? ` and delete ${orphan.branch} (archived first if unmerged)` : ''}?`, true)) ? 'fix' : 'skip';
    case 'stray-directory':
      return (await confirm(`Stray folder ${orphan.path}: move it into .archive/strays/?`, true)) ? 'fix' : 'skip';
    case 'prunable':
      return (await confirm(`git still lists a worktree at ${orphan.path} whose folder is gone. Prune it?`, true)) ? 'fix' : 'skip';
  }
}

const defaultDecision = (orphan: Orphan): Decision => (orphan.kind === 'unregistered-worktree' ? 'adopt' : 'fix');

export async function cleanup(project: Project, opts: CleanupOptions): Promise<CleanupResult> {
  if (opts.force && !opts.dryRun) preloadWorkflowShell();
  const snapshot = await takeSnapshot(project);
  const reportOnly = !opts.force && !opts.dryRun && !opts.interactive;
  const asking = !opts.force && !opts.dryRun && opts.interactive;
  const decisions: Array<[Orphan, Decision]> = [];
  for (const orphan of snapshot.orphans) decisions.push([orphan, asking ? await ask(orphan, Boolean(opts.deleteBranch)) : defaultDecision(orphan)]);
  const steps = await buildCleanupPlan(project, snapshot, decisions, Boolean(opts.deleteBranch));
  // The steps' git calls run through zx (git/workflow-shell.ts); a report or a dry run only reads.
  if (steps.length > 0 && !opts.dryRun && !reportOnly) await useWorkflowShell();
  const dryRun = Boolean(opts.dryRun) || reportOnly;
  // The sessions it touches stay its own while it works (remove and restore wait for no one: they refuse).
  const ids = snapshot.orphans.filter((orphan) => orphan.kind === 'missing-worktree' || orphan.kind === 'unregistered-worktree').map((orphan) => orphan.id ?? basename(orphan.path ?? ''));
  const actions = dryRun ? await execute(steps, { dryRun, onStep: opts.onStep }) : await withSessionLocks(project, ids, () => execute(steps, { dryRun, onStep: opts.onStep }));
  return { orphans: snapshot.orphans, actions, titles: steps.map((step) => step.title), dryRun, reportOnly };
}

export async function buildCleanupPlan(project: Project, snapshot: Snapshot, decisions: Array<[Orphan, Decision]>, deleteBranch: boolean): Promise<Step[]> {
  const mainPath = project.repo.mainPath;
  const stamp = utcStamp();
  const steps: Step[] = [];
  const needsPrune = decisions.some(([orphan, decision]) => decision === 'fix' && (orphan.kind === 'prunable' || orphan.kind === 'missing-worktree'));
  if (needsPrune) {
    steps.push({ action: { op: 'prune-worktrees' }, title: 'git worktree prune', run: async () => void (await git(mainPath, ['worktree', 'prune'])) });
  }
  const takenIds = new Set(snapshot.manifest?.sessions.map((session) => session.id) ?? []);
  for (const [orphan, decision] of decisions) {
    if (decision === 'skip') continue;
    if (orphan.kind === 'missing-worktree') steps.push(...(await missingWorktreeSteps(project, snapshot, orphan, deleteBranch, stamp)));
    if (orphan.kind === 'stray-directory' && orphan.path) {
      const path = orphan.path;
      const name = orphan.id ?? basename(path);
      steps.push({ action: { op: 'move-stray', path, to: `${project.sessionsDir}/.archive/strays/` }, title: `move stray folder ${path} into .archive/strays/`, run: async () => void moveAside(project.sessionsDir, path, name, stamp) });
    }
    if (orphan.kind === 'unregistered-worktree' && decision === 'adopt') steps.push(adoptStep(project, snapshot, orphan, takenIds));
    if (orphan.kind === 'unregistered-worktree' && decision === 'remove') steps.push(...(await removeUnregisteredSteps(project, snapshot, orphan, stamp)));
  }
  return steps;
}

async function missingWorktreeSteps(project: Project, snapshot: Snapshot, orphan: Orphan, deleteBranch: boolean, stamp: string): Promise<Step[]> {
  const mainPath = project.repo.mainPath;
  const session = findSession(snapshot.manifest, orphan.id as string) as SessionRecord;
  const steps: Step[] = [
    // Agents still running for a session whose folder is gone are stopped first.
    ...(session.agents?.length ? await (await import('../agents/runtime/session-end.js')).stopAgentsSteps(project, session) : []),
    {
      action: { op: 'unregister', id: session.id },
      title: `drop ${session.id} from the manifest (its worktree is gone)`,
      run: async () => {
        await updateManifest(project, (manifest) => {
          manifest.sessions = manifest.sessions.filter((each) => !(each.id === session.id && !existsSync(orphan.path as string)));
        });
      },
    },
  ];
  const tip = deleteBranch ? await resolveCommit(mainPath, `refs/heads/${session.branch}`) : null;
  if (!tip) return steps;
  const base = session.base ?? (await currentBranch(mainPath)) ?? session.baseCommit;
  const merged = base ? await isMerged(mainPath, base, tip) : false;
  if (!merged) {
    const action: Action = { op: 'archive', id: session.id, ref: archiveRef(session.id, stamp), branch: session.branch };
    steps.push({
      action,
      title: `archive unmerged ${session.branch} under ${action.ref}`,
      run: async () => {
        const entry = await writeArchive({ cwd: mainPath, id: session.id, branch: session.branch, stamp, reason: 'cleanup --delete-branch', worktree: null, session });
        action.ref = entry.ref;
      },
    });
  }
  steps.push({
    action: { op: 'delete-branch', branch: session.branch, merged },
    title: `delete branch ${session.branch}${merged ? ` (merged into ${base})` : ''}`,
    // -D: git's own -d knows nothing of squash merges; merged or archived is checked above.
    run: async () => void (await git(mainPath, ['branch', '--quiet', '-D', '--', session.branch])),
  });
  return steps;
}

function adoptStep(project: Project, snapshot: Snapshot, orphan: Orphan, takenIds: Set<string>): Step {
  const path = orphan.path as string;
  const id = orphan.id ?? basename(path);
  const problem = nameProblem(id) ?? (takenIds.has(id) ? `a session named ${id} exists already` : null);
  if (problem) {
    return { action: { op: 'skip', path, reason: problem }, title: `cannot adopt ${path}: ${problem} (git worktree move it to another name)`, run: async () => {} };
  }
  takenIds.add(id);
  const entry = snapshot.worktrees.find((each) => each.path === path);
  const session = adoptedSession(project.repo.mainPath, path, orphan.branch ?? entry?.head ?? 'HEAD', { id });
  const action: Action = { op: 'adopt', id, path, branch: session.branch };
  return {
    action,
    title: `adopt ${path} as session ${id}, with env files${project.config.copy.length ? ' and copy' : ''} from the main worktree`,
    run: async () => {
      const record = { ...session, ...(await guessBase(project.repo.mainPath, path)) };
      const added = await updateManifest(project, (manifest) => {
        if (findSession(manifest, id)) return false;
        manifest.sessions.push(record);
        return true;
      });
      if (added) action.copied = Object.values(await warmAdopted(project, path)).flat();
    },
  };
}

/**
 * Removing a worktree pwt never registered: the same inventory as pwt remove
 * decides. A locked worktree or one with processes inside is skipped (with
 * the reason); commits only it reaches go into the archive ref, nested
 * repositories and ignored files that differ are copied into .archive/.
 */
async function removeUnregisteredSteps(project: Project, snapshot: Snapshot, orphan: Orphan, stamp: string): Promise<Step[]> {
  const mainPath = project.repo.mainPath;
  const path = orphan.path as string;
  const id = orphan.id ?? basename(path);
  const entry = snapshot.worktrees.find((each) => realPath(each.path) === realPath(path));
  const inventory = await takeInventory({ mainPath, path, recordedBranch: orphan.branch ?? entry?.head ?? 'HEAD', entry });
  const blocker = inventory.locked !== null ? `it is locked${inventory.locked ? ` (${inventory.locked})` : ''}` : inventory.processes.length ? `${inventory.processes.length} process(es) run inside it` : null;
  if (blocker) return [{ action: { op: 'skip', path, reason: blocker }, title: `cannot remove ${path}: ${blocker}`, run: async () => {} }];
  const nestedRepos = inventory.nested.filter((each) => each.kind === 'repo').map((each) => each.path);
  const action: Action = { op: 'archive', id, ref: archiveRef(id, stamp), ...(inventory.unreachable.length ? { unreachable: inventory.unreachable.length } : {}) };
  const steps: Step[] = [
    {
      action,
      title: `archive the state of ${path} under ${action.ref}`,
      run: async () => {
        const written = await writeArchive({ cwd: mainPath, id, branch: orphan.branch ?? 'HEAD', stamp, reason: 'cleanup remove', worktree: path, keep: inventory.unreachableTips, exclude: nestedRepos });
        action.ref = written.ref;
      },
    },
  ];
  const to = artifactDir(project.sessionsDir, id, stamp);
  const nested = inventory.nested.filter((each) => each.unsaved).map((each) => each.path);
  if (nested.length) {
    steps.push({
      action: { op: 'archive-nested', paths: nested, to: join(to, 'nested') },
      title: `copy nested repositories ${nested.join(', ')} to ${join(to, 'nested')}`,
      run: async () => {
        for (const each of nested) await archiveNested(path, each, join(to, 'nested'));
      },
    });
  }
  if (inventory.ignoredDiffering.length) {
    const files = inventory.ignoredDiffering;
    steps.push({ action: { op: 'archive-ignored', files, to: join(to, 'ignored') }, title: `copy ${files.length} ignored file(s) that differ from the main worktree to ${join(to, 'ignored')}`, run: async () => copyArtifacts(path, files, join(to, 'ignored')) });
  }
  steps.push({
    action: { op: 'remove-worktree', path, force: true },
    title: `git worktree remove ${path} (branch ${orphan.branch ?? '-'} kept)`,
    run: async () => void (await git(mainPath, ['worktree', 'remove', '--force', '--', path])),
  });
  return steps;
}
