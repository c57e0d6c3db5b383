import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { aheadBehind } from '../../git/git.js';
import { streamChanges, trackCounts } from '../../git/status.js';
import { sessionAtWorktree, sessionPath, type SessionRecord } from '../../manifest/manifest.js';
import { readManifest } from '../../manifest/store.js';
import type { Project } from '../../project/project.js';
import { observeActivity } from '../../agents/runtime/activity/observe.js';
import type { ActivityState } from '../../agents/runtime/activity/types.js';
import { agentsOf, type AgentEntry } from '../../agents/runtime/records.js';
import { checkStatus, readLiveness, type SeenStatus } from '../../agents/runtime/status.js';
import { closeControlClient, ensureControlClient } from '../../tmux/control.js';
import { seenLimits, type SeenLimit } from '../../agents/runtime/limited.js';

/**
 * What `pwt watch` shows, read cheaply once a second: the manifest (one file),
 * one `tmux list-panes -a` for every agent's liveness and screen stamp, one
 * `capture-pane` for each pane that changed (observe.ts), all through one
 * long-lived tmux control-mode client (no process per refresh), and git facts
 * per session only when due: when its index or HEAD moved, every few seconds
 * while an agent works there, otherwise every half minute. The due sessions
 * are read together (one `git for-each-ref` for their ahead/behind, one
 * `git status` each from a shell loop per core), at most GIT_PER_REFRESH of
 * them per refresh after the first frame (the longest-due first), so a
 * refresh spawns a bounded number of processes (git only) however many
 * sessions and agents there are.
 */
export interface AgentRow {
  agent: AgentEntry;
  /** The checked status (a host's row: the status it showed); the row shows `limited` over it when `limit` is set. */
  status: SeenStatus;
  activity: ActivityState | null;
  /** A vendor's usage limit ended its last turn (agents/runtime/limited.ts). */
  limit?: SeenLimit | null;
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
/** Sessions whose git facts one refresh reads at most (the first frame reads all). */
export const GIT_PER_REFRESH = 8;

const UNKNOWN: GitFacts = { ahead: null, behind: null, changes: null };

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

  /**
   * `control` (the default): read tmux through one long-lived control-mode
   * client (tmux/control.ts), so a refresh starts no tmux process; it is
   * started once a read has seen panes (the server runs), again when it died,
   * and until then (or when it cannot start) every read spawns tmux as
   * before. `close()` ends it.
   */
  constructor(
    private readonly project: Project,
    private readonly options: { control?: boolean } = {},
  ) {}

  async frame(now = Date.now()): Promise<WatchFrame> {
    const { repo } = this.project;
    const manifest = await readManifest(this.project);
    const sessions = manifest?.sessions ?? [];
    const liveness = await readLiveness();
    if (this.options.control !== false && liveness.panes?.length) await ensureControlClient();
    const entries = sessions.flatMap((session) => agentsOf(session).map((agent) => ({ session, agent, checked: checkStatus(agent, liveness) })));
    const activity = await observeActivity(this.project.sessionsDir, entries, now);
    const limits = await seenLimits(
      this.project,
      entries.map((e) => ({ ...e, activity: activity.get(e.agent.id) ?? null })),
      process.env,
      now,
    );
    const current = repo.isMain ? null : (sessionAtWorktree(repo.mainPath, manifest, repo.worktreePath)?.id ?? null);
    const rows = sessions.map((session): SessionRow => {
      const path = sessionPath(repo.mainPath, session);
      const agents = entries
        .filter((e) => e.session === session)
        .map((e) => ({ agent: e.agent, status: e.checked.status, activity: activity.get(e.agent.id) ?? null, limit: limits.get(e.agent.id) ?? null }));
      return { session, path, current: session.id === current, git: this.git.get(session.id)?.facts ?? null, agents };
    });
    this.refreshGit(rows, now);
    return { project: repo.project, sessions: rows, at: now };
  }

  /** Starts one git read for the sessions whose facts are due; the next frame shows them. */
  private refreshGit(rows: readonly SessionRow[], now: number): void {
    const due: { session: SessionRecord; path: string; stamp: string; age: number }[] = [];
    for (const { session, path, agents } of rows) {
      if (this.pending.has(session.id)) continue;
      const busy = agents.some((a) => a.activity?.activity === 'working');
      const cached = this.git.get(session.id);
      const stamp = gitStamp(path);
      const age = cached ? now - cached.at : Infinity;
      if (!cached || (stamp !== cached.stamp && age >= 1000) || (busy && age >= BUSY_GIT_MS) || age >= QUIET_GIT_MS) due.push({ session, path, stamp, age });
    }
    if (due.length === 0) return;
    const first = this.git.size === 0 && this.pending.size === 0;
    const batch = first ? due : due.sort((a, b) => b.age - a.age).slice(0, GIT_PER_REFRESH);
    const task = this.readGit(batch)
      .then((facts) => {
        for (const { session, stamp } of batch) this.git.set(session.id, { facts: facts.get(session.id) ?? UNKNOWN, at: Date.now(), stamp });
      })
      .catch(() => {
        for (const { session, stamp } of batch) this.git.set(session.id, { facts: UNKNOWN, at: Date.now(), stamp });
      })
      .finally(() => {
        for (const { session } of batch) this.pending.delete(session.id);
      });
    for (const { session } of batch) this.pending.set(session.id, task);
  }

  private async readGit(batch: readonly { session: SessionRecord; path: string; stamp: string }[]): Promise<Map<string, GitFacts>> {
    const main = this.project.repo.mainPath;
    const present = batch.filter((each) => each.stamp !== 'gone');
    const changes = new Map<string, number | null>();
    const withBase = present.filter(({ session }) => session.base);
    const [counts] = await Promise.all([
      trackCounts(
        main,
        withBase.map(({ session }) => ({ branch: session.branch, base: `refs/heads/${session.base}` })),
      ),
      streamChanges(
        present.map((each) => each.path),
        (dir, found) => void changes.set(dir, found?.count ?? null),
      ),
    ]);
    // A base trackCounts cannot compare (not a local branch, or a branch whose upstream the config already sets): one rev-list each.
    await Promise.all(
      withBase
        .filter(({ session }) => !counts.has(session.branch))
        .map(async ({ session }) => {
          const found = await aheadBehind(main, session.base as string, session.branch);
          if (found) counts.set(session.branch, found);
        }),
    );
    const facts = new Map<string, GitFacts>();
    for (const { session, path } of present) {
      const ab = session.base ? counts.get(session.branch) : undefined;
      facts.set(session.id, { changes: changes.get(path) ?? null, ahead: ab?.ahead ?? null, behind: ab?.behind ?? null });
    }
    return facts;
  }

  /** Ends the control client (if any); resolves once its tmux process is gone. */
  async close(): Promise<void> {
    await closeControlClient();
  }

  /** Resolves when every git refresh started so far is done (tests, and the first frame). */
  async settled(): Promise<void> {
    await Promise.all([...this.pending.values()]);
  }
}
