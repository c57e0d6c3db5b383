import { join } from 'node:path';
import { CONFIG_FILE, type HookEvent, type ProjectHooks } from '../config.js';
import type { Project } from '../project.js';
import { describeChanges, hookChanges, hookSetHash, isApproved, lastApproved, recordApproval, revokeApprovals } from './trust.js';

/** `pwt hooks show --json` (README "Project hooks"). */
export interface HookReview {
  file: string;
  approved: boolean;
  hooks: ProjectHooks;
  /** Events that differ from the last approved set; absent when approved, or when nothing was approved before. */
  changed?: Partial<Record<HookEvent, { approved: string[]; now: string[]; scriptsChanged?: string[] }>>;
  /** When the last set was approved (absent: never, or revoked). */
  approvedAt?: string;
}

/** The current hook set against the approval this user gave for this repository. */
export function reviewHooks(project: Project): HookReview {
  const { mainPath } = project.repo;
  const hooks = project.config.hooks;
  const approved = isApproved(mainPath, hookSetHash(hooks, mainPath));
  const last = lastApproved(mainPath);
  const review: HookReview = { file: join(mainPath, CONFIG_FILE), approved, hooks, ...(last ? { approvedAt: last.approvedAt } : {}) };
  if (!approved && last) {
    const changed = hookChanges(last, hooks, mainPath);
    if (Object.keys(changed).length > 0) review.changed = changed;
  }
  return review;
}

/** Lines for people saying what changed since the approved set, or [] when nothing was approved before. */
export function changedSinceApproval(project: Project): string[] {
  const review = reviewHooks(project);
  return review.changed ? describeChanges(review.changed) : [];
}

/** Approves the current hook set for this repository (the explicit act of `pwt hooks approve`). */
export function approveCurrentHooks(project: Project): { alreadyApproved: boolean; hash: string } {
  const { mainPath } = project.repo;
  const hash = hookSetHash(project.config.hooks, mainPath);
  if (isApproved(mainPath, hash) && lastApproved(mainPath)?.hash === hash) return { alreadyApproved: true, hash };
  recordApproval(mainPath, project.config.hooks, mainPath);
  return { alreadyApproved: false, hash };
}

/** Forgets this repository's approvals: the next command that runs a hook asks again (or refuses without a terminal). */
export function revokeHooks(project: Project): boolean {
  return revokeApprovals(project.repo.mainPath);
}
