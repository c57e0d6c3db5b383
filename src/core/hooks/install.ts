import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { preconditionError } from '../infra/errors.js';
import { isIgnored, isTracked } from '../git/operations.js';
import {
  HOOK_NAMES,
  ORIGINAL_SUFFIX,
  chainLine,
  hasChainLine,
  insertChainLine,
  isOwnStub,
  isShellScript,
  removeChainLines,
  replaceChainLine,
  stubText,
  type HookName,
} from './files.js';
import { currentDispatcher, locateHooks, type HookPlace } from './place.js';
import { isInside } from '../git/repo.js';
import type { Project } from '../project/project.js';
import { listWorktrees } from '../git/worktrees.js';

/**
 * `pwt hooks install` / `uninstall`. A user's hook is never deleted: a shell
 * hook gets one marked line after its `#!` line (so it keeps its own $0, which
 * husky's stubs need to find their scripts); any other hook is moved to
 * <hook>.pwt-orig and run by pwt's stub. Uninstall undoes exactly that, so the
 * user's file comes back byte for byte with its mode. Files are only written
 * when their content changes: re-installing changes nothing.
 */
export type InstallOp = 'created' | 'chained-line' | 'moved-original' | 'updated' | 'unchanged';
export type UninstallOp = 'removed' | 'restored-original' | 'line-removed' | 'not-installed';

export interface HookAction<Op> {
  hook: HookName;
  path: string;
  op: Op;
}

export interface InstallResult extends HookPlace {
  dispatcherOp: 'created' | 'updated' | 'unchanged';
  actions: HookAction<InstallOp>[];
}

export interface UninstallResult extends HookPlace {
  dispatcherOp: 'removed' | 'kept' | 'not-installed';
  actions: HookAction<UninstallOp>[];
}

const read = (path: string) => readFileSync(path, 'utf8');
const isSymlink = (path: string) => lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() === true;
const exists = (path: string) => existsSync(path) || isSymlink(path);

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Writes only when the text differs; keeps the file's mode (and inode) when it exists. */
function writeIfChanged(path: string, text: string, mode: number): boolean {
  if (existsSync(path) && read(path) === text) return false;
  const existed = existsSync(path);
  writeFileSync(path, text, { mode });
  if (!existed) chmodSync(path, mode);
  return true;
}

/**
 * Hooks inside the worktree (core.hooksPath = .githooks, .husky/_) must be
 * files git ignores: pwt will not edit a committed hook, nor leave files that
 * show up in `git status` (and make the worktree dirty for pwt create).
 */
async function refuseVisibleFiles(project: Project, place: HookPlace): Promise<void> {
  const top = project.repo.worktreePath;
  const { gitDir, commonDir } = project.repo;
  if (!isInside(place.hooksDir, top) || isInside(place.hooksDir, gitDir) || isInside(place.hooksDir, commonDir)) return;
  for (const hook of HOOK_NAMES) {
    const path = join(place.hooksDir, hook);
    if (await isTracked(top, path)) {
      throw preconditionError(
        `${path} is committed to this repository; pwt will not change it.`,
        `Add this line right after its #! line yourself (then run pwt hooks install to write the rest): ${chainLine(hook, place.dispatcher)}`,
      );
    }
  }
  for (const hook of HOOK_NAMES) {
    const path = join(place.hooksDir, hook);
    if (await isIgnored(top, path)) continue;
    throw preconditionError(
      `${path} is inside the worktree and not ignored by git: pwt's hook would show up in git status.`,
      `Let your hook manager create ${place.hooksDir} first (husky: npm install), or ignore it in .git/info/exclude, then run pwt hooks install again.`,
    );
  }
}

function installHook(place: HookPlace, hook: HookName): InstallOp {
  const path = join(place.hooksDir, hook);
  const original = `${path}${ORIGINAL_SUFFIX}`;
  const line = chainLine(hook, place.dispatcher);
  if (!exists(path)) {
    writeIfChanged(path, stubText(hook, place.dispatcher, false), 0o755);
    return 'created';
  }
  const text = isSymlink(path) ? null : read(path);
  if (text !== null && isOwnStub(text)) {
    return writeIfChanged(path, stubText(hook, place.dispatcher, exists(original)), 0o755) ? 'updated' : 'unchanged';
  }
  if (text !== null && hasChainLine(text)) {
    return writeIfChanged(path, replaceChainLine(text, line), 0o755) ? 'updated' : 'unchanged';
  }
  if (text !== null && isShellScript(text) && isExecutable(path)) {
    writeFileSync(path, insertChainLine(text, line));
    return 'chained-line';
  }
  if (exists(original)) {
    throw preconditionError(`Cannot move ${path} aside: ${original} already exists.`, `Move or delete ${original}, then run pwt hooks install again.`);
  }
  renameSync(path, original);
  writeIfChanged(path, stubText(hook, place.dispatcher, true), 0o755);
  return 'moved-original';
}

export async function installHooks(project: Project): Promise<InstallResult> {
  const place = await locateHooks(project);
  await refuseVisibleFiles(project, place);
  mkdirSync(dirname(place.dispatcher), { recursive: true });
  const hadDispatcher = existsSync(place.dispatcher);
  const changed = writeIfChanged(place.dispatcher, currentDispatcher(project), 0o644);
  mkdirSync(place.hooksDir, { recursive: true });
  const actions = HOOK_NAMES.map((hook) => ({ hook, path: join(place.hooksDir, hook), op: installHook(place, hook) }));
  return { ...place, dispatcherOp: !hadDispatcher ? 'created' : changed ? 'updated' : 'unchanged', actions };
}

function uninstallHook(place: HookPlace, hook: HookName): UninstallOp {
  const path = join(place.hooksDir, hook);
  const original = `${path}${ORIGINAL_SUFFIX}`;
  const text = !exists(path) || isSymlink(path) ? null : read(path);
  if (text !== null && isOwnStub(text)) {
    rmSync(path);
    if (!exists(original)) return 'removed';
    renameSync(original, path); // a rename: same bytes, mode and inode as before install
    return 'restored-original';
  }
  if (text !== null && hasChainLine(text)) {
    writeFileSync(path, removeChainLines(text));
    return 'line-removed';
  }
  return 'not-installed';
}

/** With a per-worktree hooks folder, other worktrees may still source the shared dispatcher. */
async function othersUseDispatcher(project: Project, place: HookPlace): Promise<boolean> {
  if (!place.perWorktree || place.hooksPath === null) return false;
  for (const worktree of await listWorktrees(project.repo.mainPath)) {
    const dir = resolve(worktree.path, place.hooksPath);
    if (dir === place.hooksDir || !existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (!(HOOK_NAMES as readonly string[]).includes(name)) continue;
      const file = join(dir, name);
      if (!isSymlink(file) && (isOwnStub(read(file)) || hasChainLine(read(file)))) return true;
    }
  }
  return false;
}

export async function uninstallHooks(project: Project): Promise<UninstallResult> {
  const place = await locateHooks(project);
  const actions = HOOK_NAMES.map((hook) => ({ hook, path: join(place.hooksDir, hook), op: uninstallHook(place, hook) }));
  let dispatcherOp: UninstallResult['dispatcherOp'] = 'not-installed';
  if (existsSync(place.dispatcher)) {
    if (await othersUseDispatcher(project, place)) dispatcherOp = 'kept';
    else {
      rmSync(place.dispatcher);
      dispatcherOp = 'removed';
      if (readdirSync(dirname(place.dispatcher)).length === 0) rmdirSync(dirname(place.dispatcher));
    }
  }
  return { ...place, dispatcherOp, actions };
}
