import { existsSync } from 'node:fs';
import { addPathspec, archiveNested, copyArtifacts, writeArchive } from '../archive.js';
import { preconditionError } from '../../infra/errors.js';
import { createPullRequest } from '../../gh/gh.js';
import { pushBranch, resolveCommit } from '../../git/git.js';
import { commitAll, deleteBranchIfPresent } from '../../git/operations.js';
import { readManifest, updateManifest } from '../../manifest/store.js';
import { findSession, rememberEnded, type SessionRecord } from '../../manifest/manifest.js';
import type { Project } from '../../project/project.js';
import { HookFailed, runHooks, type HookProgress, type HookTarget } from '../../project/hooks/run.js';
import type { Runners } from '../../workflow/execute.js';
import { realPath } from '../../git/repo.js';
import { listWorktrees, pruneWorktrees, removeWorktree } from '../../git/worktrees.js';
import { inLandingWorktree, moveBase } from '../gate.js';
import { isAncestor } from './merge.js';
import type { RemoveOp } from './plan.js';

/**
 * The runners of the operations that end a session (plan.ts lists them; `pwt
 * cleanup` also uses some for worktrees that are no session). Each acts only on what the plan decided
 * and returns what it learned (a PR URL, the archive ref, the merge commit),
 * which the report shows next to the operation.
 */
export interface EndingContext {
  project: Project;
  /** The session as the facts read it (hooks get its env; the archive falls back to it). */
  session?: SessionRecord;
  /** The session's hook env: id, path, branch, base. */
  hookTarget?: HookTarget;
  onHookProgress?: (progress: HookProgress) => void;
}

/** What a gate interrupted before it passed has kept from happening. */
const GATE_STOPS: Partial<Record<string, string>> = {
  'pre-merge': 'nothing was merged',
  'pre-pr': 'nothing was pushed',
  'pre-remove': 'nothing was removed',
};

const again = (id: string) => `Fix the cause, then run pwt remove ${id} again to finish (pwt status shows where it stopped).`;

