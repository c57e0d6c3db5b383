import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HOOK_EVENTS, isScriptHook, type ProjectHooks } from '../config.js';

/**
 * Project hooks are code from the repository, so a clone never runs them
 * silently: a hook set runs only once the user approved exactly that set
 * for this repository. "Exactly" is a hash of every event's entries plus the
 * content of each `.mjs` script they name, so an edited script or a new
 * command asks again. Approvals live in the user's own config folder, never
 * in the repository (a commit could otherwise approve itself).
 */
export function approvalsFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(env.HOME ?? homedir(), '.config');
  return join(base, 'pwt', 'approved-hooks.json');
}

interface Approvals {
  version: 1;
  /** main worktree path -> approved hook-set hashes, newest last */
  repositories: Record<string, string[]>;
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

export function recordApproval(mainPath: string, hash: string, env: NodeJS.ProcessEnv = process.env): void {
  const file = approvalsFile(env);
  const approvals = readApprovals(file);
  const list = (approvals.repositories[mainPath] ?? []).filter((each) => each !== hash);
  approvals.repositories[mainPath] = [...list, hash].slice(-KEEP_PER_REPOSITORY);
  mkdirSync(join(file, '..'), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(approvals, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}
