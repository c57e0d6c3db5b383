import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { aheadBehind, changedPaths } from '../../git/git.js';
import { sessionAtWorktree, sessionPath, type SessionRecord } from '../../manifest/manifest.js';
import { readManifest } from '../../manifest/store.js';
import type { Project } from '../../project/project.js';
import { observeActivity } from '../../agents/runtime/activity/observe.js';
import type { ActivityState } from '../../agents/runtime/activity/types.js';
import { agentsOf, type AgentEntry } from '../../agents/runtime/records.js';
import { checkStatus, readLiveness, type SeenStatus } from '../../agents/runtime/status.js';

/**
 * What `pwt watch` shows, read cheaply once a second: the manifest (one file),
 * one `tmux list-panes -a` for every agent's liveness and screen stamp, a
 * screen capture only for panes that changed (observe.ts), and git facts per
 * session only when due: when its index or HEAD moved, every few seconds
 * while an agent works there, otherwise every half minute.
 */
export interface AgentRow {
  agent: AgentEntry;
  status: SeenStatus;
  activity: ActivityState | null;
}

export interface GitFacts {
  ahead: number | null;
  behind: number | null;
  changes: number | null;
}

export interface SessionRow {
  session: SessionRecord;
  path: string;
  current: boolean;
  git: GitFacts | null;
  agents: AgentRow[];
  /** A session on a host (docs/hosts.md): its host, and whether it answered. */
  host?: string;
  reachable?: boolean;
}

export interface WatchFrame {
  project: string;
  sessions: SessionRow[];
  at: number;
}

const BUSY_GIT_MS = 3_000;
const QUIET_GIT_MS = 30_000;

interface GitCache {
  facts: GitFacts;
  at: number;
  stamp: string;
}

/**
 * mtimes of the worktree's index and HEAD ('gone' without a worktree): they
 * move on add, commit, checkout and most git writes. A linked worktree's
 * `.git` is a file naming its own git dir, where these live.
 */
function gitStamp(worktree: string): string {
  try {
    const dotGit = join(worktree, '.git');
    const dir = statSync(dotGit).isFile() ? (/^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim() ?? dotGit) : dotGit;
    return ['index', 'HEAD'].map((name) => statSync(join(dir, name), { throwIfNoEntry: false })?.mtimeMs ?? 0).join(':');
  } catch {
    return 'gone';
  }
}

export class WatchModel {
  private readonly git = new Map<string, GitCache>();
  private readonly pending = new Map<string, Promise<void>>();

  constructor(private readonly project: Project) {}

  async frame(now = Date.now()): Promise<WatchFrame> {
    const { repo } = this.project;
    const manifest = await readManifest(this.project);
    const sessions = manifest?.sessions ?? [];
    const liveness = await readLiveness();
    const entries = sessions.flatMap((session) => agentsOf(session).map((agent) => ({ session, agent, checked: checkStatus(agent, liveness) })));
    const activity = await observeActivity(this.project.sessionsDir, entries, now);
    const current = repo.isMain ? null : (sessionAtWorktree(repo.mainPath, manifest, repo.worktreePath)?.id ?? null);
    const rows = sessions.map((session): SessionRow => {
      const path = sessionPath(repo.mainPath, session);
      const agents = entries
        .filter((e) => e.session === session)
        .map((e) => ({ agent: e.agent, status: e.checked.status, activity: activity.get(e.agent.id) ?? null }));
      this.refreshGit(
        session,
        path,
        agents.some((a) => a.activity?.activity === 'working'),
        now,
      );
      return { session, path, current: session.id === current, git: this.git.get(session.id)?.facts ?? null, agents };
    });
    return { project: repo.project, sessions: rows, at: now };
  }

  /** Starts a git refresh for a session when one is due; the next frame shows it. */
  private refreshGit(session: SessionRecord, path: string, busy: boolean, now: number): void {
    if (this.pending.has(session.id)) return;
    const cached = this.git.get(session.id);
    const stamp = gitStamp(path);
    const age = cached ? now - cached.at : Infinity;
    const due = !cached || (stamp !== cached.stamp && age >= 1000) || (busy && age >= BUSY_GIT_MS) || age >= QUIET_GIT_MS;
    if (!due) return;
    const task = this.readGit(session, path)
      .then((facts) => void this.git.set(session.id, { facts, at: Date.now(), stamp }))
      .catch(() => void this.git.set(session.id, { facts: { ahead: null, behind: null, changes: null }, at: Date.now(), stamp }))
      .finally(() => this.pending.delete(session.id));
    this.pending.set(session.id, task);
  }

  private async readGit(session: SessionRecord, path: string): Promise<GitFacts> {
    if (gitStamp(path) === 'gone') return { ahead: null, behind: null, changes: null };
    const [changes, counts] = await Promise.all([
      changedPaths(path, { untracked: 'normal' }).then((paths) => paths.length),
      session.base ? aheadBehind(this.project.repo.mainPath, session.base, session.branch) : Promise.resolve(null),
    ]);
    return { changes, ahead: counts?.ahead ?? null, behind: counts?.behind ?? null };
  }

  /** Resolves when every git refresh started so far is done (tests, and the first frame). */
  async settled(): Promise<void> {
    await Promise.all([...this.pending.values()]);
  }
}
