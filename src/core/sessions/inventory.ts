import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { refExists, resolveCommit } from '../git/git.js';
import { commitsOnlyReachedBy, fullStatusZ, headReflog, independentCommits, indexEntriesZ, unsavedWork } from '../git/operations.js';
import { isInside, realPath } from '../git/repo.js';
import type { WorktreeEntry } from '../git/worktrees.js';

/**
 * Everything that exists only in one worktree and would go with it: taken
 * before any plan that removes a worktree (remove, cleanup), so the plan
 * either keeps it (archive) or refuses. The cheap part (`worktreeNotes`)
 * feeds `pwt status`; `takeInventory` adds what costs a git status or more.
 */

export type NoteKind =
  'detached-head' | 'other-branch' | 'operation-in-progress' | 'locked' | 'base-gone' | 'processes-running' | 'nested-repo' | 'land-failed';

export interface Note {
  kind: NoteKind;
  detail: string;
}

export interface RunningProcess {
  pid: number;
  command: string;
  /**
   * An interactive shell sitting at its prompt (bash, zsh, fish… on a terminal, nothing running under it): it
   * writes nothing, but is left in a deleted folder.
   */
  idleShell?: boolean;
  /** The idle shell's terminal (`/dev/pts/3`). */
  tty?: string;
}

export interface NestedRepo {
  /** Relative to the worktree, no trailing slash. */
  path: string;
  kind: 'repo' | 'submodule';
  /** What exists only there (uncommitted changes, commits on no remote), or null when it is all saved elsewhere. */
  unsaved: string | null;
}

export interface Inventory {
  path: string;
  /** The commit checked out (null when the worktree is gone). */
  head: string | null;
  /** The branch checked out; null when HEAD is detached. */
  headBranch: string | null;
  /** The branch the manifest records. */
  recordedBranch: string;
  /** The recorded branch exists as a local branch. */
  recordedIsBranch: boolean;
  operation: Operation | null;
  /** `git worktree lock` reason ('' when locked without one), null when not locked. */
  locked: string | null;
  /** Commits that only this worktree's HEAD or HEAD reflog reach (no ref does): they die with the worktree. */
  unreachable: string[];
  /** The fewest commits whose history holds all of `unreachable` (archive parents). */
  unreachableTips: string[];
  nested: NestedRepo[];
  /** Ignored files whose content the main worktree does not have (a rotated .env, a local database). */
  ignoredDiffering: string[];
  processes: RunningProcess[];
}

export type Operation = 'rebase' | 'merge' | 'cherry-pick' | 'revert' | 'bisect';

/** Marker files git leaves in a worktree's git dir while an operation waits for the user (git-status(1) reads the same). */
const OPERATION_MARKERS: Array<[string, Operation]> = [
  ['rebase-merge', 'rebase'],
  ['rebase-apply', 'rebase'],
  ['MERGE_HEAD', 'merge'],
  ['CHERRY_PICK_HEAD', 'cherry-pick'],
  ['REVERT_HEAD', 'revert'],
  ['BISECT_LOG', 'bisect'],
];

/** The per-worktree git dir, read from the worktree's `.git` file (or folder). */
export function gitDirOf(worktree: string): string | null {
  const dotGit = join(worktree, '.git');
  try {
    if (statSync(dotGit).isDirectory()) return dotGit;
    const target = readFileSync(dotGit, 'utf8')
      .match(/^gitdir: (.*)$/m)?.[1]
      ?.trim();
    if (!target) return null;
    return isAbsolute(target) ? target : resolve(worktree, target);
  } catch {
    return null;
  }
}

export function operationInProgress(worktree: string): Operation | null {
  const gitDir = gitDirOf(worktree);
  if (!gitDir) return null;
  return OPERATION_MARKERS.find(([marker]) => existsSync(join(gitDir, marker)))?.[1] ?? null;
}

/** `git worktree lock` writes its reason into `<git dir>/locked` (git-worktree(1), "DETAILS"). */
export function lockReason(worktree: string): string | null {
  const gitDir = gitDirOf(worktree);
  if (!gitDir) return null;
  try {
    return readFileSync(join(gitDir, 'locked'), 'utf8').trim();
  } catch {
    return null;
  }
}

