import { copyFileSync, chmodSync, cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { gitPath, refExists, resolveCommit } from '../git/git.js';
import {
  absoluteGitDir,
  commitTree,
  createRef,
  deleteRef,
  headCommit,
  refsUnder,
  treeDiffNames,
  treeOf,
  treeOfEverything,
  unsetConfigInFile,
} from '../git/operations.js';
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
  /** What it holds: the worktree's state was taken (false: the branch alone, the worktree was gone). */
  fromWorktree?: boolean;
  /** Paths where W's tree differs from head's (uncommitted and untracked files). */
  changed?: number;
}

export interface ArchiveEntry {
  ref: string;
  stamp: string;
  commit: string;
  /** W's tree (the files as archived). */
  tree?: string;
  meta: ArchiveMeta;
}

export const archiveRef = (name: string, stamp: string) => `${ARCHIVE_NAMESPACE}/${name}/${stamp}`;

/**
 * The worktree's full state as a tree, untracked files included, without
 * touching its real index: a copy of the index (so git can reuse stat data)
 * under GIT_INDEX_FILE, `git add -A`, `git write-tree`.
 */
export async function worktreeTree(worktree: string, exclude: string[] = []): Promise<string> {
  const realIndex = await gitPath(worktree, 'index');
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
    return await treeOfEverything(worktree, addPathspec(exclude), env);
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

/**
 * Writes the archive commit and its ref; returns the entry. Creates the ref
 * only if it is new. When an archive of this session already holds all of it
 * (same HEAD and tip, the same tree or this one has no uncommitted work, no
 * commit kept that the older one lacks), that one is returned with
 * `reused: true` and nothing is written: a re-run after a cut never leaves a
 * second, poorer copy.
 */
export async function writeArchive(input: ArchiveInput): Promise<ArchiveEntry & { reused?: boolean }> {
  const tip = await resolveCommit(input.cwd, `refs/heads/${input.branch}`);
  const head = input.worktree ? await headCommit(input.worktree) : tip;
  if (!head) throw new Error(`nothing to archive: ${input.branch} does not exist and there is no worktree`);
  const headTree = await treeOf(input.cwd, head as string);
  const tree = input.worktree ? await worktreeTree(input.worktree, input.exclude) : headTree;
  const keeping = [...new Set(input.keep ?? [])].filter((commit) => commit !== head && commit !== tip);
  for (const earlier of await listArchives(input.cwd, input.id)) {
    const { meta } = earlier;
    const sameTree = earlier.tree === tree;
    if (meta.head === head && meta.tip === tip && (sameTree || tree === headTree) && keeping.every((commit) => meta.kept?.includes(commit)))
      return { ...earlier, reused: true };
  }
  const changed = tree === headTree ? 0 : (await treeDiffNames(input.cwd, headTree, tree)).length;
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
    fromWorktree: input.worktree !== null,
    changed,
  };
  const kept = keeping;
  if (kept.length) meta.kept = kept;
  const message = [
    `pwt archive of session ${input.id} (${input.reason})`,
    '',
    `Branch ${input.branch} was at ${tip ?? '(gone)'}; the worktree had ${head} checked out${meta.dirty ? " plus uncommitted work (this commit's tree)" : ''}.`,
    ...(kept.length ? [`Also kept (only the worktree's HEAD or reflog reached them): ${kept.join(', ')}.`] : []),
    `Restore with: pwt restore ${input.id} --at ${input.stamp}`,
    '',
    `${META_PREFIX}${JSON.stringify(meta)}`,
  ].join('\n');
  const parents = [head as string, ...(tip && tip !== head ? [tip] : []), ...kept];
  const commit = await commitTree(input.cwd, tree, parents, message);
  let stamp = input.stamp;
  for (let n = 2; await refExists(input.cwd, archiveRef(input.id, stamp)); n++) stamp = `${input.stamp}-${n}`;
  const ref = archiveRef(input.id, stamp);
  // The empty old value makes update-ref refuse to overwrite an existing ref.
  await createRef(input.cwd, ref, commit, `pwt: archive ${input.id}`);
  return { ref, stamp, commit, meta };
}

/** A session's archives, oldest first (stamps sort by time). */
export async function listArchives(cwd: string, id: string): Promise<ArchiveEntry[]> {
  const out = await refsUnder(cwd, `${ARCHIVE_NAMESPACE}/${id}/`, '%(refname)%00%(objectname)%00%(tree)%00%(contents)%00%00');
  const entries: ArchiveEntry[] = [];
  for (const record of out.split('\0\0')) {
    const [ref, commit, tree, contents] = record.replace(/^\n/, '').split('\0');
    if (!ref || !commit || contents === undefined) continue;
    const line = contents.split('\n').find((each) => each.startsWith(META_PREFIX));
    if (!line) continue;
    try {
      const meta = JSON.parse(line.slice(META_PREFIX.length)) as ArchiveMeta;
      entries.push({ ref, stamp: ref.slice(`${ARCHIVE_NAMESPACE}/${id}/`.length), commit, ...(tree ? { tree } : {}), meta });
    } catch {
      // Not written by pwt; skip it rather than guess.
    }
  }
  return entries.sort((a, b) => a.stamp.localeCompare(b.stamp));
}

