import { buildLanding } from '../sessions/gate.js';
import type { MergeOutcome } from './queue.js';
import type { Candidate } from './state.js';

/**
 * One candidate onto the last result, without any worktree (sessions/gate.ts
 * `buildLanding`: `git merge-tree --write-tree`, then `git commit-tree`).
 * Every commit of a queue carries the queue's start date, so a continued
 * queue builds the very same commits and reuses the checks already run on
 * them. A result the branch descends from fast-forwards to its tip (as
 * `git merge` does), unless squashing.
 */
export interface MergeContext {
  mainPath: string;
  base: string;
  squash: boolean;
  /** ISO date of the queue's start. */
  date: string;
}

export function mergeMessage(candidate: Candidate, base: string, squash: boolean): string {
  const goals = candidate.goals.map((goal) => `- ${goal}`).join('\n');
  const subject = squash
    ? candidate.goals[0]
      ? `${candidate.session}: ${candidate.goals[0]}`
      : `Squash-merge ${candidate.branch} into ${base}`
    : `Merge branch '${candidate.branch}' into ${base}`;
  return `${subject}${goals ? `\n\nSession goals:\n${goals}` : ''}\n\nLanded by pwt land.`;
}

/** git's own date format for an ISO date: "<seconds> +0000". */
const gitDate = (iso: string) => `${Math.floor(Date.parse(iso) / 1000)} +0000`;

export async function mergeCandidate(ctx: MergeContext, onto: string, candidate: Candidate): Promise<MergeOutcome> {
  const landing = await buildLanding(ctx.mainPath, {
    baseTip: onto,
    tip: candidate.tip,
    squash: ctx.squash,
    message: mergeMessage(candidate, ctx.base, ctx.squash),
    date: gitDate(ctx.date),
  });
  if (landing.kind === 'already-merged') return { already: true };
  if (landing.kind === 'conflicts') return { conflicts: landing.files };
  return { commit: landing.commit };
}