export const removeRunners: Runners<RemoveOp, EndingContext> = {
  hook: {
    title: (op) =>
      `run the ${op.event} hook${op.commit ? ` on the merge result ${op.commit.slice(0, 10)} (in a temporary worktree)` : ''}: ${op.commands.join(' && ')}`,
    run: async (op, { project, hookTarget, session, onHookProgress }) => {
      const id = hookTarget?.id ?? session?.id ?? '';
      const target: HookTarget = { ...(hookTarget ?? { id, path: op.cwd, branch: '', base: '' }), cwd: op.cwd };
      const opts = {
        onProgress: onHookProgress,
        consequence: op.fatal ? (op.commit ? `nothing was merged and nothing was changed.` : 'nothing was changed.') : `${id} is removed all the same.`,
        next: `Fix it and run pwt remove ${id} again, or skip project hooks with --no-hooks.`,
        // A gate cut short by Ctrl-C neither passes nor fails: pwt waits for it, says so and stops there.
        ...(op.fatal
          ? {
              interrupt: {
                consequence: `${GATE_STOPS[op.event] ?? 'nothing was changed'}; ${id} is as it was.`,
                next: `Run pwt remove ${id} again when you are ready.`,
              },
            }
          : {}),
      };
      const gate = { events: [op.event] };
      try {
        if (op.commit) {
          const where = {
            mainPath: project.repo.mainPath,
            sessionsDir: project.sessionsDir,
            from: op.cwd,
            envFiles: project.config.envFiles,
            copy: project.config.copy,
          };
          return { outcomes: await inLandingWorktree(where, op.commit, (path) => runHooks(project, gate, op.event, { ...target, cwd: path }, opts)) };
        }
        return { outcomes: await runHooks(project, gate, op.event, target, opts) };
      } catch (error) {
        if (op.fatal || !(error instanceof HookFailed)) throw error;
        return { outcomes: [error.outcome], failed: `${error.message} ${error.hint ?? ''}`.trim() };
      }
    },
  },
  'stop-agents': {
    title: (op) => `stop the running agent ${op.agents.map((id, index) => `${id} (${op.providers[index]})`).join(', ')} and record how to resume it`,
    slow: true,
    run: async (op, { project }) => {
      const { stopSessionAgents } = await import('../../agents/runtime/index.js');
      const stopped = await stopSessionAgents(project, op.id);
      return { resumeArgs: Object.fromEntries(stopped.agents.map((agent) => [agent.id, agent.resumeArgs])) };
    },
  },
  commit: {
    title: (op) => `commit ${op.files} uncommitted change(s) on ${op.branch}`,
    run: async (op) => {
      // Verbatim and with the planned dates: the same commit the facts built and the gates tested.
      await commitAll(op.path, addPathspec(op.exclude), op.message, op.date);
      if (!op.expect) return;
      const made = await resolveCommit(op.path, 'HEAD');
      if (made !== op.expect) {
        throw preconditionError(
          `The commit of the uncommitted work (${made?.slice(0, 10) ?? '?'}) is not the one pwt planned and ` +
            `checked (${op.expect.slice(0, 10)}): the worktree or the commit changed meanwhile (a git hook?). ` +
            `The work is committed on ${op.branch}; nothing was merged.`,
          `Run pwt remove ${op.id} again.`,
        );
      }
    },
  },
  push: {
    title: (op) => `push ${op.branch} to ${op.remote} (with upstream)`,
    slow: true,
    // A push that fails on the way (network) is tried again, up to PUSH_ATTEMPTS times.
    run: async (op) => pushBranch(op.cwd, op.remote, op.branch),
  },
  'create-pr': {
    title: (op) => `open a pull request ${op.head} -> ${op.base} (gh pr create) and record its URL`,
    slow: true,
    run: async (op, { project }) => {
      const url = await createPullRequest({ cwd: project.repo.mainPath, base: op.base, head: op.head, title: op.title, body: op.body });
      await updateManifest(project, (manifest) => {
        const entry = manifest.sessions.find((session) => session.id === op.id);
        if (entry) entry.pr = url;
      });
      return { url };
    },
  },
  merge: {
    title: (op) =>
      `merge ${op.branch} into ${op.into} (` +
      (op.mode === 'fast-forward'
        ? 'fast-forward'
        : op.mode === 'already-merged'
          ? 'already merged: nothing to do'
          : `merge commit ${op.target?.slice(0, 10) ?? ''}`) +
      ')',
    slow: true,
    run: (op, context) => land(op, context),
  },
  'squash-merge': {
    title: (op) =>
      op.mode === 'already-merged'
        ? `squash ${op.branch} into ${op.into} (already merged: nothing to do)`
        : `squash ${op.branch} into one commit on ${op.into}`,
    slow: true,
    run: (op, context) => land(op, context),
  },
  archive: {
    title: (op) =>
      `archive ${op.what}${op.uncommitted ? ` and ${op.uncommitted} uncommitted change(s)` : ''}` +
      `${op.unreachable ? ` and ${op.unreachable} commit(s) only the worktree reaches` : ''} under ${op.ref}`,
    run: async (op, { project, session }) => {
      // The record as it is now: a step before this one may have stopped agents and recorded their resume args.
      const record = session?.id === op.id ? (findSession(await readManifest(project), op.id) ?? session) : undefined;
      const entry = await writeArchive({
        cwd: project.repo.mainPath,
        id: op.id,
        branch: op.branch,
        stamp: op.stamp,
        reason: op.reason,
        worktree: op.worktree,
        ...(record ? { session: record } : {}),
        ...(op.keep ? { keep: op.keep } : {}),
        ...(op.exclude ? { exclude: op.exclude } : {}),
      });
      return { ref: entry.ref, commit: entry.commit };
    },
  },
  'archive-artifacts': {
    title: (op) => `copy ${op.files.length} artifact file(s) to ${op.to}`,
    run: async (op) => copyArtifacts(op.from, op.files, op.to),
  },
  /** Ignored files the main worktree does not have as they are here (a rotated .env, a local database). */
  'archive-ignored': {
    title: (op) => `copy ${op.files.length} ignored file(s) that differ from the main worktree to ${op.to}`,
    run: async (op) => copyArtifacts(op.from, op.files, op.to),
  },
  /** Nested repositories and submodules with work of their own, copied whole (with their history) into .archive/. */
  'archive-nested': {
    title: (op) => `copy ${op.paths.length} nested repositor${op.paths.length === 1 ? 'y' : 'ies'} (${op.paths.join(', ')}) with their history to ${op.to}`,
    run: async (op) => {
      for (const path of op.paths) await archiveNested(op.from, path, op.to);
    },
  },
  /**
   * `git worktree remove` from the main worktree, so it works while the
   * user's shell sits inside the session. force 1: remove what pwt already
   * saved (abandon's archive, nested repositories, submodules, which git
   * never removes without it); 2: also a worktree someone locked (--force).
   */
  'remove-worktree': {
    title: (op) => `git worktree remove ${op.force ? '--force '.repeat(op.force) : ''}${op.shown}${op.branch ? ` (branch ${op.branch} kept)` : ''}`,
    run: async (op, { project }) => removeWorktree(project.repo.mainPath, op.path, op.force ?? 0),
  },
  'prune-worktrees': {
    title: (op) => (op.shown ? `the worktree ${op.shown} is already gone: git worktree prune` : 'git worktree prune'),
    run: async (_op, { project }) => pruneWorktrees(project.repo.mainPath),
  },
  'delete-branch': {
    title: (op) => `delete branch ${op.branch}${op.merged ? ` (merged into ${op.into ?? 'its base'})` : ''}`,
    // -D: git's own -d knows nothing of squash merges; merged or archived was decided by the plan.
    run: async (op, { project }) => deleteBranchIfPresent(project.repo.mainPath, op.branch),
  },
  /** The manifest entry leaves last, and only once the worktree is really gone. */
  unregister: {
    title: (op) => `remove ${op.id} from the manifest`,
    run: async (op, { project }) => {
      const live = (await listWorktrees(project.repo.mainPath)).some((entry) => !entry.prunable && realPath(entry.path) === realPath(op.path));
      if (live && existsSync(op.path)) {
        throw preconditionError(
          `The worktree ${op.path} still exists, so ${op.id} stays in the manifest.`,
          `Close what holds it open, then run pwt remove ${op.id} again.`,
        );
      }
      await updateManifest(project, (manifest) => {
        // The record as it is now: earlier steps may have changed it (stopped agents record their resume args).
        const current = manifest.sessions.find((session) => session.id === op.id);
        manifest.sessions = manifest.sessions.filter((session) => session.id !== op.id);
        if (current) rememberEnded(manifest, current);
        if (op.retarget) for (const session of manifest.sessions) if (session.base === op.retarget.from) session.base = op.retarget.to;
      });
    },
  },
};

