import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { archivedNames, listArchives, mostComplete, type ArchiveEntry } from '../archive.js';
import { preconditionError } from '../../infra/errors.js';
import { resolveCommit } from '../../git/git.js';
import { findSession } from '../../manifest/manifest.js';
import { readManifest } from '../../manifest/store.js';
import type { Project } from '../../project/project.js';

/** What `pwt restore` reads before deciding anything. */
export interface RestoreFacts {
  name: string;
  mainPath: string;
  path: string;
  branchPrefix: string;
  entry: ArchiveEntry;
  /** Every archive of the session, oldest first (to say which was passed over). */
  archives: ArchiveEntry[];
  sessionTaken: boolean;
  pathTaken: boolean;
  /** The folder in the way is a git worktree (one pwt does not know), not a stray folder. */
  pathIsWorktree?: boolean;
  /** Local branch name -> commit, for the branches the archive could come back on. */
  branchTips: Record<string, string>;
  envFiles: string[];
  copy: string[];
  now: Date;
}

export { mostComplete };

/** A session's archives, oldest first, and the one pwt restore would take. */
export async function archivesOf(project: Project, name: string): Promise<{ entries: ArchiveEntry[]; picked: ArchiveEntry | null }> {
  const entries = await listArchives(project.repo.mainPath, name);
  return { entries, picked: entries.length ? mostComplete(entries) : null };
}

async function pickArchive(project: Project, name: string, at: string | undefined): Promise<ArchiveEntry> {
  const mainPath = project.repo.mainPath;
  const entries = await listArchives(mainPath, name);
  if (entries.length === 0) {
    const names = await archivedNames(mainPath);
    const branch = `${project.config.branchPrefix}${name}`;
    const branchHint = (await resolveCommit(mainPath, `refs/heads/${branch}`))
      ? ` The branch ${branch} still exists: pwt open ${name} makes it a session again.`
      : '';
    throw preconditionError(
      `Nothing to restore for "${name}": no archive under refs/pwt/archive/${name}/.${branchHint}`,
      names.length ? `Archived sessions: ${names.join(', ')}` : 'pwt remove --strategy abandon (and cleanup --delete-branch) create archives.',
    );
  }
  if (at === undefined) return mostComplete(entries);
  const entry = entries.find((each) => each.stamp === at);
  if (!entry) throw preconditionError(`No archive of "${name}" at ${at}.`, `Archives of ${name}: ${entries.map((each) => each.stamp).join(', ')}`);
  return entry;
}

export async function gatherRestoreFacts(project: Project, opts: { name: string; at?: string }): Promise<RestoreFacts> {
  const { repo, config } = project;
  const [entry, manifest] = await Promise.all([pickArchive(project, opts.name, opts.at), readManifest(project)]);
  const branches = [...new Set([entry.meta.branch, `${config.branchPrefix}${opts.name}`].filter((branch) => branch !== 'HEAD'))];
  const tips = await Promise.all(branches.map(async (branch) => [branch, await resolveCommit(repo.mainPath, `refs/heads/${branch}`)] as const));
  const path = join(project.sessionsDir, opts.name);
  return {
    name: opts.name,
    mainPath: repo.mainPath,
    path,
    branchPrefix: config.branchPrefix,
    entry,
    archives: await listArchives(repo.mainPath, opts.name),
    sessionTaken: Boolean(findSession(manifest, opts.name)),
    pathTaken: existsSync(path),
    pathIsWorktree: existsSync(join(path, '.git')),
    branchTips: Object.fromEntries(tips.filter((tip): tip is readonly [string, string] => tip[1] !== null)),
    envFiles: config.envFiles,
    copy: config.copy,
    now: new Date(),
  };
}
