import { totalOf, usageByAgent, type Usage } from '../usage.js';
import { existsSync } from 'node:fs';
import { changedPaths, resolveCommit } from '../../git/git.js';
import { commitsBetween, diffNumstat, type CommitLine, type FileStat } from '../../git/history.js';
import { findSession, sessionPath, type SessionRecord } from '../../manifest/manifest.js';
import { readManifest } from '../../manifest/store.js';
import type { Project } from '../../project/project.js';
import { planMerge } from '../../sessions/remove/merge.js';
import { runCheck, type CheckResult } from './check.js';
import { requireRun, type RunAgent, type RunFile } from './store.js';

/**
 * `pwt run compare`: the run's branches side by side, read-only. Whether a
 * branch merges cleanly into its base is computed with `git merge-tree
 * --write-tree`, which writes objects but touches no ref, index or worktree.
 */
export type MergeVerdict = 'clean' | 'conflicts' | 'already-merged' | 'unknown';

export interface BranchComparison {
  session: string;
  provider: string;
  /** False when the session (or its branch) is gone: nothing else is filled in. */
  exists: boolean;
  branch: string | null;
  base: string | null;
  commits: CommitLine[];
  files: FileStat[];
  added: number;
  removed: number;
  /** Uncommitted changed paths in the worktree; compare reads commits only. */
  uncommitted: number;
  merge: MergeVerdict;
  conflicts: string[];
  check?: CheckResult;
  /** Tokens and cost of the session's agent, from its vendor's files, when they can be read. */
  usage?: Usage;
}

export interface RunComparison {
  run: string;
  agents: BranchComparison[];
  /** The agents' usage added up. */
  usage?: Usage;
  /** Files changed by more than one of the run's branches. */
  shared: { path: string; sessions: string[] }[];
}

const empty = (agent: RunAgent): BranchComparison => ({
  session: agent.session,
  provider: agent.provider,
  exists: false,
  branch: null,
  base: null,
  commits: [],
  files: [],
  added: 0,
  removed: 0,
  uncommitted: 0,
  merge: 'unknown',
  conflicts: [],
});

/** The base's commit now: its branch tip when the base is a branch, else the commit it named. */
async function baseTipOf(mainPath: string, session: SessionRecord): Promise<string | null> {
  if (session.base) {
    const branchTip = await resolveCommit(mainPath, `refs/heads/${session.base.replace(/^refs\/heads\//, '')}`);
    if (branchTip) return branchTip;
    const named = await resolveCommit(mainPath, session.base);
    if (named) return named;
  }
  return session.baseCommit ? resolveCommit(mainPath, session.baseCommit) : null;
}

async function compareBranch(project: Project, agent: RunAgent, session: SessionRecord | undefined): Promise<BranchComparison> {
  const mainPath = project.repo.mainPath;
  if (!session) return empty(agent);
  const [tip, baseTip] = await Promise.all([resolveCommit(mainPath, `refs/heads/${session.branch}`), baseTipOf(mainPath, session)]);
  if (!tip) return { ...empty(agent), branch: session.branch };
  const path = sessionPath(mainPath, session);
  const uncommitted = existsSync(path) ? (await changedPaths(path, { untracked: 'normal' }).catch(() => [])).length : 0;
  const result: BranchComparison = { ...empty(agent), exists: true, branch: session.branch, base: session.base ?? session.baseCommit ?? null, uncommitted };
  if (!baseTip) return result;
  const [commits, files, plan] = await Promise.all([
    commitsBetween(mainPath, baseTip, tip),
    diffNumstat(mainPath, baseTip, tip),
    planMerge(mainPath, baseTip, tip).catch(() => null),
  ]);
  result.commits = commits;
  result.files = files;
  result.added = files.reduce((sum, file) => sum + (file.added ?? 0), 0);
  result.removed = files.reduce((sum, file) => sum + (file.removed ?? 0), 0);
  if (plan?.kind === 'conflicts') {
    result.merge = 'conflicts';
    result.conflicts = plan.files;
  } else if (plan?.kind === 'already-merged') result.merge = 'already-merged';
  else if (plan) result.merge = 'clean';
  return result;
}

/** Files that more than one branch changed, with the sessions that changed them. */
export function sharedFiles(agents: BranchComparison[]): { path: string; sessions: string[] }[] {
  const byPath = new Map<string, string[]>();
  for (const agent of agents) for (const file of agent.files) byPath.set(file.path, [...(byPath.get(file.path) ?? []), agent.session]);
  return [...byPath.entries()]
    .filter(([, sessions]) => sessions.length > 1)
    .map(([path, sessions]) => ({ path, sessions }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

export interface CompareOptions {
  /** A shell command run in each worktree, one at a time. */
  check?: string;
  onCheck?: (session: string) => void;
}

export async function compareRun(project: Project, name: string, opts: CompareOptions = {}): Promise<RunComparison> {
  const run: RunFile = requireRun(project.sessionsDir, name);
  const manifest = await readManifest(project);
  const agents = await Promise.all(run.agents.map((agent) => compareBranch(project, agent, findSession(manifest, agent.session))));
  if (opts.check !== undefined) {
    // One at a time: checks are usually test suites, and two at once would fight over ports and cores.
    for (const agent of agents) {
      const session = findSession(manifest, agent.session);
      if (!agent.exists || !session || !existsSync(sessionPath(project.repo.mainPath, session))) continue;
      opts.onCheck?.(agent.session);
      agent.check = await runCheck(project, run.name, session, agent.provider, opts.check);
    }
  }
  const usage = await usageByAgent(project, new Set(run.agents.map((agent) => agent.session)));
  run.agents.forEach((agent, index) => {
    const found = agent.agentId ? usage.get(agent.agentId) : undefined;
    if (found) agents[index]!.usage = found;
  });
  const total = totalOf(agents.map((agent) => agent.usage));
  return { run: run.name, agents, shared: sharedFiles(agents), ...(total ? { usage: total } : {}) };
}
