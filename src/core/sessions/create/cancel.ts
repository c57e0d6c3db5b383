import { existsSync, lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PwtError, Exit } from '../../infra/errors.js';
import { changedPaths, resolveCommit } from '../../git/git.js';
import { deleteRef } from '../../git/operations.js';
import type { SessionRecord } from '../../manifest/manifest.js';
import { updateManifest } from '../../manifest/store.js';
import type { Project } from '../../project/project.js';
import type { HookInterrupted } from '../../project/hooks/run.js';
import { headProblem, takeInventory } from '../inventory.js';
import { realPath } from '../../git/repo.js';
import { discardNewWorktree, listWorktrees } from '../../git/worktrees.js';

/**
 * A create cancelled by Ctrl-C while its post-create hook ran
 * (docs/project-hooks.md): the session is taken back (manifest entry,
 * worktree, branch), but only what a clean checkout made. Whatever else is
 * there keeps it: changes to tracked files, untracked files (ignored ones,
 * such as the node_modules an `npm install` wrote, do not count; neither
 * does an untracked file the main worktree holds byte for byte, such as a
 * copied env file), a HEAD moved off its first commit (even if moved
 * back), a process still running inside, a nested repository, ignored
 * files that differ from the main worktree's (ignored folders such as
 * node_modules are not compared). A branch with commits beyond its start stays too.
 * Returns the one-line error to throw (exit 130).
 */
export async function cancelCreate(project: Project, session: SessionRecord, path: string, interrupted: HookInterrupted): Promise<PwtError> {
  const what = `Interrupted the post-create hook "${interrupted.outcome.entry}" (Ctrl-C)`;
  const keep = await reasonToKeep(project.repo.mainPath, session, path);
  if (keep) {
    return new PwtError(
      `${what}; kept the session ${session.id} as it is: ${keep}.`,
      Exit.cancelled,
      `Look at it (cd ${path}); end it with pwt remove ${session.id} --strategy abandon (archived first, pwt restore brings it back), or keep working there.`,
    );
  }
  // Newest first, as create's own rollback: the entry, the worktree, then the branch.
  await updateManifest(project, (manifest) => {
    manifest.sessions = manifest.sessions.filter((entry) => !(entry.id === session.id && entry.worktree === session.worktree));
  });
  await discardNewWorktree(project.repo.mainPath, path);
  if (existsSync(path)) {
    return new PwtError(
      `${what}; removed the session ${session.id} from the manifest, but could not remove its worktree ${path}.`,
      Exit.cancelled,
      `Remove it with git worktree remove --force ${path} (pwt cleanup lists it), then git branch -d ${session.branch}.`,
    );
  }
  const tip = await resolveCommit(project.repo.mainPath, `refs/heads/${session.branch}`);
  if (tip && tip !== session.baseCommit) {
    return new PwtError(
      `${what}; rolled back the create of ${session.id} (worktree and manifest entry removed) ` +
        `but kept the branch ${session.branch}: it has commits beyond its start.`,
      Exit.cancelled,
      `pwt open ${session.id} continues it; git branch -D ${session.branch} deletes it.`,
    );
  }
  if (tip) await deleteRef(project.repo.mainPath, `refs/heads/${session.branch}`, tip, 'pwt create: cancelled').catch(() => undefined);
  if (await resolveCommit(project.repo.mainPath, `refs/heads/${session.branch}`)) {
    return new PwtError(
      `${what}; rolled back the create of ${session.id} (worktree and manifest entry removed) but could not delete the branch ${session.branch}.`,
      Exit.cancelled,
      `git branch -d ${session.branch} deletes it (it holds nothing beyond its start).`,
    );
  }
  return new PwtError(`${what}; rolled back the create of ${session.id}: its worktree, branch and manifest entry are gone.`, Exit.cancelled);
}

/** Why the session must stay (something a clean checkout did not make), or null. Reads what `pwt remove` reads (inventory.ts). */
async function reasonToKeep(mainPath: string, session: SessionRecord, path: string): Promise<string | null> {
  if (!existsSync(path)) return `its worktree ${path} is not there`;
  const wanted = realPath(path);
  const entry = (await listWorktrees(mainPath)).find((each) => each.path === path || realPath(each.path) === wanted);
  if (!entry) return `${path} is no worktree of this repository any more`;
  const inventory = await takeInventory({ mainPath, path, recordedBranch: session.branch, entry });
  const list = (items: string[]) => `${items.slice(0, 5).join(', ')}${items.length > 5 ? `, and ${items.length - 5} more` : ''}`;
  if (inventory.processes.length)
    return `${inventory.processes.length} process(es) still run inside (${list(inventory.processes.map((each) => `${each.pid} ${each.command}`))})`;
  const head = headProblem(inventory);
  if (head) return head.detail;
  if (inventory.head !== session.baseCommit || inventory.unreachable.length) return `its HEAD moved since the checkout (git -C ${path} log)`;
  if (inventory.operation) return `a ${inventory.operation} is in progress there`;
  if (inventory.locked !== null) return 'its worktree is locked';
  const tracked = await changedPaths(path, { untracked: 'no' });
  const untracked = (await changedPaths(path, { untracked: 'all' })).filter((file) => !tracked.includes(file) && !sameAsMain(mainPath, path, file));
  const changed = [...tracked, ...untracked];
  if (changed.length) return `its worktree has ${changed.length} change(s) a clean checkout lacks, untracked included (${list(changed)})`;
  if (inventory.nested.length) return `it holds a nested repository (${list(inventory.nested.map((each) => each.path))})`;
  if (inventory.ignoredDiffering.length) return `it holds ignored files the main worktree lacks or has otherwise (${list(inventory.ignoredDiffering)})`;
  return null;
}
/** The main worktree holds the same file (bytes, or a symlink's target): deleting this copy loses nothing. */
function sameAsMain(mainPath: string, path: string, file: string): boolean {
  try {
    const ours = lstatSync(join(path, file));
    const theirs = lstatSync(join(mainPath, file));
    if (ours.isSymbolicLink() || theirs.isSymbolicLink())
      return ours.isSymbolicLink() && theirs.isSymbolicLink() && readlinkSync(join(path, file)) === readlinkSync(join(mainPath, file));
    return ours.isFile() && theirs.isFile() && ours.size === theirs.size && readFileSync(join(path, file)).equals(readFileSync(join(mainPath, file)));
  } catch {
    return false;
  }
}
