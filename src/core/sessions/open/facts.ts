import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { preconditionError } from '../../infra/errors.js';
import { currentBranch, mergeBase, refExists, resolveCommit } from '../../git/git.js';
import { fetchBranch, remoteExists } from '../../git/operations.js';
import { isInside, realPath } from '../../git/repo.js';
import { listWorktrees } from '../../git/worktrees.js';
import { endedSession, findSession, sessionPath, type Manifest, type SessionRecord } from '../../manifest/manifest.js';
import { readManifest } from '../../manifest/store.js';
import { nameProblem, validateName } from '../../project/names.js';
import type { Project } from '../../project/project.js';
import { listArchives } from '../archive.js';

/** The branch `pwt open` will put the session on. */
export interface OpenTarget {
  /** Local branch name the session will be on. */
  branch: string;
  /** `<remote>/<branch>` when the local branch must be made from it. */
  remoteRef: string | null;
}

/** What pwt remembers about a branch, and where from. */
export interface Remembered {
  record: Partial<SessionRecord>;
  from: 'manifest' | 'archive';
}

/** What `pwt open` reads before deciding anything. */
export interface OpenFacts {
  mainPath: string;
  /** A session named as typed whose worktree exists (only looked for without --name). */
  openByName: { session: SessionRecord; path: string } | null;
  target: OpenTarget;
  name: string;
  path: string;
  /** The worktree that has the branch checked out, if any. */
  holder: { path: string; isMain: boolean; inSessionsDir: boolean; session: SessionRecord | null } | null;
  /** The main worktree's branch (for hints), or null when detached. */
  mainBranch: string | null;
  /** A manifest entry of that name, and whether its worktree exists. */
  existing: { session: SessionRecord; worktreeExists: boolean } | null;
  pathTaken: boolean;
  remembered: Remembered | null;
  base: string | null;
  baseCommit: string | null;
  remote: string;
  envFiles: string[];
  copy: string[];
  now: Date;
}

/** The session name for a branch: a session branch's own name, else the branch with "/" turned into "-". */
export function nameForBranch(branch: string, prefix: string): string {
  if (branch.startsWith(prefix) && !nameProblem(branch.slice(prefix.length))) return branch.slice(prefix.length);
  return branch
    .replace(/\//g, '-')
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/(\.lock|\.)+$/, '')
    .slice(0, 64);
}

/** Finds the branch meant by `typed`: local first, then the session prefix, then the remote (fetched when missing). */
async function findTarget(project: Project, typed: string): Promise<OpenTarget> {
  const { repo, config } = project;
  const remote = config.remote;
  const plain = typed.replace(/^refs\/heads\//, '');
  for (const branch of [plain, `${config.branchPrefix}${plain}`]) {
    if (await refExists(repo.mainPath, `refs/heads/${branch}`)) return { branch, remoteRef: null };
  }
  const fromRemote = plain.startsWith(`${remote}/`) ? plain.slice(remote.length + 1) : plain;
  for (const branch of [fromRemote, `${config.branchPrefix}${fromRemote}`]) {
    if (await refExists(repo.mainPath, `refs/heads/${branch}`)) return { branch, remoteRef: null };
    if (await refExists(repo.mainPath, `refs/remotes/${remote}/${branch}`)) return { branch, remoteRef: `${remote}/${branch}` };
  }
  // Not here yet (a colleague's PR branch): ask the remote for it, then it is a remote branch like the others.
  if ((await remoteExists(repo.mainPath, remote)) && (await fetchBranch(repo.mainPath, remote, fromRemote)))
    return { branch: fromRemote, remoteRef: `${remote}/${fromRemote}` };
  throw preconditionError(`No branch "${typed}" here or on ${remote}.`, 'List them with git branch -a; to start a new branch use pwt create <name>.');
}

/** A manifest entry for the branch whose worktree is gone, an ended session's record, or the newest archive's. */
async function rememberedFor(mainPath: string, manifest: Manifest | null, branch: string, name: string): Promise<Remembered | null> {
  const current = manifest?.sessions.find((session) => session.branch === branch);
  if (current) return { record: current, from: 'manifest' };
  const last = endedSession(manifest, branch);
  if (last) return { record: last, from: 'manifest' };
  const archived = (await listArchives(mainPath, name)).reverse().find((entry) => entry.meta.branch === branch && entry.meta.session);
  return archived?.meta.session ? { record: archived.meta.session, from: 'archive' } : null;
}

export async function gatherOpenFacts(project: Project, opts: { target: string; name?: string }): Promise<OpenFacts> {
  const { repo, config } = project;
  const manifest = await readManifest(project);
  const byName = opts.name === undefined ? findSession(manifest, opts.target) : undefined;
  const byNamePath = byName ? sessionPath(repo.mainPath, byName) : null;
  const openByName = byName && byNamePath && existsSync(byNamePath) ? { session: byName, path: byNamePath } : null;

  const target = openByName ? { branch: openByName.session.branch, remoteRef: null } : await findTarget(project, opts.target);
  const name = openByName?.session.id ?? opts.name ?? nameForBranch(target.branch, config.branchPrefix);
  if (!openByName) await validateName(name, config.branchPrefix, repo.mainPath);
  const path = join(project.sessionsDir, name);
  const [worktrees, mainBranch, known] = await Promise.all([
    listWorktrees(repo.mainPath),
    currentBranch(repo.mainPath),
    rememberedFor(repo.mainPath, manifest, target.branch, name),
  ]);
  const held = worktrees.find((entry) => entry.branch === target.branch && !entry.prunable);
  const holder = held
    ? {
        path: held.path,
        isMain: realPath(held.path) === repo.mainPath,
        inSessionsDir: isInside(realPath(held.path), realPath(project.sessionsDir)),
        session: manifest?.sessions.find((session) => realPath(sessionPath(repo.mainPath, session)) === realPath(held.path)) ?? null,
      }
    : null;
  const named = findSession(manifest, name);
  const base = known?.record.base ?? mainBranch;
  const tipRef = target.remoteRef ? `refs/remotes/${target.remoteRef}` : `refs/heads/${target.branch}`;
  const since = base ? await mergeBase(repo.mainPath, base, tipRef) : null;
  const baseCommit = since ?? known?.record.baseCommit ?? (base ? await resolveCommit(repo.mainPath, base) : null);
  return {
    mainPath: repo.mainPath,
    openByName,
    target,
    name,
    path,
    holder,
    mainBranch,
    existing: named ? { session: named, worktreeExists: existsSync(sessionPath(repo.mainPath, named)) } : null,
    pathTaken: existsSync(path),
    remembered: known,
    base,
    baseCommit,
    remote: config.remote,
    envFiles: config.envFiles,
    copy: config.copy,
    now: new Date(),
  };
}