/** pwt itself and the processes that started it (the shell that ran `pend` sits inside the session). */
function ownLineage(): Set<number> {
  const pids = new Set<number>([process.pid]);
  let pid = process.ppid;
  for (let hops = 0; pid > 1 && hops < 64; hops++) {
    pids.add(pid);
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      break;
    }
  }
  return pids;
}

/** The pipes on pwt's own stdin and stdout (`pipe:[inode]`), as the kernel names them. */
function ownPipes(): Set<string> {
  const pipes = new Set<string>();
  for (const fd of [0, 1]) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith('pipe:')) pipes.add(target);
    } catch {
      // No such descriptor.
    }
  }
  return pipes;
}

/**
 * A neighbour in pwt's own pipeline (`pwt remove s --dry-run | head` run
 * inside the session): it reads what pwt writes or writes what pwt reads, so
 * it ends with pwt and is no process inside the worktree.
 */
function isPipeNeighbour(pid: number, pipes: Set<string>): boolean {
  if (pipes.size === 0) return false;
  for (const fd of [0, 1]) {
    try {
      if (pipes.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) return true;
    } catch {
      // Gone, or not ours to read.
    }
  }
  return false;
}

/**
 * Whether `pid` was started by this pwt, directly or further down: its own
 * git calls (status runs `git -C <worktree>` while it looks) are not
 * processes inside a worktree.
 */
function isOwnDescendant(pid: number): boolean {
  for (let hops = 0; pid > 1 && hops < 64; hops++) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return false;
    }
    if (pid === process.pid) return true;
  }
  return false;
}

const SHELLS = new Set(['bash', 'zsh', 'fish', 'sh', 'dash', 'ksh', 'mksh', 'tcsh', 'csh']);

/**
 * The terminal of `pid` when it is an interactive shell waiting at its
 * prompt: a shell's name, stdin on a terminal, and no process under it (a
 * dev server or an agent started from that shell is a child, so the shell
 * counts as busy). Undefined otherwise.
 */
function idleShellTty(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/^-/, '');
    if (!SHELLS.has(comm)) return undefined;
    const tty = readlinkSync(`/proc/${pid}/fd/0`);
    if (!/^\/dev\/(pts\/\d+|tty\w*)$/.test(tty)) return undefined;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return children ? undefined : tty;
  } catch {
    return undefined;
  }
}

/**
 * Processes whose current folder is inside one of `folders` (Linux /proc; an
 * empty answer elsewhere). Processes of other users cannot be read and are
 * not listed.
 */
export function processesInside(folders: string[]): Map<string, RunningProcess[]> {
  const found = new Map<string, RunningProcess[]>();
  if (folders.length === 0 || !existsSync('/proc/self/cwd')) return found;
  const real = folders.map((folder) => [folder, realPath(folder)] as const);
  const own = ownLineage();
  const pipes = ownPipes();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || own.has(pid)) continue;
    let cwd: string;
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      continue;
    }
    const match = real.find(([, folder]) => cwd === folder || isInside(cwd, folder));
    if (!match || isOwnDescendant(pid) || isPipeNeighbour(pid, pipes)) continue;
    let command = '';
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    } catch {
      // It ended meanwhile.
    }
    const shell = idleShellTty(pid);
    const entry: RunningProcess = { pid, command: command.slice(0, 80) || '?', ...(shell ? { idleShell: true, tty: shell } : {}) };
    found.set(match[0], [...(found.get(match[0]) ?? []), entry]);
  }
  return found;
}

/**
 * Notes for `pwt status`: only what file reads and data already at hand
 * tell (git's worktree list, the branch tips), no extra git process per
 * session. `processes` comes from one /proc scan for all sessions.
 */
