import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** pwt's npm package (`npm install -g parallel-worktrees`; the bare name `pwt` is someone else's). */
export const PACKAGE_NAME = 'parallel-worktrees';

let cached: string | null = null;

/**
 * The folder of pwt's own package.json (where hooks/, shell/ and templates/
 * ship). Found by walking up from this file, so it works from src/ under
 * vitest, from the bundled dist/, and from a global install.
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return (cached = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`pwt's package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