/** Session names that have archives. */
export async function archivedNames(cwd: string): Promise<string[]> {
  const out = await refsUnder(cwd, `${ARCHIVE_NAMESPACE}/`, '%(refname)');
  const names = out
    .split('\n')
    .filter(Boolean)
    .map((ref) => ref.slice(ARCHIVE_NAMESPACE.length + 1).split('/')[0] ?? '');
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
  const gitDir = isGitFile ? await absoluteGitDir(source) : null;
  cpSync(source, target, { recursive: true, verbatimSymlinks: true, filter: (path) => !(isGitFile && path === dotGit) });
  if (gitDir) {
    cpSync(gitDir, join(target, '.git'), { recursive: true, verbatimSymlinks: true });
    // Run outside any repository: the copy's own config still names the old worktree, which git would chdir to.
    await unsetConfigInFile(join(target, '.git', 'config'), 'core.worktree');
  }
}

const held = (entry: ArchiveEntry) => entry.meta.changed ?? (entry.meta.dirty ? 1 : 0);

/**
 * The archive restore takes without --at: the newest, unless an older one
 * holds the same commits (HEAD and tip) plus uncommitted work the newest
 * lacks (a second archive written after a cut, or of a half-restored
 * worktree): never a poorer copy. Oldest-first entries, at least one.
 */
export function mostComplete(entries: ArchiveEntry[]): ArchiveEntry {
  const newest = entries[entries.length - 1] as ArchiveEntry;
  let best = newest;
  for (const entry of [...entries].reverse()) {
    if (entry.meta.head === newest.meta.head && entry.meta.tip === newest.meta.tip && held(entry) > held(best)) best = entry;
  }
  return best;
}

export interface ArchiveListing {
  name: string;
  entries: ArchiveEntry[];
  /** The one pwt restore takes. */
  picked: ArchiveEntry;
  /** Stamps whose `.archive/<name>/<stamp>` folder exists. */
  folders: string[];
  /** Folders under `.archive/<name>/` with no archive ref (kept: pwt never deletes them on its own). */
  strayFolders: string[];
}

function foldersOf(sessionsDir: string, name: string): string[] {
  try {
    return readdirSync(join(sessionsDir, '.archive', name)).sort();
  } catch {
    return [];
  }
}

/** Every session's archives (or one session's), with their folders. */
export async function listAllArchives(cwd: string, sessionsDir: string, name?: string): Promise<ArchiveListing[]> {
  const names = name ? [name] : await archivedNames(cwd);
  const listings: ArchiveListing[] = [];
  for (const each of names) {
    const entries = await listArchives(cwd, each);
    if (entries.length === 0) continue;
    const stamps = new Set(entries.map((entry) => entry.stamp));
    const folders = foldersOf(sessionsDir, each);
    listings.push({
      name: each,
      entries,
      picked: mostComplete(entries),
      folders: folders.filter((stamp) => stamps.has(stamp)),
      strayFolders: folders.filter((stamp) => !stamps.has(stamp)),
    });
  }
  return listings;
}

/**
 * What `pwt archive prune` deletes: for each session, all but the `keep`
 * newest archives, never the newest nor the one restore would take (the most
 * complete). An archive goes with its folder.
 */
export function planPrune(listings: ArchiveListing[], keep: number): Array<{ name: string; entry: ArchiveEntry; folder: boolean }> {
  const doomed: Array<{ name: string; entry: ArchiveEntry; folder: boolean }> = [];
  for (const listing of listings) {
    const kept = new Set([...listing.entries.slice(-Math.max(1, keep)), listing.picked]);
    for (const entry of listing.entries) if (!kept.has(entry)) doomed.push({ name: listing.name, entry, folder: listing.folders.includes(entry.stamp) });
  }
  return doomed;
}

/** Deletes one archive: its ref (only if it still points where it did) and its folder. */
export async function deleteArchive(cwd: string, sessionsDir: string, entry: ArchiveEntry): Promise<void> {
  await deleteRef(cwd, entry.ref, entry.commit, 'pwt: archive prune');
  rmSync(artifactDir(sessionsDir, entry.meta.id, entry.stamp), { recursive: true, force: true });
}