export function worktreeNotes(input: {
  path: string;
  recordedBranch: string;
  entry: WorktreeEntry | undefined;
  base: string | undefined;
  baseExists: boolean;
  processes: RunningProcess[];
  /** Untracked folders from the worktree's `git status` (where a nested repository shows): looked in instead of every folder. */
  untrackedDirs?: string[];
}): Note[] {
  const notes: Note[] = [];
  const { entry } = input;
  if (entry && !entry.prunable) {
    if (entry.detached) notes.push({ kind: 'detached-head', detail: `HEAD is detached at ${entry.head?.slice(0, 10) ?? '?'}, not on ${input.recordedBranch}` });
    else if (entry.branch && entry.branch !== input.recordedBranch)
      notes.push({ kind: 'other-branch', detail: `${entry.branch} is checked out, not ${input.recordedBranch}` });
    const operation = operationInProgress(input.path);
    if (operation) notes.push({ kind: 'operation-in-progress', detail: `a ${operation} is in progress` });
    if (entry.locked) {
      const reason = lockReason(input.path);
      notes.push({ kind: 'locked', detail: `git worktree lock${reason ? `: ${reason}` : ''}` });
    }
    const nested = input.untrackedDirs ? nestedRepoIn(input.path, input.untrackedDirs) : nestedRepoHints(input.path);
    if (nested.length) notes.push({ kind: 'nested-repo', detail: nested.join(', ') });
  }
  if (input.base && !input.baseExists) notes.push({ kind: 'base-gone', detail: `the base branch ${input.base} no longer exists` });
  if (input.processes.length) notes.push({ kind: 'processes-running', detail: input.processes.map((each) => `${each.pid} ${each.command}`).join('; ') });
  return notes;
}

/**
 * Nested repositories among the untracked folders git listed (`dir/`): git
 * does not go into a folder holding a `.git`, so a nested repository shows
 * as one, at any depth; one below it is looked for too. Far cheaper than
 * reading every folder of a big worktree; it does not see repositories in
 * ignored folders (the full inventory does).
 */
function nestedRepoIn(worktree: string, untrackedDirs: string[]): string[] {
  const found: string[] = [];
  for (const dir of untrackedDirs) {
    const relative = dir.replace(/\/$/, '');
    if (existsSync(join(worktree, relative, '.git'))) {
      found.push(relative);
      continue;
    }
    let entries;
    try {
      entries = readdirSync(join(worktree, relative), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (entry.isDirectory() && entry.name !== 'node_modules' && existsSync(join(worktree, relative, entry.name, '.git')))
        found.push(`${relative}/${entry.name}`);
    }
  }
  return found;
}

/** Nested repositories one or two folders down (cheap: a readdir per folder; the full inventory finds all). */
function nestedRepoHints(worktree: string): string[] {
  const found: string[] = [];
  const look = (relative: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(join(worktree, relative), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name === '.git' || entry.name === 'node_modules') continue;
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (existsSync(join(worktree, child, '.git'))) found.push(child);
      else if (depth < 2) look(child, depth + 1);
    }
  };
  look('', 1);
  return found;
}

/** Splits porcelain v1 -z output into [status, path] pairs. */
function porcelainEntries(out: string): Array<[string, string]> {
  const entries: Array<[string, string]> = [];
  const parts = out.split('\0');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (!part) continue;
    entries.push([part.slice(0, 2), part.slice(3)]);
    if (part[0] === 'R' || part[0] === 'C') i++;
  }
  return entries;
}

const sameFile = (a: string, b: string): boolean => {
  try {
    const [sa, sb] = [statSync(a), statSync(b)];
    if (!sa.isFile() || !sb.isFile() || sa.size !== sb.size) return false;
    return readFileSync(a).equals(readFileSync(b));
  } catch {
    return false;
  }
};

/** What a nested repository or initialised submodule holds that exists nowhere else. */
async function unsavedIn(repo: string): Promise<string | null> {
  const { changes, localCommits } = await unsavedWork(repo);
  const problems: string[] = [];
  if (changes === null) problems.push('unreadable by git status');
  else if (changes) problems.push(`${changes} uncommitted change(s)`);
  if (localCommits) problems.push(`${localCommits} commit(s) on no remote`);
  return problems.length ? problems.join(', ') : null;
}

/** Commits that only `tips` reach: no branch, tag, remote-tracking ref, stash or archive holds them. */
async function onlyReachedBy(cwd: string, tips: string[]): Promise<{ commits: string[]; tips: string[] }> {
  if (tips.length === 0) return { commits: [], tips: [] };
  const commits = await commitsOnlyReachedBy(cwd, tips);
  if (commits.length === 0) return { commits, tips: [] };
  const unreachable = new Set(commits);
  return { commits, tips: await independentCommits(cwd, [...new Set(tips.filter((tip) => unreachable.has(tip)))]) };
}

