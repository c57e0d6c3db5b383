import { aheadBehind, changedPaths, currentBranch, resolveCommit } from '../git/git.js';
import { listWorktrees } from '../git/worktrees.js';
import { realPath } from '../git/repo.js';
import { sessionPath } from '../manifest/manifest.js';
import { readManifest } from '../manifest/store.js';
import type { Project } from '../project/project.js';
import { messages } from '../infra/messages.js';
import { preconditionError } from '../infra/errors.js';
import { existsSync } from 'node:fs';
import { readLandState, type LandState } from './state.js';

/** One session as the queue sees it. */
export interface SessionFacts {
  id: string;
  branch: string;
  startedAt: string;
  goals: string[];
  /** The recorded base (a branch name, `session/<parent>` when stacked). */
  base: string | null;
  /** The session it stands on (`create --on`), when that session is still here. */
  parent: string | null;
  /** The branch tip (null: no such branch). */
  tip: string | null;
  /** Commits on the branch that the landing base lacks. */
  ahead: number;
  worktreeExists: boolean;
  /** Uncommitted paths in its worktree, untracked included. */
  dirty: number;
  /** Agents of the session that are working right now (not waiting, not idle). */
  working: string[];
}

export interface LandFacts {
  project: Project;
  /** The branch the queue lands on: the main worktree's branch. */
  base: string | null;
  baseTip: string | null;
  /** Where the base is checked out (its files move with it), and that worktree's uncommitted tracked changes. */
  baseCheckedOutAt: string | null;
  baseDirty: number;
  sessions: SessionFacts[];
  /** An earlier `pwt land` that did not finish. */
  state: LandState | null;
}

/** Running agents whose activity is "working", by session (read only when some session has agents). */
async function workingAgents(project: Project, sessionIds: string[], hasAgents: boolean): Promise<Map<string, string[]>> {
  const byAgent = new Map<string, string[]>();
  if (!hasAgents || sessionIds.length === 0) return byAgent;
  const { activityByAgent } = await import('../agents/runtime/activity/summary.js');
  const activity = await activityByAgent(project);
  const manifest = await readManifest(project);
  for (const session of manifest?.sessions ?? []) {
    const working = (session.agents ?? []).filter((agent) => activity.get(agent.id)?.activity === 'working').map((agent) => agent.id);
    if (working.length) byAgent.set(session.id, working);
  }
  return byAgent;
}

export async function gatherLandFacts(project: Project, names: string[]): Promise<LandFacts> {
  const { repo, config } = project;
  const manifest = await readManifest(project);
  const records = manifest?.sessions ?? [];
  for (const name of names) if (!records.some((each) => each.id === name)) throw messages.unknownSession(name, project.sessionsDir);
  const base = await currentBranch(repo.mainPath);
  if (!base)
    throw preconditionError(
      `The main worktree ${repo.mainPath} is on a detached HEAD: pwt land lands on the branch checked out there.`,
      `Check out the branch to land on (git -C ${repo.mainPath} switch main) and run pwt land again.`,
    );
  const [baseTip, worktrees, baseChanges] = await Promise.all([
    resolveCommit(repo.mainPath, `refs/heads/${base}`),
    listWorktrees(repo.mainPath),
    changedPaths(repo.mainPath, { untracked: 'no' }),
  ]);
  const live = new Set(worktrees.filter((entry) => !entry.prunable).map((entry) => realPath(entry.path)));
  const working = await workingAgents(
    project,
    records.map((each) => each.id),
    records.some((each) => each.agents?.length),
  );
  const byBranch = new Map(records.map((each) => [each.branch, each.id]));

  const sessions = await Promise.all(
    records.map(async (record): Promise<SessionFacts> => {
      const path = sessionPath(repo.mainPath, record);
      const worktreeExists = existsSync(path) && live.has(realPath(path));
      const tip = await resolveCommit(repo.mainPath, `refs/heads/${record.branch}`);
      const [counts, dirty] = await Promise.all([
        tip && baseTip ? aheadBehind(repo.mainPath, baseTip, tip) : Promise.resolve(null),
        worktreeExists ? changedPaths(path, { untracked: 'normal' }) : Promise.resolve([]),
      ]);
      const parent = record.base?.startsWith(config.branchPrefix) ? (byBranch.get(record.base) ?? null) : null;
      return {
        id: record.id,
        branch: record.branch,
        startedAt: record.startedAt,
        goals: record.goals,
        base: record.base ?? null,
        parent: parent === record.id ? null : parent,
        tip,
        ahead: counts?.ahead ?? 0,
        worktreeExists,
        dirty: dirty.length,
        working: working.get(record.id) ?? [],
      };
    }),
  );
  return { project, base, baseTip, baseCheckedOutAt: repo.mainPath, baseDirty: baseChanges.length, sessions, state: readLandState(project.sessionsDir) };
}
