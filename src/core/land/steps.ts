import { readIntent } from '../sessions/intents/intent.js';
import { writeFileSync } from 'node:fs';
import { resolveCommit } from '../git/git.js';
import { isPwtError } from '../infra/errors.js';
import type { HookOptions, HookProgress } from '../project/hooks/run.js';
import type { Project } from '../project/project.js';
import { findSession } from '../manifest/manifest.js';
import { readManifest, updateManifest } from '../manifest/store.js';
import { isAncestor, isMerged } from '../sessions/remove/merge.js';
import { moveBase, sweepLandingWorktrees } from '../sessions/gate.js';
import type { Runners } from '../workflow/execute.js';
import { describeCheck, runCheckOn, type Check } from './check.js';
import { mergeCandidate } from './merge.js';
import type { LandOp } from './plan.js';
import { runQueue } from './queue.js';
import { clearLandState, lastPath, writeLandState, type LandState } from './state.js';

/** What the runners share: the queue's state (saved before each change it records) and what they tell people. */
export interface LandContext {
  project: Project;
  state: LandState;
  check: Check;
  /** Project hooks for ending the landed sessions (pre-remove, post-remove). */
  hooks: HookOptions;
  onStep?: (title: string) => void;
  onProgress?: (progress: HookProgress) => void;
  /** Lines for people, in order. */
  notes: string[];
  /** Checks run by this invocation (results recalled from an interrupted run are not counted again). */
  checksRun: number;
  ended: string[];
  retargeted: Array<{ session: string; from: string; to: string }>;
}

const save = (ctx: LandContext) => writeLandState(ctx.project.sessionsDir, ctx.state);
const landedIds = (state: LandState) => new Set((state.landed ?? []).map((each) => each.session));

