import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { aheadBehind, countChanges, currentBranch, git, resolveCommit } from '../git/git.js';
import { sessionPath, type Manifest, type SessionRecord } from '../manifest/manifest.js';
import { readManifest } from '../manifest/store.js';
import { mapPool } from '../infra/pool.js';
import type { Project } from '../project/project.js';
import { isInside, realPath } from '../git/repo.js';
import { listWorktrees, type WorktreeEntry } from '../git/worktrees.js';

export type OrphanKind = 'missing-worktree' | 'unregistered-worktree' | 'stray-directory' | 'prunable';

export interface Orphan {
  kind: OrphanKind;
  id?: string;
  path?: string;
  branch?: string;
}

export interface SessionStatus extends SessionRecord {
  path: string;
  exists: boolean;
  dirty: boolean;
  changes: number;
  ahead: number | null;
  behind: number | null;
  activeAgent: string | null;
}

export interface StatusReport {
  project: string;
  sessionsDir: string;
  main: { path: string; branch: string | null; dirty: boolean };
  sessions: SessionStatus[];
  orphans: Orphan[];
}

/** A snapshot of the manifest, git's worktrees and the sessions dir, with orphans classified. */
export interface Snapshot {
  manifest: Manifest | null;
  worktrees: WorktreeEntry[];
  orphans: Orphan[];
}

/** Folders pwt keeps in the sessions dir for itself. */
const isPwtEntry = (name: string) => name.startsWith('.');

export async function takeSnapshot(project: Project): Promise<Snapshot> {
  const [manifest, worktrees] = await Promise.all([readManifest(project), listWorktrees(project.repo.mainPath)]);
  return { manifest, worktrees, orphans: findOrphans(project, manifest, worktrees) };
}

/** SPEC "Orphans": the four kinds, from data already read (no git calls). */
export function findOrphans(project: Project, manifest: Manifest | null, worktrees: WorktreeEntry[]): Orphan[] {
  const orphans: Orphan[] = [];
  const sessionsDir = realPath(project.sessionsDir);
  const live = worktrees.filter((entry) => !entry.prunable);
  const livePaths = new Set(live.map((entry) => realPath(entry.path)));
  const sessions = manifest?.sessions ?? [];
  const registered = new Set(sessions.map((session) => realPath(sessionPath(project.repo.mainPath, session))));

  for (const session of sessions) {
    const path = sessionPath(project.repo.mainPath, session);
    if (!existsSync(path)) orphans.push({ kind: 'missing-worktree', id: session.id, path, branch: session.branch });
  }
  for (const entry of worktrees) {
    if (entry.prunable) {
      orphans.push({ kind: 'prunable', path: entry.path, ...(entry.branch ? { branch: entry.branch } : {}) });
      continue;
    }
    const path = realPath(entry.path);
    if (path !== sessionsDir && isInside(path, sessionsDir) && !registered.has(path)) {
      orphans.push({ kind: 'unregistered-worktree', id: basename(path), path, ...(entry.branch ? { branch: entry.branch } : {}) });
    }
  }
  if (existsSync(sessionsDir)) {
    for (const dirent of readdirSync(sessionsDir, { withFileTypes: true })) {
      if (isPwtEntry(dirent.name) || !dirent.isDirectory()) continue;
      const path = join(sessionsDir, dirent.name);
      if (!livePaths.has(path) && !registered.has(path)) orphans.push({ kind: 'stray-directory', id: dirent.name, path });
    }
  }
  return orphans;
}

/**
 * Ahead/behind per (head, base) commit pair, computed once per distinct pair:
 * sessions that share both tips (fresh ones, or ones whose base moved on
 * while they did nothing) share one `git rev-list` instead of one each.
 */
function aheadBehindMemo(cwd: string) {
  const memo = new Map<string, Promise<{ ahead: number; behind: number } | null>>();
  return (base: string, head: string) => {
    if (base === head) return Promise.resolve({ ahead: 0, behind: 0 });
    const key = `${base}...${head}`;
    let result = memo.get(key);
    if (!result) memo.set(key, (result = aheadBehind(cwd, base, head)));
    return result;
  };
}

/** Branch name -> commit, for every local branch, in one git call. */
async function branchTips(cwd: string): Promise<Map<string, string>> {
  const out = await git(cwd, ['for-each-ref', '--format=%(objectname) %(refname:short)', 'refs/heads']);
  return new Map(out.split('\n').filter(Boolean).map((line) => [line.slice(line.indexOf(' ') + 1), line.slice(0, line.indexOf(' '))]));
}

export async function collectStatus(project: Project): Promise<StatusReport> {
  const { repo } = project;
  const [snapshot, tips] = await Promise.all([takeSnapshot(project), branchTips(repo.mainPath)]);
  const heads = new Map(snapshot.worktrees.filter((entry) => !entry.prunable).map((entry) => [realPath(entry.path), entry.head]));
  const counts = aheadBehindMemo(repo.mainPath);
  const baseCommits = new Map<string, Promise<string | null>>();
  const baseCommit = (session: SessionRecord) => {
    const name = session.base ?? session.baseCommit ?? '';
    const tip = tips.get(name);
    if (tip) return Promise.resolve(tip);
    if (!baseCommits.has(name)) baseCommits.set(name, resolveCommit(repo.mainPath, name));
    return (baseCommits.get(name) as Promise<string | null>).then((commit) => commit ?? session.baseCommit ?? null);
  };

  const sessions = snapshot.manifest?.sessions ?? [];
  const paths = sessions.map((session) => sessionPath(repo.mainPath, session));
  const live = new Set(paths.filter((path) => existsSync(path) && heads.has(realPath(path))));
  const [branch, changes] = await Promise.all([currentBranch(repo.mainPath), countChanges([repo.mainPath, ...live])]);

  const sessionStatus = async (session: SessionRecord, path: string): Promise<SessionStatus> => {
    const head = live.has(path) ? heads.get(realPath(path)) : undefined;
    const activeAgent = session.agents?.find((agent) => agent.status === 'running')?.provider ?? null;
    if (head === undefined) return { ...session, path, exists: false, dirty: false, changes: 0, ahead: null, behind: null, activeAgent };
    const base = await baseCommit(session);
    const ab = base && head ? await counts(base, head) : null;
    const changed = changes.get(path) ?? 0;
    return { ...session, path, exists: true, dirty: changed > 0, changes: changed, ahead: ab?.ahead ?? null, behind: ab?.behind ?? null, activeAgent };
  };

  return {
    project: repo.project,
    sessionsDir: project.sessionsDir,
    main: { path: repo.mainPath, branch, dirty: (changes.get(repo.mainPath) ?? 0) > 0 },
    sessions: await mapPool(sessions.map((session, index) => [session, paths[index] as string] as const), ([session, path]) => sessionStatus(session, path)),
    orphans: snapshot.orphans,
  };
}
