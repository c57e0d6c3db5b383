import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { preconditionError } from './errors.js';

/**
 * Whether pwt may write where a step will write, checked before the first
 * change: a read-only sessions folder found halfway (a worktree's files
 * deleted, then its folder refused) leaves a half-done state behind.
 */
function nearestExisting(path: string): string {
  let at = path;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  return at;
}

/** The first of these folders (or the nearest folder that exists above one) that pwt cannot write to, or null. */
export function notWritable(paths: string[]): string | null {
  for (const path of paths) {
    const at = nearestExisting(path);
    try {
      accessSync(at, constants.W_OK);
    } catch {
      return at;
    }
  }
  return null;
}

export function assertWritable(paths: string[], doing: string): void {
  const at = notWritable(paths);
  if (at)
    throw preconditionError(
      `${at} is not writable, and ${doing} writes there. Nothing was changed.`,
      'Make it writable (chmod u+w, chattr -i, or remount it read-write), then run the command again.',
    );
}
