import { copyFileSync, chmodSync, cpSync, existsSync, mkdirSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { git, gitProbe, refExists } from '../git/git.js';
import type { SessionRecord } from '../manifest/manifest.js';

/**
 * The archive (README "Files", docs/concepts.md): refs under refs/pwt/archive/<name>/<stamp> for
 * work pwt was told to discard, and <sessions dir>/.archive/ for files.
 *
 * An archive ref points at one commit W:
 *   - W's tree is the worktree as it was: tracked files as edited plus
 *     untracked files (ignored files are not part of it, as with `git stash -u`);
 *   - W's first parent is the worktree's HEAD, a second parent the branch tip
 *     when the branch was not checked out there;
 *   - W's message ends with a `pwt-archive: {json}` line naming which is which
 *     and the session's manifest record (goals, base), so restore needs nothing else.
 */
export const ARCHIVE_NAMESPACE = 'refs/pwt/archive';
const META_PREFIX = 'pwt-archive: ';

export interface ArchiveMeta {
  version: 1;
  id: string;
  branch: string;
  /** Commit the worktree had checked out (W^1). */
  head: string;
  /** Tip of the session branch when archived (null when the branch was gone). */
  tip: string | null;
  /** True when W's tree differs from head's: uncommitted or untracked work is inside. */
  dirty: boolean;
  archivedAt: string;
  reason: string;
  session?: SessionRecord;
  /** Further parents of W: commits that would otherwise have been lost. */
  kept?: string[];
}

export interface ArchiveEntry {
  ref: string;
  stamp: string;
  commit: string;
  meta: ArchiveMeta;
}

export const archiveRef = (name: string, stamp: string) => `${ARCHIVE_NAMESPACE}/${name}/${stamp}`;

/**
 * The worktree's full state as a tree, untracked files included, without
 * touching its real index: a copy of the index (so git can reuse stat data)
 * under GIT_INDEX_FILE, `git add -A`, `git write-tree`.
 */
export async function worktreeTree(worktree: string, exclude: string[] = []): Promise<string> {
  const realIndex = (await git(worktree, ['rev-parse', '--path-format=absolute', '--git-path', 'index'])).trim();
  const tempIndex = join(tmpdir(), `pwt-index-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    if (existsSync(realIndex)) {
      copyFileSync(realIndex, tempIndex);
      // The copy keeps the index's own time: git re-reads a file changed in the same second as the index was
      // written ("racy git") only by comparing with it; with the copy's new time such a change would go unseen.
      const { atime, mtime } = statSync(realIndex);
      utimesSync(tempIndex, atime, mtime);
    }
    const env = { GIT_INDEX_FILE: tempIndex };
    await git(worktree, ['add', '--all', '--', ...addPathspec(exclude)], env);
    return (await git(worktree, ['write-tree'], env)).trim();
  } finally {
    rmSync(tempIndex, { force: true });
  }
}

/**
 * `git add --all` pathspec leaving out nested repositories: git would record
 * them as a bare gitlink (a commit id it does not have), so pwt copies them
 * into .archive/ instead (see archiveNested).
 */
export const addPathspec = (exclude: string[]) => ['.', ...exclude.map((path) => `:(exclude,literal)${path}`)];

export interface ArchiveInput {
  /** Where git runs (the main worktree). */
  cwd: string;
  id: string;
  branch: string;
  stamp: string;
  reason: string;
  /** The session's worktree when it still exists; its state goes into the archive. */
  worktree: string | null;
  session?: SessionRecord;
  /** More commits to keep reachable (ones only the worktree's HEAD or reflog reached): extra parents of W. */
  keep?: string[];
  /** Nested repositories to leave out of W's tree (archived as folders). */
  exclude?: string[];
}

/** Writes the archive commit and its ref; returns the entry. Creates the ref only if it is new. */
export async function writeArchive(input: ArchiveInput): Promise<ArchiveEntry> {
  const tip = (await gitProbe(input.cwd, ['rev-parse', '--verify', '--quiet', `refs/heads/${input.branch}^{commit}`])).stdout.trim() || null;
  const head = input.worktree ? (await git(input.worktree, ['rev-parse', 'HEAD'])).trim() : tip;
  if (!head) throw new Error(`nothing to archive: ${input.branch} does not exist and there is no worktree`);
  const headTree = (await git(input.cwd, ['rev-parse', `${head}^{tree}`])).trim();
  const tree = input.worktree ? await worktreeTree(input.worktree, input.exclude) : headTree;
  const meta: ArchiveMeta = {
    version: 1,
    id: input.id,
    branch: input.branch,
    head,
    tip,
    dirty: tree !== headTree,
    archivedAt: new Date().toISOString(),
    reason: input.reason,
    ...(input.session ? { session: input.session } : {}),
  };
  const kept = [...new Set(input.keep ?? [])].filter((commit) => commit !== head && commit !== tip);
  if (kept.length) meta.kept = kept;
  const message = [
    `pwt archive of session ${input.id} (${input.reason})`,
    '',
    `Branch ${input.branch} was at ${tip ?? '(gone)'}; the worktree had ${head} checked out${meta.dirty ? ' plus uncommitted work (this commit\'s tree)' : ''}.`,
    ...(kept.length ? [`Also kept (only the worktree's HEAD or reflog reached them): ${kept.join(', ')}.`] : []),
    `Restore with: pwt restore ${input.id} --at ${input.stamp}`,
    '',
    `${META_PREFIX}${JSON.stringify(meta)}`,
  ].join('\n');
  const parents = ['-p', head, ...(tip && tip !== head ? ['-p', tip] : []), ...kept.flatMap((commit) => ['-p', commit])];
  const commit = (await git(input.cwd, ['commit-tree', tree, ...parents, '-m', message])).trim();
  let stamp = input.stamp;
  for (let n = 2; await refExists(input.cwd, archiveRef(input.id, stamp)); n++) stamp = `${input.stamp}-${n}`;
  const ref = archiveRef(input.id, stamp);
  // The empty old value makes update-ref refuse to overwrite an existing ref.
  await git(input.cwd, ['update-ref', '-m', `pwt: archive ${input.id}`, ref, commit, '']);
  return { ref, stamp, commit, meta };
}

/** A session's archives, oldest first (stamps sort by time). */
export async function listArchives(cwd: string, id: string): Promise<ArchiveEntry[]> {
  const out = await git(cwd, ['for-each-ref', '--format=%(refname)%00%(objectname)%00%(contents)%00%00', `${ARCHIVE_NAMESPACE}/${id}/`]);
  const entries: ArchiveEntry[] = [];
  for (const record of out.split('\0\0')) {
    const [ref, commit, contents] = record.replace(/^\n/, '').split('\0');
    if (!ref || !commit || contents === undefined) continue;
    const line = contents.split('\n').find((each) => each.startsWith(META_PREFIX));
    if (!line) continue;
    try {
      const meta = JSON.parse(line.slice(META_PREFIX.length)) as ArchiveMeta;
      entries.push({ ref, stamp: ref.slice(`${ARCHIVE_NAMESPACE}/${id}/`.length), commit, meta });
    } catch {
      // Not written by pwt; skip it rather than guess.
    }
  }
  return entries.sort((a, b) => a.stamp.localeCompare(b.stamp));
}

/** Session names that have archives. */
export async function archivedNames(cwd: string): Promise<string[]> {
  const out = await git(cwd, ['for-each-ref', '--format=%(refname)', `${ARCHIVE_NAMESPACE}/`]);
  const names = out.split('\n').filter(Boolean).map((ref) => ref.slice(ARCHIVE_NAMESPACE.length + 1).split('/')[0] ?? '');
  return [...new Set(names.filter(Boolean))].sort();
}

/** `<sessions dir>/.archive/<name>/<stamp>`: where a session's artifacts go. */
export const artifactDir = (sessionsDir: string, id: string, stamp: string) => join(sessionsDir, '.archive', id, stamp);

const ALWAYS_SKIPPED = ['**/.git/**', '**/node_modules/**'];

/** Files in the worktree matching the artifact globs, relative paths (ignored files count too: that is often the point). */
export async function findArtifacts(worktree: string, patterns: string[]): Promise<string[]> {
  if (patterns.length === 0 || !existsSync(worktree)) return [];
  const { glob } = await import('tinyglobby');
  const files = await glob(patterns, { cwd: worktree, dot: true, onlyFiles: true, followSymbolicLinks: false, ignore: ALWAYS_SKIPPED });
  return files.sort();
}

/** Copies files (relative paths kept, modes kept) from the worktree into dest. */
export function copyArtifacts(worktree: string, files: string[], dest: string): void {
  for (const file of files) {
    const source = join(worktree, file);
    if (!existsSync(source)) continue;
    const target = join(dest, file);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(source, target);
    chmodSync(target, statSync(source).mode & 0o7777);
  }
}

/** Moves a folder into <sessions dir>/.archive/strays/ (never deletes it); returns where it went. */
export function moveAside(sessionsDir: string, path: string, name: string, stamp: string): string {
  const folder = join(sessionsDir, '.archive', 'strays');
  mkdirSync(folder, { recursive: true });
  let target = join(folder, `${name}-${stamp}`);
  for (let n = 2; existsSync(target); n++) target = join(folder, `${name}-${stamp}-${n}`);
  renameSync(path, target);
  return target;
}

/**
 * Copies a nested repository (or initialised submodule) into `dest` as a
 * repository of its own: a submodule's `.git` is a file pointing into the
 * worktree's git dir, which goes with the worktree, so its git dir is copied
 * in its place and the `core.worktree` it carries is dropped.
 */
export async function archiveNested(worktree: string, nested: string, dest: string): Promise<void> {
  const source = join(worktree, nested);
  const target = join(dest, nested);
  mkdirSync(dirname(target), { recursive: true });
  const dotGit = join(source, '.git');
  const isGitFile = existsSync(dotGit) && !statSync(dotGit).isDirectory();
  const gitDir = isGitFile ? (await git(source, ['rev-parse', '--absolute-git-dir'])).trim() : null;
  cpSync(source, target, { recursive: true, verbatimSymlinks: true, filter: (path) => !(isGitFile && path === dotGit) });
  if (gitDir) {
    cpSync(gitDir, join(target, '.git'), { recursive: true, verbatimSymlinks: true });
    // Run outside any repository: the copy's own config still names the old worktree, which git would chdir to.
    await gitProbe('/', ['config', '--file', join(target, '.git', 'config'), '--unset', 'core.worktree']);
  }
}
