import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { withSessionLock } from './lock.js';
import { archivedNames, listArchives, type ArchiveEntry } from './archive.js';
import { copyEnvStep, CREATING_ENV } from './create/index.js';
import { approveHooks, runPostCreate, type HookFailed, type HookOptions, type HookOutcome } from '../project-hooks/run.js';
import { copyStep } from './copy.js';
import { preconditionError } from '../infra/errors.js';
import { git, gitProbe, preloadWorkflowShell, resolveCommit, useWorkflowShell } from '../git/git.js';
import { findSession, relativeWorktree, type SessionRecord } from '../manifest/manifest.js';
import { readManifest, updateManifest } from '../manifest/store.js';
import { validateName } from '../project/names.js';
import { execute, type Action, type Step } from '../workflow/execute.js';
import type { Project } from '../project/project.js';

/**
 * `pwt restore <name> [--at STAMP]`: the reverse of an archive (see
 * archive.ts for its layout). The branch comes back at the archived tip, the
 * worktree at that commit, then the archived tree is laid over the files
 * (uncommitted edits, deletions and untracked files exactly as they were)
 * while the index stays at HEAD, so they show up as uncommitted again.
 */
export interface RestoreOptions {
  name: string;
  at?: string;
  dryRun?: boolean;
  onStep?: (title: string) => void;
  /** Project hooks (post-create runs after a restore too); without it none run. */
  hooks?: HookOptions;
}

export interface RestoreResult {
  session: SessionRecord;
  path: string;
  entry: ArchiveEntry;
  actions: Action[];
  titles: string[];
  hooks: HookOutcome[];
  hookNote?: string;
  hookFailure?: HookFailed;
}

async function pickArchive(project: Project, name: string, at: string | undefined): Promise<ArchiveEntry> {
  const mainPath = project.repo.mainPath;
  const entries = await listArchives(mainPath, name);
  if (entries.length === 0) {
    const names = await archivedNames(mainPath);
    const branch = `${project.config.branchPrefix}${name}`;
    const branchHint = (await resolveCommit(mainPath, `refs/heads/${branch}`)) ? ` The branch ${branch} still exists: git worktree add ${join(project.sessionsDir, name)} ${branch} (pwt cleanup adopts it).` : '';
    throw preconditionError(`Nothing to restore for "${name}": no archive under refs/pwt/archive/${name}/.${branchHint}`, names.length ? `Archived sessions: ${names.join(', ')}` : 'pwt remove --strategy abandon (and cleanup --delete-branch) create archives.');
  }
  if (at === undefined) return entries[entries.length - 1] as ArchiveEntry;
  const entry = entries.find((each) => each.stamp === at);
  if (!entry) throw preconditionError(`No archive of "${name}" at ${at}.`, `Archives of ${name}: ${entries.map((each) => each.stamp).join(', ')}`);
  return entry;
}

export async function restoreSession(project: Project, opts: RestoreOptions): Promise<RestoreResult> {
  if (!opts.dryRun) preloadWorkflowShell();
  await validateName(opts.name, project.config.branchPrefix, project.repo.mainPath);
  if (opts.dryRun) return restoreLocked(project, opts);
  return withSessionLock(project, opts.name, () => restoreLocked(project, opts));
}