/** The full inventory of a live worktree (a few git calls; run before a destructive plan, not in status). */
export async function takeInventory(input: { mainPath: string; path: string; recordedBranch: string; entry: WorktreeEntry | undefined }): Promise<Inventory> {
  const { mainPath, path, recordedBranch, entry } = input;
  const [recorded, head, reflog, status, staged] = await Promise.all([
    refExists(mainPath, `refs/heads/${recordedBranch}`),
    resolveCommit(path, 'HEAD'),
    // This worktree's own HEAD reflog: commits it made and then left (reset, amend, checkout).
    headReflog(path),
    fullStatusZ(path),
    indexEntriesZ(path),
  ]);
  const headBranch = entry?.branch ?? null;
  const reached = await onlyReachedBy(mainPath, [...(head ? [head] : []), ...reflog]);

  const nestedPaths = new Map<string, NestedRepo['kind']>();
  const ignoredDiffering: string[] = [];
  for (const [code, file] of porcelainEntries(status ?? '')) {
    if (file.endsWith('/')) {
      // git stops at a folder holding its own repository and lists it as "dir/".
      if ((code === '??' || code === '!!') && existsSync(join(path, file, '.git'))) nestedPaths.set(file.slice(0, -1), 'repo');
      continue;
    }
    if (code === '!!' && !sameFile(join(path, file), join(mainPath, file))) ignoredDiffering.push(file);
  }
  for (const record of staged.split('\0')) {
    // "<mode> <object> <stage>\t<path>"; mode 160000 is a gitlink (a submodule, or a repository added as one).
    if (!record.startsWith('160000 ')) continue;
    const file = record.slice(record.indexOf('\t') + 1);
    if (existsSync(join(path, file, '.git'))) nestedPaths.set(file, 'submodule');
  }
  const nested = await Promise.all([...nestedPaths].map(async ([file, kind]) => ({ path: file, kind, unsaved: await unsavedIn(join(path, file)) })));

  return {
    path,
    head,
    headBranch,
    recordedBranch,
    recordedIsBranch: recorded,
    operation: operationInProgress(path),
    locked: entry?.locked ? (lockReason(path) ?? '') : null,
    unreachable: reached.commits,
    unreachableTips: reached.tips,
    nested: nested.sort((a, b) => a.path.localeCompare(b.path)),
    ignoredDiffering: ignoredDiffering.sort(),
    processes: processesInside([path]).get(path) ?? [],
  };
}

/** The HEAD state in words, or null when the worktree is on its recorded branch. */
export function headProblem(inventory: Inventory): { kind: 'detached-head' | 'other-branch'; detail: string } | null {
  if (inventory.headBranch === inventory.recordedBranch) return null;
  if (inventory.headBranch === null) return { kind: 'detached-head', detail: `HEAD is detached at ${inventory.head?.slice(0, 10) ?? '?'}` };
  return { kind: 'other-branch', detail: `the worktree has ${inventory.headBranch} checked out, not ${inventory.recordedBranch}` };
}

/** One line per finding, for --dry-run and refusals. */
export function describeInventory(inventory: Inventory): string[] {
  const lines: string[] = [];
  const head = headProblem(inventory);
  if (head) lines.push(head.detail);
  if (!inventory.recordedIsBranch) lines.push(`the recorded branch ${inventory.recordedBranch} does not exist`);
  if (inventory.operation) lines.push(`a ${inventory.operation} is in progress`);
  if (inventory.locked !== null) lines.push(`the worktree is locked${inventory.locked ? ` (${inventory.locked})` : ''}`);
  if (inventory.unreachable.length) lines.push(`${inventory.unreachable.length} commit(s) only this worktree's HEAD or reflog reach`);
  for (const nested of inventory.nested)
    lines.push(
      `${nested.kind === 'repo' ? 'nested repository' : 'submodule'} ${nested.path}${nested.unsaved ? `: ${nested.unsaved}` : ' (all saved elsewhere)'}`,
    );
  if (inventory.ignoredDiffering.length)
    lines.push(
      `${inventory.ignoredDiffering.length} ignored file(s) the main worktree lacks or has otherwise: ${inventory.ignoredDiffering.slice(0, 5).join(', ')}`,
    );
  for (const each of inventory.processes) lines.push(`process ${each.pid} runs inside: ${each.command}`);
  return lines;
}