export const landRunners: Runners<LandOp, LandContext> = {
  queue: {
    title: (op) =>
      `merge ${op.sessions.length} session(s) one after another onto ${op.base} in a temporary worktree and run the check (${op.check}) on the results`,
    run: async (_op, ctx) => {
      const { state, project } = ctx;
      if (state.phase !== 'testing') return;
      const merge = { mainPath: project.repo.mainPath, base: state.base, squash: state.squash, date: state.startedAt };
      const outcome = await runQueue(
        state.from,
        state.candidates,
        {
          merge: (onto, candidate) => mergeCandidate(merge, onto, candidate),
          check: async (commit, batch) => {
            const known = state.checks[commit];
            if (known) return known;
            ctx.onStep?.(`check ${commit.slice(0, 10)} (${batch.map((each) => each.session).join(', ')} on ${state.base})`);
            const record = await runCheckOn({ project, check: ctx.check, base: state.base, onProgress: ctx.onProgress }, commit, batch);
            ctx.checksRun++;
            state.checks[commit] = record;
            save(ctx);
            return record;
          },
        },
        { check: ctx.check.kind !== 'none' },
      );
      state.to = outcome.green;
      state.landed = outcome.landed;
      state.ejected = outcome.ejected;
      state.dropped = outcome.dropped;
      save(ctx);
      return { to: outcome.green, landed: outcome.landed.length, ejected: outcome.ejected.length };
    },
  },
  advance: {
    title: (op) => `fast-forward ${op.base} once, to the last green result`,
    run: async (op, ctx) => {
      const { state, project } = ctx;
      const mainPath = project.repo.mainPath;
      const to = state.to ?? state.from;
      if (state.phase === 'testing') {
        state.phase = 'advancing';
        save(ctx);
      }
      if (state.phase === 'advancing') {
        const now = await resolveCommit(mainPath, `refs/heads/${op.base}`);
        // Killed after the move and before the note of it: the base is at the tested commit (or beyond it) already.
        const moved = now === to || (now !== null && to !== state.from && (await isAncestor(mainPath, to, now)));
        if (!moved && to !== state.from) {
          if (now !== state.from) clearLandState(project.sessionsDir);
          await moveBase(mainPath, {
            branch: op.base,
            from: state.from,
            to,
            checkedOutAt: mainPath,
            reason: `pwt land: ${(state.landed ?? []).map((each) => each.session).join(', ')}`,
            again: 'Run pwt land again: the queue is tested again on the new base.',
          });
        }
        state.phase = 'ending';
        state.ended ??= [];
        save(ctx);
      }
      return { from: state.from, to };
    },
  },
  retarget: {
    title: () => 'sessions stacked on a landed one now stand on its base',
    run: async (op, ctx) => {
      const landed = landedIds(ctx.state);
      if (landed.size === 0) return;
      const branches = new Map(ctx.state.candidates.filter((each) => landed.has(each.session)).map((each) => [each.branch, each.session]));
      await updateManifest(ctx.project, (manifest) => {
        for (const session of manifest.sessions) {
          if (!session.base || !branches.has(session.base)) continue;
          // Landed children too: they end as merged into the base, and their parent's branch is about to go.
          if (!landed.has(session.id)) ctx.retargeted.push({ session: session.id, from: session.base, to: op.base });
          session.base = op.base;
        }
      });
      return { retargeted: ctx.retargeted.map((each) => each.session) };
    },
  },
  'end-landed': {
    title: () => 'end each landed session as pwt remove --strategy merge does (pre-remove and post-remove hooks, agents stopped, branch deleted, archive)',
    run: async (op, ctx) => {
      const { state, project } = ctx;
      const mainPath = project.repo.mainPath;
      const ended = new Set(state.ended ?? []);
      for (const landed of state.landed ?? []) {
        if (ended.has(landed.session)) continue;
        const candidate = state.candidates.find((each) => each.session === landed.session);
        const record = findSession(await readManifest(project), landed.session);
        const tip = record ? await resolveCommit(mainPath, `refs/heads/${record.branch}`) : null;
        // The ending's merge step must have nothing to do: a branch that moved on since it was tested keeps its session.
        if (record && tip && !(await isMerged(mainPath, `refs/heads/${op.base}`, tip))) {
          ctx.notes.push(
            `${landed.session} got new commits while it was landing: what was tested ` +
              `(${candidate?.tip.slice(0, 10) ?? '?'}) is in ${op.base}; the session stays with the rest (pwt land ` +
              `${landed.session} again).`,
          );
        } else if (record || readIntent(project.sessionsDir, landed.session)?.kind === 'remove') {
          // (No record but a remove's intent: an ending cut after it unregistered; removeSession finishes it.)
          await updateManifest(project, (manifest) => {
            const entry = manifest.sessions.find((each) => each.id === landed.session);
            if (entry) {
              entry.landed = { commit: landed.commit, into: op.base, at: new Date().toISOString() };
              delete entry.landFailed;
            }
          });
          ctx.onStep?.(`end ${landed.session}`);
          try {
            await endLanded(ctx, landed.session);
            ctx.ended.push(landed.session);
          } catch (error) {
            if (!isPwtError(error)) throw error;
            ctx.notes.push(
              `${landed.session} is in ${op.base}, but ending the session stopped: ${error.message} Finish with: pwt remove ${landed.session} --strategy merge`,
            );
          }
        }
        state.ended = [...ended.add(landed.session)];
        save(ctx);
      }
    },
  },
  'sync-children': {
    title: () => 'bring the base into the sessions that were re-targeted (as pwt sync does)',
    run: async (_op, ctx) => {
      const landed = landedIds(ctx.state);
      const { syncSession } = await import('../sessions/sync/index.js');
      for (const child of ctx.retargeted) {
        if (landed.has(child.session)) continue;
        try {
          await syncSession(ctx.project, { name: child.session, mode: 'merge' });
        } catch (error) {
          if (!isPwtError(error)) throw error;
          ctx.notes.push(
            `${child.session} now stands on ${child.to}; bringing ${child.to} in stopped: ${error.message} Run pwt sync ${child.session} when ready.`,
          );
        }
      }
    },
  },
  'record-notes': {
    title: () => 'note why each ejected session did not land (pwt status shows it)',
    run: async (_op, ctx) => {
      const { state } = ctx;
      const at = new Date().toISOString();
      const ejected = new Map((state.ejected ?? []).map((each) => [each.session, each]));
      const dropped = new Map((state.dropped ?? []).map((each) => [each.session, each]));
      await updateManifest(ctx.project, (manifest) => {
        for (const session of manifest.sessions) {
          const failed = ejected.get(session.id);
          const parent = dropped.get(session.id);
          if (failed) session.landFailed = { ...failed, at };
          else if (parent) session.landFailed = { session: session.id, reason: 'parent', detail: parent.reason, at };
          else if (state.candidates.some((each) => each.session === session.id)) delete session.landFailed;
        }
      });
    },
  },
  'tell-agents': {
    title: () => 'tell the running agents of ejected sessions what failed (pwt agent send)',
    run: async (_op, ctx) => {
      const told: string[] = [];
      const { findAgent, sendText } = await import('../agents/runtime/activity/control.js');
      for (const each of ctx.state.ejected ?? []) {
        const message =
          each.reason === 'conflict'
            ? `pwt land could not land this session: merging it onto ${ctx.state.base} conflicts in ` +
              `${(each.files ?? []).join(', ')}. Please bring ${ctx.state.base} in (pwt sync), resolve, and commit.`
            : `pwt land could not land this session: the check failed on the merge result. The log is ${each.log}. Please fix it and commit.`;
        try {
          const target = await findAgent(ctx.project, { session: each.session });
          if (target.agent.status !== 'running') continue;
          await sendText(ctx.project, target, message);
          told.push(each.session);
        } catch (error) {
          if (!isPwtError(error)) throw error;
        }
      }
      return { told };
    },
  },
  finish: {
    title: () => "remove the queue's state (its record of checks and logs stay)",
    run: async (_op, ctx) => {
      await sweepLandingWorktrees(ctx.project.repo.mainPath, ctx.project.sessionsDir);
      const { state } = ctx;
      writeFileSync(
        lastPath(ctx.project.sessionsDir),
        `${JSON.stringify(
          {
            base: state.base,
            from: state.from,
            to: state.to ?? state.from,
            landed: state.landed ?? [],
            ejected: state.ejected ?? [],
            check: state.check,
            at: new Date().toISOString(),
          },
          null,
          2,
        )}\n`,
      );
      clearLandState(ctx.project.sessionsDir);
    },
  },
};

/** A landed session ends through the one ending sequence, merge strategy: the base already holds it, so its merge step has nothing to do. */
async function endLanded(ctx: LandContext, session: string): Promise<void> {
  const { removeSession } = await import('../sessions/remove/index.js');
  const result = await removeSession(ctx.project, {
    name: session,
    strategy: 'merge',
    interactive: false,
    hooks: ctx.hooks,
    landed: ctx.state.squash ? 'squash' : 'merge',
  });
  if (result.hookNote && !ctx.notes.includes(result.hookNote)) ctx.notes.push(result.hookNote);
  for (const action of result.actions) if (action.op === 'hook' && action.failed) ctx.notes.push(String(action.failed));
}

export { describeCheck };