async function restoreLocked(project: Project, opts: RestoreOptions): Promise<RestoreResult> {
  const { repo, config } = project;
  const entry = await pickArchive(project, opts.name, opts.at);
  const { meta } = entry;
  // A worktree archived with a detached HEAD has no branch of its own: give it the session's.
  const branch = meta.branch === 'HEAD' ? `${config.branchPrefix}${opts.name}` : meta.branch;
  const tip = meta.tip ?? meta.head;
  const path = join(project.sessionsDir, opts.name);

  if (findSession(await readManifest(project), opts.name)) {
    throw preconditionError(`A session named "${opts.name}" exists already; restoring would overwrite it.`, `End it first (pwt remove ${opts.name}) or use it as it is: pcd ${opts.name}`);
  }
  if (existsSync(path)) throw preconditionError(`The folder ${path} is in the way.`, 'Move it away (pwt cleanup moves stray folders into .archive/) and run pwt restore again.');
  const existing = await resolveCommit(repo.mainPath, `refs/heads/${branch}`);
  if (existing && existing !== tip) {
    throw preconditionError(`The branch ${branch} exists and points elsewhere (${existing.slice(0, 10)}, the archive has ${tip.slice(0, 10)}).`, `Rename or delete it first (git branch -m ${branch} <other>), then run pwt restore ${opts.name} again.`);
  }

  const hookOptions = opts.hooks ?? { enabled: false };
  const gate = opts.dryRun ? { events: [] } : await approveHooks(project, ['post-create'], hookOptions);

  const steps: Step[] = [];
  if (!existing) {
    steps.push({
      action: { op: 'create-branch', branch, commit: tip },
      title: `create branch ${branch} at ${tip.slice(0, 10)}`,
      run: async () => void (await git(repo.mainPath, ['branch', '--', branch, tip])),
      undo: async () => void (await gitProbe(repo.mainPath, ['branch', '-D', '--', branch])),
    });
  }
  steps.push({
    action: { op: 'add-worktree', path, branch },
    title: `git worktree add ${path} ${branch}`,
    run: async () => {
      mkdirSync(project.sessionsDir, { recursive: true });
      await git(repo.mainPath, ['worktree', 'add', '--quiet', '--', path, branch], { [CREATING_ENV]: '1' });
    },
    undo: async () => {
      await gitProbe(repo.mainPath, ['worktree', 'remove', '--force', '--force', '--', path]);
      await gitProbe(repo.mainPath, ['worktree', 'prune']);
    },
  });
  if (meta.dirty || meta.head !== tip) {
    steps.push({
      action: { op: 'restore-uncommitted', commit: entry.commit },
      title: 'put back the uncommitted and untracked files',
      run: async () => {
        // read-tree -u --reset lays the archived tree over the files (and removes
        // what was deleted); reset --mixed then points the index back at HEAD.
        await git(path, ['read-tree', '-u', '--reset', entry.commit]);
        await git(path, ['reset', '--quiet', '--mixed', 'HEAD']);
      },
    });
  }
  steps.push(copyEnvStep(repo.mainPath, path, config.envFiles));
  if (config.copy.length > 0) steps.push(copyStep(repo.mainPath, path, config.copy));
  const session = sessionRecord(project, entry, path, branch);
  steps.push({
    action: { op: 'register', id: opts.name },
    title: `register ${opts.name} in the manifest`,
    run: async () => {
      await updateManifest(project, (manifest) => {
        if (findSession(manifest, opts.name)) throw preconditionError(`A session named "${opts.name}" was registered meanwhile.`, 'Run pwt status.');
        // The post-checkout hook may have adopted the worktree before we got here.
        manifest.sessions = manifest.sessions.filter((each) => each.worktree !== session.worktree);
        manifest.sessions.push(session);
      });
      // The agents' record files follow the manifest (status stopped, resumable by their vendor ids).
      if (session.agents?.length) (await import('../agents/runtime/records.js')).rewriteRecordFiles(project.sessionsDir, session);
    },
  });

  // The steps' git calls run through zx (git/workflow-shell.ts).
  if (!opts.dryRun) await useWorkflowShell();
  const actions = await execute(steps, { rollback: true, dryRun: opts.dryRun, onStep: opts.onStep });
  const result: RestoreResult = { session, path, entry, actions, titles: steps.map((step) => step.title), hooks: [], ...(gate.note ? { hookNote: gate.note } : {}) };
  if (!opts.dryRun) await runPostCreate(project, gate, { id: session.id, path, branch, base: session.base ?? session.baseCommit ?? '' }, hookOptions, result);
  return result;
}

/** The manifest entry as it was (goals, base, startedAt), marked as restored. */
function sessionRecord(project: Project, entry: ArchiveEntry, path: string, branch: string): SessionRecord {
  const old = entry.meta.session;
  const now = new Date().toISOString();
  const agents = old?.agents?.map((agent) => (agent.status === 'running' ? { ...agent, status: 'stopped' } : agent));
  return {
    ...(old ?? {}),
    id: entry.meta.id,
    branch,
    worktree: relativeWorktree(project.repo.mainPath, path),
    startedAt: old?.startedAt ?? now,
    goals: old?.goals ?? [],
    status: 'active',
    ...(agents ? { agents } : {}),
    restoredAt: now,
    restoredFrom: entry.ref,
  };
}

