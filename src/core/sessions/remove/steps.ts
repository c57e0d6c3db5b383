import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { addPathspec, archiveNested, artifactDir, archiveRef, copyArtifacts, writeArchive } from '../archive.js';
import { conflictError, preconditionError } from '../../infra/errors.js';
import { createPullRequest } from '../../gh/gh.js';
import { git, gitProbe, pushBranch, resolveCommit } from '../../git/git.js';
import { readManifest, updateManifest } from '../../manifest/store.js';
import { findSession, rememberEnded } from '../../manifest/manifest.js';
import type { Step } from '../../workflow/execute.js';
import { realPath } from '../../git/repo.js';
import { listWorktrees } from '../../git/worktrees.js';
import { advanceBase, planMergeNow, writeMergeCommit, type MergePlan } from './merge.js';
import { nestedRepoPaths, type RemoveFacts } from './facts.js';
import { isAncestor } from './merge.js';

/**
 * The small steps `pwt remove` is made of. Each one's `action` is what
 * --dry-run and --json show; `run` only acts on what the facts decided.
 * Steps that learn something while running (a PR URL, the archive ref) write
 * it into their action, so the JSON reports what really happened.
 */

const at = (facts: RemoveFacts) => (facts.worktreeExists ? facts.path : facts.project.repo.mainPath);
const shown = (facts: RemoveFacts) => relative(facts.project.repo.mainPath, facts.path) || facts.path;

export function commitStep(facts: RemoveFacts, message: string): Step {
  return {
    action: { op: 'commit', id: facts.session.id, branch: facts.session.branch, message, files: facts.dirty.length },
    title: `commit ${facts.dirty.length} uncommitted change(s) on ${facts.session.branch}`,
    run: async () => {
      await git(facts.path, ['add', '--all', '--', ...addPathspec(nestedRepoPaths(facts))]);
      await git(facts.path, ['commit', '--quiet', '-m', message]);
    },
  };
}

export function pushStep(facts: RemoveFacts, remote: string): Step {
  const branch = facts.session.branch;
  return {
    action: { op: 'push', remote, branch },
    title: `push ${branch} to ${remote} (with upstream)`,
    slow: true,
    // A push that fails on the way (network) is tried again, up to PUSH_ATTEMPTS times.
    run: async () => pushBranch(at(facts), remote, branch),
  };
}

export function pullRequestStep(facts: RemoveFacts, pr: { base: string; title: string; body: string }): Step {
  const action: Step['action'] = { op: 'create-pr', base: pr.base, head: facts.session.branch, title: pr.title };
  return {
    action,
    title: `open a pull request ${facts.session.branch} -> ${pr.base} (gh pr create) and record its URL`,
    slow: true,
    run: async () => {
      const url = await createPullRequest({ cwd: facts.project.repo.mainPath, base: pr.base, head: facts.session.branch, title: pr.title, body: pr.body });
      action.url = url;
      await updateManifest(facts.project, (manifest) => {
        const entry = manifest.sessions.find((session) => session.id === facts.session.id);
        if (entry) entry.pr = url;
      });
    },
  };
}

/**
 * Merges the branch into the base. The plan decided with the tips of the
 * snapshot; running re-plans with the tips of now (a commit step may have
 * moved the branch), and still refuses on conflicts before changing anything.
 */
export function mergeStep(facts: RemoveFacts, predicted: MergePlan): Step {
  const baseBranch = facts.baseBranch as string;
  const branch = facts.session.branch;
  const action: Step['action'] = { op: 'merge', branch, into: baseBranch, mode: predicted.kind, ...(facts.baseCheckedOutAt ? { checkedOutAt: facts.baseCheckedOutAt } : {}) };
  const mainPath = facts.project.repo.mainPath;
  return {
    action,
    title: `merge ${branch} into ${baseBranch} (${predicted.kind === 'fast-forward' ? 'fast-forward' : predicted.kind === 'already-merged' ? 'already merged: nothing to do' : 'merge commit'})`,
    slow: true,
    run: async () => {
      const { plan, branchTip, baseTip } = await planMergeNow(mainPath, branch, baseBranch, facts.session.id);
      action.mode = plan.kind;
      const reason = `pwt: merge ${branch} into ${baseBranch}`;
      if (plan.kind === 'conflicts') throw conflictError(`Merging ${branch} into ${baseBranch} conflicts in: ${plan.files.join(', ')}. Nothing was merged.`, `Resolve it in the session (git merge ${baseBranch}), commit, and run pwt remove ${facts.session.id} --strategy merge again.`);
      if (plan.kind === 'already-merged') return;
      const goals = facts.session.goals.map((goal) => `- ${goal}`).join('\n');
      const target = plan.kind === 'fast-forward' ? plan.target : await writeMergeCommit(mainPath, plan.tree, baseTip, branchTip, `Merge branch '${branch}' into ${baseBranch}${goals ? `\n\nSession goals:\n${goals}` : ''}`);
      await advanceBase(mainPath, baseBranch, baseTip, target, facts.baseCheckedOutAt, reason);
      // Verify, not assume: the base must now hold the branch.
      const after = await resolveCommit(mainPath, `refs/heads/${baseBranch}`);
      if (!after || !(await isAncestor(mainPath, branchTip, after))) {
        throw preconditionError(`${baseBranch} does not contain ${branch} after the merge step; the branch is kept.`, `Check with git log ${baseBranch}, then run pwt remove ${facts.session.id} --strategy merge again.`);
      }
      action.commit = target;
    },
  };
}

