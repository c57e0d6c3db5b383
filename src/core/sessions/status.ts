import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { listBranches, resolveCommit } from '../git/git.js';
import { aheadBehindMemo, streamChanges, trackCounts, type Changes, type Counts } from '../git/status.js';
import { endedSession, sessionAtWorktree, sessionPath, type Manifest, type SessionRecord } from '../manifest/manifest.js';
import { readManifest } from '../manifest/store.js';
import type { Project } from '../project/project.js';
import { isInside, realPath } from '../git/repo.js';
import { listWorktrees, type WorktreeEntry } from '../git/worktrees.js';
import { processesInside, worktreeNotes, type Note } from './inventory.js';

export type OrphanKind = 'missing-worktree' | 'unregistered-worktree' | 'stray-directory' | 'prunable';

export interface Orphan {
  kind: OrphanKind;
  id?: string;
  path?: string;
  branch?: string;
}

export interface AgentSummary {
  id: string;
  provider: string;
  /** Checked (running, detached, stopped, exited); optional only so a manifest record fits the type. */
  status?: string;
  /** With `limits`: a vendor's usage limit ended its last turn, as pwt last saw it (the human `pwt status`). */
  limited?: { until: string | null };
  [key: string]: unknown;
}

export interface SessionStatus extends SessionRecord {
  path: string;
  exists: boolean;
  dirty: boolean;
  changes: number;
  ahead: number | null;
  behind: number | null;
  activeAgent: string | null;
  /** What to look at before ending the session (detached HEAD, locked, processes...): see inventory.ts. */
  notes: Note[];
  /** The session's agent sessions, status checked against tmux and the process. */
  agents: AgentSummary[];
}

export interface MainStatus {
  path: string;
  branch: string | null;
  dirty: boolean;
}

/** A `session/*` branch that no worktree has checked out (`status --all`): its commits not in `base`. */
export interface KeptBranch {
  branch: string;
  ahead: number | null;
  base: string | null;
}

export interface StatusReport {
  project: string;
  sessionsDir: string;
  main: MainStatus;
  sessions: SessionStatus[];
  orphans: Orphan[];
  kept?: KeptBranch[];
}

/** What is known from files alone, before any git process has answered. */
export interface StatusSkeleton {
  project: string;
  sessionsDir: string;
  mainPath: string;
  sessions: (SessionRecord & { path: string })[];
  /** The session the command runs in, if any. */
  current: string | null;
}

