import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { preconditionError } from '../infra/errors.js';
import { currentBranch, git, gitProbe, refExists, resolveCommit, useWorkflowShell } from '../git/git.js';
import { isInside, realPath } from '../git/repo.js';
import { listWorktrees } from '../git/worktrees.js';
import { endedSession, findSession, relativeWorktree, sessionPath, type Manifest, type SessionRecord } from '../manifest/manifest.js';
import { readManifest, updateManifest } from '../manifest/store.js';
import { nameProblem, validateName } from '../project/names.js';
import { execute, type Action, type Spin, type Step } from '../workflow/execute.js';
import type { Project } from '../project/project.js';
import { listArchives } from './archive.js';
import { copyEnvStep, CREATING_ENV } from './create/index.js';
import { copyStep } from './copy.js';
import { approveHooks, runPostCreate, type HookFailed, type HookOptions, type HookOutcome } from '../project-hooks/run.js';

/**
 * `pwt open <branch|name>`: a session on a branch that exists already (a
 * kept session's, a PR branch, any local or remote branch) instead of a new
 * one. A remote-only branch gets a local branch that tracks it. What pwt
 * knew about the branch (goals, base, PR) comes back from the manifest (an
 * entry whose worktree is gone, or the record of an ended session) or from
 * the newest archive of that branch.
 */
export interface OpenOptions {
  target: string;
  /** Session name; default: the kept session's name, else the branch with "/" as "-". */
  name?: string;
  goals: string[];
  copyEnv?: boolean;
  onStep?: (title: string) => void;
  spin?: Spin;
  /** Project hooks (post-create runs after open too); without it none run. */
  hooks?: HookOptions;
}

export interface OpenResult {
  session: SessionRecord;
  path: string;
  /** The session existed with its worktree already: nothing was done. */
  alreadyOpen: boolean;
  /** Where the goals came from when none were given. */
  goalsFrom: 'flags' | 'manifest' | 'archive' | null;
  /** The remote branch a new local branch now tracks. */
  tracking: string | null;
  actions: Action[];
  hooks?: HookOutcome[];
  hookNote?: string;
  hookFailure?: HookFailed;
}

interface Target {
  /** Local branch name the session will be on. */
  branch: string;
  /** `<remote>/<branch>` when the local branch must be made from it. */
  remoteRef: string | null;
}

