import { preconditionError } from '../infra/errors.js';
import { mergeBase, refExists, resolveCommit } from '../git/git.js';
import { diffText } from '../git/operations.js';
import { baseOf, type SessionRecord } from '../manifest/manifest.js';
import type { Project } from '../project/project.js';
import { worktreeTree } from './archive.js';
import { whichSession } from '../project/which-session.js';

/**
 * `pwt diff [name] [--stat]`: what the session changed since it left its base,
 * committed or not, untracked files included. The "since" is the merge base
 * of the base's tip and the session's HEAD (as in `git diff base...HEAD`), so
 * commits the base got later do not show up as the session undoing them. The
 * uncommitted side is the worktree as a tree (archive.ts worktreeTree: a
 * throwaway index, so the session's real index is untouched).
 */
export interface DiffOptions {
  name?: string;
  stat?: boolean;
  color?: boolean;
}

export interface DiffResult {
  session: SessionRecord;
  base: string;
  /** The commit the diff starts from. */
  from: string;
  text: string;
}

async function baseTip(mainPath: string, base: string): Promise<string | null> {
  const short = base.replace(/^refs\/heads\//, '');
  return (await refExists(mainPath, `refs/heads/${short}`)) ? resolveCommit(mainPath, `refs/heads/${short}`) : resolveCommit(mainPath, base);
}

export async function diffSession(project: Project, opts: DiffOptions): Promise<DiffResult> {
  const { session, path } = await whichSession(project, { name: opts.name, command: 'diff' });
  const base = baseOf(session);
  const tip = base ? await baseTip(project.repo.mainPath, base) : null;
  const fallback = session.baseCommit ? await resolveCommit(project.repo.mainPath, session.baseCommit) : null;
  if (!tip && !fallback)
    throw preconditionError(
      `The base of ${session.id} (${base ?? 'not recorded'}) names no commit, so there is nothing to compare with.`,
      `Compare by hand: git -C "${path}" diff <branch>...`,
    );
  const since = tip ? await mergeBase(path, tip, 'HEAD') : null;
  const from = since ?? fallback ?? (tip as string);
  const tree = await worktreeTree(path);
  const text = await diffText(path, from, tree, { stat: opts.stat, color: opts.color });
  return { session, base: base ?? from, from, text };
}