export function archiveStep(facts: RemoveFacts, reason: string): Step {
  const keep = facts.inventory?.unreachableTips ?? [];
  const lost = facts.inventory?.unreachable.length ?? 0;
  const action: Step['action'] = { op: 'archive', id: facts.session.id, ref: archiveRef(facts.session.id, facts.stamp), uncommitted: facts.dirty.length, ...(lost ? { unreachable: lost } : {}) };
  const what = reason === 'abandon' ? 'the branch tip' : 'the worktree\'s HEAD';
  return {
    action,
    title: `archive ${what}${facts.dirty.length ? ` and ${facts.dirty.length} uncommitted change(s)` : ''}${lost ? ` and ${lost} commit(s) only the worktree reaches` : ''} under ${action.ref}`,
    run: async () => {
      const entry = await writeArchive({
        cwd: facts.project.repo.mainPath,
        id: facts.session.id,
        branch: facts.session.branch,
        stamp: facts.stamp,
        reason,
        worktree: facts.worktreeExists ? facts.path : null,
        // The record as it is now: a step before this one may have stopped agents and recorded their resume args.
        session: findSession(await readManifest(facts.project), facts.session.id) ?? facts.session,
        keep,
        exclude: nestedRepoPaths(facts),
      });
      action.ref = entry.ref;
      action.commit = entry.commit;
    },
  };
}

export function artifactsStep(facts: RemoveFacts): Step {
  const to = artifactDir(facts.project.sessionsDir, facts.session.id, facts.stamp);
  return {
    action: { op: 'archive-artifacts', files: facts.artifacts, to },
    title: `copy ${facts.artifacts.length} artifact file(s) to ${to}`,
    run: async () => copyArtifacts(facts.path, facts.artifacts, to),
  };
}

/** Nested repositories and submodules with work of their own, copied whole (with their history) into .archive/. */
export function archiveNestedStep(facts: RemoveFacts, paths: string[]): Step {
  const to = join(artifactDir(facts.project.sessionsDir, facts.session.id, facts.stamp), 'nested');
  return {
    action: { op: 'archive-nested', paths, to },
    title: `copy ${paths.length} nested repositor${paths.length === 1 ? 'y' : 'ies'} (${paths.join(', ')}) with their history to ${to}`,
    run: async () => {
      for (const path of paths) await archiveNested(facts.path, path, to);
    },
  };
}

/** Ignored files the main worktree does not have as they are here (a rotated .env, a local database). */
export function archiveIgnoredStep(facts: RemoveFacts, files: string[]): Step {
  const to = join(artifactDir(facts.project.sessionsDir, facts.session.id, facts.stamp), 'ignored');
  return {
    action: { op: 'archive-ignored', files, to },
    title: `copy ${files.length} ignored file(s) that differ from the main worktree to ${to}`,
    run: async () => copyArtifacts(facts.path, files, to),
  };
}

/**
 * `git worktree remove` from the main worktree, so it works while the user's
 * shell sits inside the session. force 1: remove what pwt already saved
 * (abandon's archive, nested repositories, submodules, which git never
 * removes without it); 2: also a worktree someone locked (--force).
 */
export function removeWorktreeStep(facts: RemoveFacts, force: 0 | 1 | 2): Step {
  const mainPath = facts.project.repo.mainPath;
  if (!facts.worktreeExists) {
    return {
      action: { op: 'prune-worktrees', path: facts.path },
      title: `the worktree ${shown(facts)} is already gone: git worktree prune`,
      run: async () => void (await git(mainPath, ['worktree', 'prune'])),
    };
  }
  return {
    action: { op: 'remove-worktree', path: facts.path, ...(force ? { force: true } : {}) },
    title: `git worktree remove ${force ? `${'--force '.repeat(force)}` : ''}${shown(facts)}`,
    run: async () => {
      await git(mainPath, ['worktree', 'remove', ...Array<string>(force).fill('--force'), '--', facts.path]);
    },
  };
}

export function deleteBranchStep(facts: RemoveFacts): Step {
  const branch = facts.session.branch;
  const mainPath = facts.project.repo.mainPath;
  return {
    action: { op: 'delete-branch', branch },
    title: `delete branch ${branch}`,
    run: async () => {
      if ((await gitProbe(mainPath, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`])).code !== 0) return;
      await git(mainPath, ['branch', '--quiet', '-D', '--', branch]);
    },
  };
}

/** The manifest entry leaves last, and only once the worktree is really gone. */
export function unregisterStep(facts: RemoveFacts): Step {
  const id = facts.session.id;
  return {
    action: { op: 'unregister', id },
    title: `remove ${id} from the manifest`,
    run: async () => {
      const live = (await listWorktrees(facts.project.repo.mainPath)).some((entry) => !entry.prunable && realPath(entry.path) === realPath(facts.path));
      if (live && existsSync(facts.path)) {
        throw preconditionError(`The worktree ${facts.path} still exists, so ${id} stays in the manifest.`, `Close what holds it open, then run pwt remove ${id} again.`);
      }
      await updateManifest(facts.project, (manifest) => {
        // The record as it is now: earlier steps may have changed it (stopped agents record their resume args).
        const current = manifest.sessions.find((session) => session.id === id) ?? facts.session;
        manifest.sessions = manifest.sessions.filter((session) => session.id !== id);
        rememberEnded(manifest, current);
      });
    },
  };
}
