import { existsSync } from 'node:fs';
import { findArtifacts, worktreeTree } from '../archive.js';
import { aheadBehind, changedPaths, currentBranch, resolveCommit, refExists } from '../../git/git.js';
import { findSession, sessionPath, type SessionRecord } from '../../manifest/manifest.js';
import type { Project } from '../../project/project.js';
import { isInside, realPath } from '../../git/repo.js';
import { commitTree, remoteExists, sharedCommitsNotOn, subjectsBetween } from '../../git/operations.js';
import { takeSnapshot } from '../status.js';
import { utcStamp } from '../../infra/time.js';
import type { WorktreeEntry } from '../../git/worktrees.js';
import { messages } from '../../infra/messages.js';
import { takeInventory, type Inventory } from '../inventory.js';
import { agentProcessFilter, runningAgents, type RunningAgent } from '../../agents/runtime/session-end.js';
import { buildLanding, gitDateNow, type Landing } from '../gate.js';
import { planMerge } from './merge.js';
import { configuredEvents } from '../../project/hooks/run.js';
import type { HookEvent } from '../../project/config.js';
import { PwtError } from '../../infra/errors.js';
import { requireGh, pullRequestState } from '../../gh/gh.js';

/**
 * Everything `pwt remove` decides from, read once before anything changes
 * (git-town's "snapshot, then plan"). Steps never re-ask git what to do;
 * they only act.
 */
export interface RemoveFacts {
  project: Project;
  session: SessionRecord;
  /** Absolute worktree path from the manifest. */
  path: string;
  /** The worktree is on disk and git knows it. */
  worktreeExists: boolean;
  /** git still has an admin entry for it (prunable or live). */
  gitKnowsWorktree: boolean;
  /** Changed paths in the worktree (untracked included, ignored not). */
  dirty: string[];
  branchTip: string | null;
  /** The base as a local branch name, when it is one. */
  baseBranch: string | null;
  baseTip: string | null;
  /** Commits on the base that the branch lacks. */
  baseAhead: number;
  /** Worktree where the base branch is checked out, if any. */
  baseCheckedOutAt: string | null;
  /** The shell that ran pwt sits inside the worktree that is about to go. */
  cwdInside: boolean;
  artifacts: string[];
  /** What exists only in the worktree (null when it is gone). */
  inventory: Inventory | null;
  stamp: string;
  /** The session's agents that run now: stopped once every refusal was checked. */
  runningAgents: RunningAgent[];
  /** The ending's project-hook events that `.pwt.json` configures (whether they run: approval and --no-hooks decide). */
  hookEvents: HookEvent[];
  /** Author and committer date of the commits the removal makes (git's format): building one again gives the same id. */
  date: string;
}

/**
 * The second half of the facts, read once the strategy, the commit message
 * and squash are chosen: what the strategy would do, computed now, so the
 * plan is a pure function of facts and choices.
 */
export interface StrategyFacts {
  /** The commit `--commit` will make (same tree, parent, message and dates as the `git commit` that makes it). */
  commit?: string;
  /** The branch tip the strategy sees: `commit` when there is one. */
  tip: string | null;
  /** pr: the remote exists. */
  remoteExists?: boolean;
  /** pr: why gh cannot open the PR (missing, not logged in), when it cannot. */
  ghProblem?: PwtError;
  /**
   * pr: commits of the local base that the PR would carry and `<remote>/<base>`
   * lacks (base commits never pushed); absent when that remote-tracking ref
   * does not exist or the base is no local branch.
   */
  unpushedBase?: number;
  /** pr: the state gh gives for the PR an earlier run recorded (null: gh could not say). */
  recordedPr?: 'OPEN' | 'CLOSED' | 'MERGED' | null;
  /** merge: what landing the tip on the base makes (the exact commit, built and not referenced yet). */
  landing?: Landing;
  /** merge: uncommitted changes where the base is checked out. */
  baseChanges?: number;
  /** keep, pr: the tip is already in the base (how), so deleting the branch would lose nothing. */
  alreadyMerged?: 'ancestor' | 'same-tree';
}