/**
 * Merge and squash land the commit the facts built (and the pre-merge gate
 * tested): the base moves from the tip it was built on to exactly that
 * commit, or nothing happens.
 */
async function land(
  op: Extract<RemoveOp, { op: 'merge' }> | Extract<RemoveOp, { op: 'squash-merge' }>,
  { project }: EndingContext,
): Promise<{ commit: string } | void> {
  if (op.mode === 'already-merged' || !op.from || !op.tip || !op.target) return;
  const mainPath = project.repo.mainPath;
  const retry = `Run pwt remove ${op.id} --strategy merge${op.op === 'squash-merge' ? ' --squash' : ''} again.`;
  const tip = await resolveCommit(mainPath, `refs/heads/${op.branch}`);
  if (tip !== op.tip) {
    throw preconditionError(
      `${op.branch} moved while pwt worked (it is at ${tip?.slice(0, 10) ?? 'nothing'}, not ${op.tip.slice(0, 10)}); nothing was merged.`,
      retry,
    );
  }
  const verb = op.op === 'squash-merge' ? 'squash-merge' : 'merge';
  await moveBase(mainPath, {
    branch: op.into,
    from: op.from,
    to: op.target,
    checkedOutAt: op.checkedOutAt ?? null,
    reason: `pwt: ${verb} ${op.branch} into ${op.into}`,
    again: retry,
  });
  // Verify, not assume: a merge's base must now hold the branch.
  if (op.op === 'merge' && !(await isAncestor(mainPath, op.tip, op.target))) {
    throw preconditionError(`${op.into} does not contain ${op.branch} after the merge step; the branch is kept.`, again(op.id));
  }
  return { commit: op.target };
}
