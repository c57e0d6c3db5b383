import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HOOK_EVENTS, isScriptHook, type HookEvent, type ProjectHooks } from '../config.js';

/**
 * Project hooks are code from the repository, so a clone never runs them
 * silently: a hook set runs only once the user approved exactly that set
 * for this repository. "Exactly" is a hash of every event's entries plus the
 * content of each `.mjs` script they name, so an edited script or a new
 * command asks again. Approvals live in the user's own config folder, never
 * in the repository (a commit could otherwise approve itself). The last
 * approved set is kept whole (entries and script contents), so a changed set
 * can be shown as a difference from it (`pwt hooks show`, the approval question).
 */
export function approvalsFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(env.HOME ?? homedir(), '.config');
  return join(base, 'pwt', 'approved-hooks.json');
}

/** A hook set as approved: its entries by event and the content of each script it named. */
export interface ApprovedSet {
  hash: string;
  hooks: ProjectHooks;
  scripts: Record<string, string | null>;
  approvedAt: string;
}

interface Approvals {
  version: 1;
  /** main worktree path -> approved hook-set hashes, newest last */
  repositories: Record<string, string[]>;
  /** main worktree path -> the last approved set, whole (older files lack it) */
  latest?: Record<string, ApprovedSet>;
}

const KEEP_PER_REPOSITORY = 20;

function readApprovals(file: string): Approvals {
  if (!existsSync(file)) return { version: 1, repositories: {} };
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Approvals;
    if (parsed && typeof parsed.repositories === 'object' && parsed.repositories !== null) return parsed;
  } catch {
    // An unreadable file approves nothing; the next approval rewrites it.
  }
  return { version: 1, repositories: {} };
}

function writeApprovals(file: string, approvals: Approvals): void {
  mkdirSync(join(file, '..'), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(approvals, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}

const readScript = (root: string, entry: string): string | null => {
  const script = join(root, entry.trim());
  return existsSync(script) ? readFileSync(script, 'utf8') : null;
};

/** The hash that identifies a hook set: its entries by event, and each script's content (scripts resolve from `root`). */
export function hookSetHash(hooks: ProjectHooks, root: string): string {
  const hash = createHash('sha256');
  for (const event of HOOK_EVENTS) {
    for (const entry of hooks[event] ?? []) {
      hash.update(`${event}\0${entry}\0`);
      if (isScriptHook(entry)) {
        const script = join(root, entry.trim());
        hash.update(existsSync(script) ? readFileSync(script) : '(missing)');
        hash.update('\0');
      }
    }
  }
  return `sha256:${hash.digest('hex')}`;
}

export function isApproved(mainPath: string, hash: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return readApprovals(approvalsFile(env)).repositories[mainPath]?.includes(hash) ?? false;
}

/** The last set approved for this repository, or null (none, revoked, or approved by an older pwt that kept only hashes). */
export function lastApproved(mainPath: string, env: NodeJS.ProcessEnv = process.env): ApprovedSet | null {
  return readApprovals(approvalsFile(env)).latest?.[mainPath] ?? null;
}

/** Approves `hooks` (read from `root`) for the repository at `mainPath`, keeping the set itself. */
export function recordApproval(mainPath: string, hooks: ProjectHooks, root: string, env: NodeJS.ProcessEnv = process.env): string {
  const hash = hookSetHash(hooks, root);
  const file = approvalsFile(env);
  const approvals = readApprovals(file);
  const list = (approvals.repositories[mainPath] ?? []).filter((each) => each !== hash);
  approvals.repositories[mainPath] = [...list, hash].slice(-KEEP_PER_REPOSITORY);
  const scripts: Record<string, string | null> = {};
  for (const event of HOOK_EVENTS) for (const entry of hooks[event] ?? []) if (isScriptHook(entry)) scripts[entry.trim()] = readScript(root, entry);
  approvals.latest = { ...approvals.latest, [mainPath]: { hash, hooks, scripts, approvedAt: new Date().toISOString() } };
  writeApprovals(file, approvals);
  return hash;
}

/** Forgets every approval of this repository; true when there was one. */
export function revokeApprovals(mainPath: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const file = approvalsFile(env);
  const approvals = readApprovals(file);
  const had = (approvals.repositories[mainPath]?.length ?? 0) > 0 || approvals.latest?.[mainPath] !== undefined;
  if (!had) return false;
  delete approvals.repositories[mainPath];
  if (approvals.latest) delete approvals.latest[mainPath];
  writeApprovals(file, approvals);
  return true;
}

/** One event whose entries (or the scripts they name) differ from the approved set. */
export interface HookChange {
  approved: string[];
  now: string[];
  /** Scripts named in both whose content changed. */
  scriptsChanged?: string[];
}

/** The events whose hooks differ between the approved set and `hooks` (read from `root`). */
export function hookChanges(approved: ApprovedSet, hooks: ProjectHooks, root: string): Partial<Record<HookEvent, HookChange>> {
  const changes: Partial<Record<HookEvent, HookChange>> = {};
  for (const event of HOOK_EVENTS) {
    const before = approved.hooks[event] ?? [];
    const now = hooks[event] ?? [];
    const scriptsChanged = now.filter((entry) => isScriptHook(entry) && before.includes(entry) && approved.scripts[entry.trim()] !== readScript(root, entry));
    const same = before.length === now.length && before.every((entry, i) => entry === now[i]);
    if (!same || scriptsChanged.length > 0) changes[event] = { approved: before, now, ...(scriptsChanged.length ? { scriptsChanged } : {}) };
  }
  return changes;
}

/**
 * The changes as lines for people: per event, removed entries with "-",
 * added ones with "+", edited scripts named.
 */
export function describeChanges(changes: Partial<Record<HookEvent, HookChange>>): string[] {
  const lines: string[] = [];
  for (const [event, change] of Object.entries(changes) as [HookEvent, HookChange][]) {
    lines.push(`${event}:`);
    for (const entry of change.approved) if (!change.now.includes(entry)) lines.push(`  - ${entry}`);
    for (const entry of change.now) if (!change.approved.includes(entry)) lines.push(`  + ${entry}`);
    if (
      change.approved.length > 0 &&
      change.now.length > 0 &&
      change.approved.every((entry) => change.now.includes(entry)) &&
      change.now.every((entry) => change.approved.includes(entry)) &&
      !change.scriptsChanged
    ) {
      lines.push(`  (same commands, now in this order: ${change.now.join(', ')})`);
    }
    for (const script of change.scriptsChanged ?? []) lines.push(`  ~ ${script} (the script's content changed)`);
  }
  return lines;
}