/** Finds the branch meant by `target`: local first, then the session prefix, then the remote (fetched when missing). */
async function findTarget(project: Project, target: string): Promise<Target> {
  const { repo, config } = project;
  const remote = config.remote;
  const plain = target.replace(/^refs\/heads\//, '');
  for (const branch of [plain, `${config.branchPrefix}${plain}`]) {
    if (await refExists(repo.mainPath, `refs/heads/${branch}`)) return { branch, remoteRef: null };
  }
  const fromRemote = plain.startsWith(`${remote}/`) ? plain.slice(remote.length + 1) : plain;
  for (const branch of [fromRemote, `${config.branchPrefix}${fromRemote}`]) {
    if (await refExists(repo.mainPath, `refs/heads/${branch}`)) return { branch, remoteRef: null };
    if (await refExists(repo.mainPath, `refs/remotes/${remote}/${branch}`)) return { branch, remoteRef: `${remote}/${branch}` };
  }
  // Not here yet (a colleague's PR branch): ask the remote for it, then it is a remote branch like the others.
  if ((await gitProbe(repo.mainPath, ['remote', 'get-url', '--', remote])).code === 0) {
    const fetched = await gitProbe(repo.mainPath, ['fetch', '--quiet', '--', remote, `+refs/heads/${fromRemote}:refs/remotes/${remote}/${fromRemote}`]);
    if (fetched.code === 0) return { branch: fromRemote, remoteRef: `${remote}/${fromRemote}` };
  }
  throw preconditionError(`No branch "${target}" here or on ${remote}.`, `List them with git branch -a; to start a new branch use pwt create <name>.`);
}

/** The session name for a branch: a session branch's own name, else the branch with "/" turned into "-". */
export function nameForBranch(branch: string, prefix: string): string {
  if (branch.startsWith(prefix) && !nameProblem(branch.slice(prefix.length))) return branch.slice(prefix.length);
  return branch.replace(/\//g, '-').replace(/[^A-Za-z0-9._-]/g, '-').replace(/\.{2,}/g, '.').replace(/^[^A-Za-z0-9]+/, '').replace(/(\.lock|\.)+$/, '').slice(0, 64);
}

interface Known {
  record: Partial<SessionRecord>;
  from: 'manifest' | 'archive';
}

/** What pwt remembers about the branch: a manifest entry, an ended session's record, or the newest archive's. */
async function remembered(project: Project, manifest: Manifest | null, branch: string, name: string): Promise<Known | null> {
  const current = manifest?.sessions.find((session) => session.branch === branch || session.id === name);
  if (current?.branch === branch) return { record: current, from: 'manifest' };
  const last = endedSession(manifest, branch);
  if (last) return { record: last, from: 'manifest' };
  const archives = await listArchives(project.repo.mainPath, name);
  const archived = [...archives].reverse().find((entry) => entry.meta.branch === branch && entry.meta.session);
  return archived?.meta.session ? { record: archived.meta.session, from: 'archive' } : null;
}

export async function openSession(project: Project, opts: OpenOptions): Promise<OpenResult> {
  await useWorkflowShell();
  const { repo, config } = project;
  const manifest = await readManifest(project);
  // An open session asked for by name: nothing to do, say where it is.
  const byName = findSession(manifest, opts.target);
  if (byName && existsSync(sessionPath(repo.mainPath, byName)) && opts.name === undefined) {
    return { session: byName, path: sessionPath(repo.mainPath, byName), alreadyOpen: true, goalsFrom: null, tracking: null, actions: [] };
  }

  const target = await findTarget(project, opts.target);
  const name = opts.name ?? nameForBranch(target.branch, config.branchPrefix);
  await validateName(name, config.branchPrefix, repo.mainPath);
  const path = join(project.sessionsDir, name);

  const worktrees = await listWorktrees(repo.mainPath);
  const holder = worktrees.find((entry) => entry.branch === target.branch && !entry.prunable);
  if (holder) {
    const open = manifest?.sessions.find((session) => realPath(sessionPath(repo.mainPath, session)) === realPath(holder.path));
    if (open) return { session: open, path: sessionPath(repo.mainPath, open), alreadyOpen: true, goalsFrom: null, tracking: null, actions: [] };
    const where = realPath(holder.path) === repo.mainPath ? 'the main worktree' : holder.path;
    const hint = realPath(holder.path) === repo.mainPath ? `Switch the main worktree to another branch first (git switch ${(await currentBranch(repo.mainPath)) === target.branch ? '<base>' : '-'}), then run pwt open again.` : isInside(realPath(holder.path), realPath(project.sessionsDir)) ? 'pwt cleanup adopts that worktree as a session.' : `Work there, or remove that worktree first (git worktree remove "${holder.path}").`;
    throw preconditionError(`${target.branch} is already checked out in ${where}; git allows a branch in one worktree only.`, hint);
  }
  const existing = findSession(manifest, name);
  if (existing && (existing.branch !== target.branch || existsSync(sessionPath(repo.mainPath, existing)))) {
    throw preconditionError(`A session named "${name}" exists already (on ${existing.branch}).`, `Pick another name with --name, or go there: pcd ${name}`);
  }
  if (existsSync(path)) throw preconditionError(`The folder ${path} already exists.`, 'Pick another name with --name, or move that folder away (pwt cleanup lists stray folders).');

  const known = await remembered(project, manifest, target.branch, name);
  const base = known?.record.base ?? (await currentBranch(repo.mainPath)) ?? undefined;
  const tipRef = target.remoteRef ? `refs/remotes/${target.remoteRef}` : `refs/heads/${target.branch}`;
  const mergeBase = base ? await gitProbe(repo.mainPath, ['merge-base', base, tipRef]) : null;
  const baseCommit = mergeBase?.code === 0 ? mergeBase.stdout.trim() : (known?.record.baseCommit ?? (base ? await resolveCommit(repo.mainPath, base) : null) ?? undefined);
  const goalsFrom = opts.goals.length > 0 ? 'flags' : known?.record.goals?.length ? known.from : null;
  const now = new Date().toISOString();
  const { endedAt: _endedAt, openedAt: _openedAt, ...earlier } = known?.record ?? {};
  const session: SessionRecord = {
    ...earlier,
    id: name,
    branch: target.branch,
    worktree: relativeWorktree(repo.mainPath, path),
    startedAt: known?.record.startedAt ?? now,
    goals: opts.goals.length > 0 ? opts.goals : (known?.record.goals ?? []),
    status: 'active',
    ...(base ? { base } : {}),
    ...(baseCommit ? { baseCommit } : {}),
    ...(target.remoteRef ? { remote: config.remote } : {}),
    openedAt: now,
  };
  // Agent records of an earlier life of this branch are not running now.
  if (session.agents) session.agents = session.agents.map((agent) => (agent.status === 'running' ? { ...agent, status: 'stopped' } : agent));

  // Asked (or refused) before anything changes.
  const hookOptions = opts.hooks ?? { enabled: false };
  const gate = await approveHooks(project, ['post-create'], hookOptions);
  const steps: Step[] = [addWorktreeStep(project, path, target)];
  const copyEnv = copyEnvStep(repo.mainPath, path, config.envFiles);
  if (opts.copyEnv !== false) steps.push(copyEnv);
  if (config.copy.length > 0) steps.push(copyStep(repo.mainPath, path, config.copy));
  steps.push(registerStep(project, session));
  const actions = await execute(steps, { rollback: true, onStep: opts.onStep, spin: opts.spin });
  const result: OpenResult = { session, path, alreadyOpen: false, goalsFrom, tracking: target.remoteRef, actions, hooks: [], ...(gate.note ? { hookNote: gate.note } : {}) };
  await runPostCreate(project, gate, { id: name, path, branch: target.branch, base: base ?? baseCommit ?? '' }, hookOptions, result as { hooks: HookOutcome[] });
  return result;
}

function addWorktreeStep(project: Project, path: string, target: Target): Step {
  const mainPath = project.repo.mainPath;
  const args = target.remoteRef ? ['worktree', 'add', '--quiet', '--track', '-b', target.branch, '--', path, target.remoteRef] : ['worktree', 'add', '--quiet', '--', path, target.branch];
  return {
    action: { op: 'add-worktree', path, branch: target.branch, ...(target.remoteRef ? { tracking: target.remoteRef } : {}) },
    title: target.remoteRef ? `git worktree add ${path} on a new ${target.branch} tracking ${target.remoteRef}` : `git worktree add ${path} ${target.branch}`,
    run: async () => {
      mkdirSync(project.sessionsDir, { recursive: true });
      await git(mainPath, args, { [CREATING_ENV]: '1' });
    },
    undo: async () => {
      await gitProbe(mainPath, ['worktree', 'remove', '--force', '--force', '--', path]);
      await gitProbe(mainPath, ['worktree', 'prune']);
      // Only a branch this step made goes again; an existing one stays whatever happens.
      if (target.remoteRef) await gitProbe(mainPath, ['branch', '-D', '--', target.branch]);
    },
  };
}

function registerStep(project: Project, session: SessionRecord): Step {
  return {
    action: { op: 'register', id: session.id },
    title: `register ${session.id} in the manifest`,
    run: async () => {
      await updateManifest(project, (manifest) => {
        const other = findSession(manifest, session.id);
        if (other && other.branch !== session.branch) throw preconditionError(`A session named "${session.id}" was registered meanwhile.`, 'Pick another name with --name.');
        // The entry whose worktree was gone, and one the post-checkout hook may have adopted, give way to this one.
        manifest.sessions = manifest.sessions.filter((entry) => entry.id !== session.id && entry.worktree !== session.worktree);
        manifest.sessions.push(session);
      });
    },
  };
}