export function unknownSession(project: Project, name: string) {
  return messages.unknownSession(name, project.sessionsDir);
}

function worktreeAt(worktrees: WorktreeEntry[], path: string): WorktreeEntry | undefined {
  const wanted = realPath(path);
  return worktrees.find((entry) => entry.path === path || realPath(entry.path) === wanted);
}

/** The base's local branch name: `main`, or `main` for `refs/heads/main`; null for commits, tags and remote branches. */
async function localBranch(cwd: string, base: string): Promise<string | null> {
  const short = base.replace(/^refs\/heads\//, '');
  return (await refExists(cwd, `refs/heads/${short}`)) ? short : null;
}

export async function gatherFacts(project: Project, name: string, cwd = process.cwd()): Promise<RemoveFacts> {
  const { repo } = project;
  const snapshot = await takeSnapshot(project);
  const session = findSession(snapshot.manifest, name);
  if (!session) throw unknownSession(project, name);
  const path = sessionPath(repo.mainPath, session);
  const entry = worktreeAt(snapshot.worktrees, path);
  const worktreeExists = existsSync(path) && entry !== undefined && !entry.prunable;

  const base = session.base ?? (await currentBranch(repo.mainPath)) ?? session.baseCommit ?? 'HEAD';
  const baseBranch = await localBranch(repo.mainPath, base);
  const [branchTip, baseTip, changed, artifacts, inventory, agents] = await Promise.all([
    resolveCommit(repo.mainPath, `refs/heads/${session.branch}`),
    resolveCommit(repo.mainPath, baseBranch ? `refs/heads/${baseBranch}` : base),
    worktreeExists ? changedPaths(path, { untracked: 'normal' }) : Promise.resolve([]),
    worktreeExists ? findArtifacts(path, project.config.artifacts) : Promise.resolve([]),
    worktreeExists ? takeInventory({ mainPath: repo.mainPath, path, recordedBranch: session.branch, entry }) : Promise.resolve(null),
    runningAgents(session),
  ]);
  // A nested repository shows as one untracked "dir/"; it is archived as a folder, not committed as a gitlink.
  // pwt's own running agents are not in the way: the removal stops them first (agents/runtime/session-end.ts).
  if (inventory?.processes.length && session.agents?.length) {
    const ours = agentProcessFilter(session);
    inventory.processes = inventory.processes.filter((each) => !ours(each.pid));
  }
  const nestedRepos = new Set(inventory?.nested.filter((each) => each.kind === 'repo').map((each) => `${each.path}/`));
  const dirty = changed.filter((file) => !nestedRepos.has(file));
  const counts = branchTip && baseTip ? await aheadBehind(repo.mainPath, baseTip, branchTip) : null;
  const baseCheckedOutAt = baseBranch ? (snapshot.worktrees.find((each) => each.branch === baseBranch && !each.prunable)?.path ?? null) : null;

  return {
    project,
    session,
    path,
    worktreeExists,
    gitKnowsWorktree: entry !== undefined,
    dirty,
    branchTip,
    baseBranch,
    baseTip,
    baseAhead: counts?.behind ?? 0,
    baseCheckedOutAt,
    cwdInside: worktreeExists && isInside(realPath(cwd), realPath(path)),
    artifacts,
    inventory,
    stamp: utcStamp(),
    runningAgents: agents,
    hookEvents: configuredEvents(project, ['pre-merge', 'pre-pr', 'pre-remove', 'post-remove']),
    date: gitDateNow(),
  };
}

/** The merge commit's message. */
export const mergeMessage = (facts: RemoveFacts, into: string) => {
  const goals = facts.session.goals.map((goal) => `- ${goal}`).join('\n');
  return `Merge branch '${facts.session.branch}' into ${into}${goals ? `\n\nSession goals:\n${goals}` : ''}`;
};

/** The squash commit's default message: the session's name and goals and the squashed commits' subjects. */
async function squashMessage(facts: RemoveFacts, baseTip: string, tip: string, into: string): Promise<string> {
  const { session } = facts;
  const subjects = await subjectsBetween(facts.project.repo.mainPath, baseTip, tip);
  const goals = session.goals.map((goal) => `- ${goal}`).join('\n');
  const listed = subjects
    .slice(0, 30)
    .map((subject) => `* ${subject}`)
    .join('\n');
  return [
    session.goals[0] ? `${session.id}: ${session.goals[0]}` : `Squash-merge ${session.branch} into ${into}`,
    ...(goals ? ['', `Session goals:\n${goals}`] : []),
    '',
    `Squashed from ${session.branch} (${subjects.length} commit(s)):`,
    listed + (subjects.length > 30 ? `\n* ... and ${subjects.length - 30} more` : ''),
  ].join('\n');
}

/**
 * What the chosen strategy would do, read now (the plan only decides). With
 * `--commit` and uncommitted work the tip is about to move: the commit it
 * will become is made here (same tree, parent, message and dates; referenced
 * by nothing yet), so checks and the merge judge the real result.
 */
export async function gatherStrategyFacts(
  facts: RemoveFacts,
  choice: { strategy: 'pr' | 'merge' | 'keep' | 'abandon'; commitMessage?: string; squash?: { message?: string } },
): Promise<StrategyFacts> {
  const mainPath = facts.project.repo.mainPath;
  const { strategy } = choice;
  let tip = facts.branchTip;
  let commit: string | undefined;
  if (tip && choice.commitMessage && facts.dirty.length > 0 && facts.worktreeExists) {
    const tree = await worktreeTree(facts.path, nestedRepoPaths(facts));
    commit = await commitTree(mainPath, tree, [tip], choice.commitMessage, facts.date);
    tip = commit;
  }
  const out: StrategyFacts = { tip, ...(commit ? { commit } : {}) };
  if (strategy === 'pr') {
    const remote = facts.session.remote ?? facts.project.config.remote;
    out.remoteExists = await remoteExists(mainPath, remote);
    if (out.remoteExists && tip && facts.baseBranch) {
      const unpushed = await sharedCommitsNotOn(mainPath, tip, `refs/heads/${facts.baseBranch}`, `refs/remotes/${remote}/${facts.baseBranch}`);
      if (unpushed !== null) out.unpushedBase = unpushed;
    }
    // A recorded PR is reused only while gh says it is open; closed or merged, a new one is opened.
    if (facts.session.pr) out.recordedPr = await pullRequestState(mainPath, facts.session.pr);
    if (!facts.session.pr || out.recordedPr === 'CLOSED' || out.recordedPr === 'MERGED') {
      const problem = await requireGh(mainPath).then(
        () => undefined,
        (error: unknown) => {
          if (error instanceof PwtError) return error;
          throw error;
        },
      );
      if (problem) out.ghProblem = problem;
    }
  }
  if (strategy === 'merge' && facts.baseBranch && facts.baseTip && tip) {
    const into = facts.baseBranch;
    const message = choice.squash ? (choice.squash.message ?? (await squashMessage(facts, facts.baseTip, tip, into))) : mergeMessage(facts, into);
    out.landing = await buildLanding(mainPath, { baseTip: facts.baseTip, tip, squash: Boolean(choice.squash), message, date: facts.date });
    if (facts.baseCheckedOutAt && out.landing.kind !== 'already-merged')
      out.baseChanges = (await changedPaths(facts.baseCheckedOutAt, { untracked: 'no' })).length;
  }
  if ((strategy === 'keep' || strategy === 'pr') && tip && facts.baseTip) {
    // Trees, not only ancestry: a squash-merged branch counts as merged.
    const merged = await planMerge(mainPath, facts.baseTip, tip).catch(() => null);
    if (merged?.kind === 'already-merged') out.alreadyMerged = merged.how;
  }
  return out;
}

/** The base name people see in messages. */
export const baseName = (facts: RemoveFacts) => facts.baseBranch ?? facts.session.base ?? facts.session.baseCommit ?? 'the base';

/** Nested repositories that are not submodules (left out of commits and archive trees). */
export const nestedRepoPaths = (facts: RemoveFacts) => facts.inventory?.nested.filter((each) => each.kind === 'repo').map((each) => each.path) ?? [];