/** Progress for a caller that shows the report while it is gathered. */
export interface StatusEvents {
  skeleton?(skeleton: StatusSkeleton): void;
  main?(main: MainStatus): void;
  session?(index: number, status: SessionStatus): void;
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

/** Why the last `pwt land` ejected this session (recorded by it; docs/landing.md). */
function landFailedNote(session: SessionRecord): Note[] {
  const failed = session.landFailed as { reason?: string; files?: string[]; log?: string; detail?: string; at?: string } | undefined;
  if (!failed?.reason) return [];
  const detail =
    failed.reason === 'conflict'
      ? `conflicts in ${(failed.files ?? []).join(', ')}`
      : failed.reason === 'check'
        ? `the check failed on the merge result (log: ${failed.log ?? '?'})`
        : (failed.detail ?? failed.reason);
  return [{ kind: 'land-failed', detail: `${detail}${failed.at ? ` (${failed.at})` : ''}` }];
}

/** Orphans (docs/concepts.md, docs/ending-sessions.md): the four kinds, from data already read (no git calls). */
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
    // pwt's own temporary worktrees (a gate testing a merge result under .pwt/land/) are no sessions.
    if (isInside(path, join(sessionsDir, '.pwt'))) continue;
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

/** Rows whose counts are asked for first, in a for-each-ref of their own: about a screenful. */
const FIRST_ROWS = 10;

/** A promise with its resolve function outside, for results that arrive by callback. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

/**
 * The status pipeline: the manifest gives the skeleton at once; then three
 * kinds of git process start together and rows complete as their answers
 * arrive: `git worktree list` (heads, branches, orphans), one
 * `git for-each-ref` for every ahead/behind count, and one `git status` loop
 * per core (the main worktree first, then the sessions in order).
 */
export async function collectStatus(project: Project, opts: { all?: boolean; events?: StatusEvents; limits?: boolean } = {}): Promise<StatusReport> {
  const { repo } = project;
  const events = opts.events ?? {};
  const manifest = await readManifest(project);
  const sessions = manifest?.sessions ?? [];
  const paths = sessions.map((session) => sessionPath(repo.mainPath, session));
  events.skeleton?.({
    project: repo.project,
    sessionsDir: project.sessionsDir,
    mainPath: repo.mainPath,
    sessions: sessions.map((session, index) => ({ ...session, path: paths[index] as string })),
    current: repo.isMain ? null : (sessionAtWorktree(repo.mainPath, manifest, repo.worktreePath)?.id ?? null),
  });

  const worktreesP = listWorktrees(repo.mainPath);
  // The first rows' counts come from a small for-each-ref of their own, so they need not wait for all the others.
  const pairs = sessions.filter((session) => session.base).map((session) => ({ branch: session.branch, base: `refs/heads/${session.base}` }));
  const split = pairs.length > 2 * FIRST_ROWS ? FIRST_ROWS : pairs.length;
  const firstTracked = trackCounts(repo.mainPath, pairs.slice(0, split));
  const trackedP = Promise.all([firstTracked, trackCounts(repo.mainPath, pairs.slice(split))]).then(([first, rest]) => new Map([...first, ...rest]));
  const changes = new Map<string, ReturnType<typeof deferred<Changes | null>>>();
  const dirs = [repo.mainPath, ...new Set(paths.filter((path) => existsSync(path)))];
  for (const dir of dirs) changes.set(dir, deferred());
  // A loop that died early leaves its remaining worktrees unanswered: they count as failed (null), never as waiting forever.
  const changesDone = streamChanges(dirs, (dir, found) => changes.get(dir)?.resolve(found)).finally(() => {
    for (const each of changes.values()) each.resolve(null);
  });
  // Awaited later; until then a failure must not count as unhandled.
  trackedP.catch(() => undefined);
  changesDone.catch(() => undefined);
  const changed = async (dir: string) => (await changes.get(dir)?.promise) ?? null;

  const worktrees = await worktreesP;
  const heads = new Map(worktrees.filter((entry) => !entry.prunable).map((entry) => [realPath(entry.path), entry]));
  const mainP = changed(repo.mainPath).then((found) => {
    const main: MainStatus = { path: repo.mainPath, branch: worktrees[0]?.branch ?? null, dirty: (found?.count ?? 0) > 0 };
    events.main?.(main);
    return main;
  });

  const fallback = aheadBehindMemo(repo.mainPath);
  const baseCommits = new Map<string, Promise<string | null>>();
  const resolveName = (name: string) => {
    if (!baseCommits.has(name)) baseCommits.set(name, resolveCommit(repo.mainPath, name));
    return baseCommits.get(name) as Promise<string | null>;
  };
  const baseCommit = async (session: SessionRecord) => (await resolveName(session.base ?? session.baseCommit ?? '')) ?? session.baseCommit ?? null;
  let processes: ReturnType<typeof processesInside> | undefined;
  const notesOf = async (session: SessionRecord, path: string, entry: WorktreeEntry | undefined, untrackedDirs?: string[]): Promise<Note[]> => {
    // One /proc scan for all sessions, on the first row that needs it.
    processes ??= processesInside(dirs.slice(1));
    // One rev-parse per distinct base, shared with the ahead/behind fallback.
    const baseExists = session.base === undefined || (await resolveName(session.base)) !== null;
    let inside = processes.get(path) ?? [];
    // pwt's own running agents (and what runs under them) are expected there, not a note.
    if (inside.length && session.agents?.length) {
      const ours = (await import('../agents/runtime/session-end.js')).agentProcessFilter(session);
      inside = inside.filter((each) => !ours(each.pid));
    }
    return [
      ...worktreeNotes({ path, recordedBranch: session.branch, entry, base: session.base, baseExists, processes: inside, untrackedDirs }),
      ...landFailedNote(session),
    ];
  };
  const counts = async (session: SessionRecord, entry: WorktreeEntry): Promise<Counts | null> => {
    const tracked = entry.branch === session.branch ? ((await firstTracked).get(session.branch) ?? (await trackedP).get(session.branch)) : undefined;
    if (tracked) return tracked;
    const base = await baseCommit(session);
    return base && entry.head ? fallback(base, entry.head) : null;
  };

  // Agent statuses are checked against pwt's tmux (one call for all sessions), loaded only when some session has agents.
  const agentsP = sessions.some((session) => session.agents?.length)
    ? import('../agents/runtime/status.js').then(async (m) => ({
        check: m.checkStatus,
        liveness: await m.readLiveness(),
        kept: opts.limits ? (await import('../agents/runtime/limited.js')).keptLimit : null,
      }))
    : null;
  agentsP?.catch(() => undefined);
  const agentSummary = async (session: SessionRecord): Promise<{ agents: AgentSummary[]; activeAgent: string | null }> => {
    if (!agentsP || !session.agents?.length) return { agents: [], activeAgent: null };
    const { check, liveness, kept } = await agentsP;
    const agents = (session.agents as unknown as Parameters<typeof check>[0][]).map((agent): AgentSummary => {
      const checked = check(agent, liveness);
      const limit = kept ? kept(project.sessionsDir, agent, checked) : null;
      return { id: agent.id, provider: agent.provider, status: checked.status, ...(limit ? { limited: { until: limit.until } } : {}) };
    });
    return { agents, activeAgent: agents.find((agent) => agent.status === 'running')?.provider ?? null };
  };

  const sessionStatus = async (session: SessionRecord, index: number): Promise<SessionStatus> => {
    const path = paths[index] as string;
    const { agents, activeAgent } = await agentSummary(session);
    const entry = changes.has(path) ? heads.get(realPath(path)) : undefined;
    let status: SessionStatus;
    if (!entry) {
      status = {
        ...session,
        path,
        exists: false,
        dirty: false,
        changes: 0,
        ahead: null,
        behind: null,
        activeAgent,
        agents,
        notes: await notesOf(session, path, undefined),
      };
    } else {
      const [found, ab] = await Promise.all([changed(path), counts(session, entry)]);
      // Notes read files synchronously: each row's once its status is in (nested repositories are looked for
      // only in the untracked folders git listed), so that work never holds up the rows still to come.
      const notes = await notesOf(session, path, entry, found?.untrackedDirs);
      const count = found?.count ?? 0;
      status = {
        ...session,
        path,
        exists: true,
        dirty: count > 0,
        changes: count,
        ahead: ab?.ahead ?? null,
        behind: ab?.behind ?? null,
        activeAgent,
        agents,
        notes,
      };
    }
    events.session?.(index, status);
    return status;
  };

  const [main, rows, kept] = await Promise.all([
    mainP,
    Promise.all(sessions.map(sessionStatus)),
    opts.all ? keptBranches(project, manifest, worktrees) : undefined,
  ]);
  await changesDone;
  return {
    project: repo.project,
    sessionsDir: project.sessionsDir,
    main,
    sessions: rows,
    orphans: findOrphans(project, manifest, worktrees),
    ...(kept ? { kept } : {}),
  };
}

/**
 * Branches under the session prefix that no worktree has checked out and no
 * session claims, with their commits not in their base: the ended session's
 * recorded base when the manifest's history has it, else the main
 * worktree's branch.
 */
async function keptBranches(project: Project, manifest: Manifest | null, worktrees: WorktreeEntry[]): Promise<KeptBranch[]> {
  const taken = new Set([...worktrees.map((entry) => entry.branch), ...(manifest?.sessions ?? []).map((session) => session.branch)]);
  const branches = (await listBranches(project.repo.mainPath, project.config.branchPrefix)).filter((branch) => !taken.has(branch));
  const bases = new Map(branches.map((branch) => [branch, endedSession(manifest, branch)?.base ?? worktrees[0]?.branch ?? null]));
  const counts = await trackCounts(
    project.repo.mainPath,
    branches.flatMap((branch) => (bases.get(branch) ? [{ branch, base: `refs/heads/${bases.get(branch)}` }] : [])),
  );
  return branches.map((branch) => ({ branch, ahead: counts.get(branch)?.ahead ?? null, base: bases.get(branch) ?? null }));
}
