import { git } from './git.js';

/**
 * Reading what a branch did relative to its base: the commits it adds and
 * the lines it changes. Both compare against the merge base (`base..tip`,
 * `base...tip`), so commits the base gained since do not count as the
 * branch's (gitrevisions(7), "Dotted Range Notations").
 */
export interface CommitLine {
  sha: string;
  subject: string;
}

/** Commits reachable from `tip` but not from `base`, newest first. */
export async function commitsBetween(cwd: string, base: string, tip: string): Promise<CommitLine[]> {
  const out = await git(cwd, ['log', '-z', '--format=%H%x1f%s', `${base}..${tip}`, '--']);
  return out
    .split('\0')
    .filter(Boolean)
    .map((record) => {
      const [sha = '', subject = ''] = record.replace(/^\n/, '').split('\x1f');
      return { sha, subject };
    });
}

export interface FileStat {
  path: string;
  /** Lines added and removed; null for a binary file. */
  added: number | null;
  removed: number | null;
}

/**
 * Per file, the lines `tip` changed since its merge base with `base`.
 * `--numstat -z` prints "added TAB removed TAB path NUL" ("-" for binary
 * files); renames are listed as a delete and an add (--no-renames) so every
 * entry has one path.
 */
export async function diffNumstat(cwd: string, base: string, tip: string): Promise<FileStat[]> {
  const out = await git(cwd, ['diff', '--numstat', '-z', '--no-renames', '--no-ext-diff', `${base}...${tip}`, '--']);
  const stats: FileStat[] = [];
  for (const record of out.split('\0')) {
    const match = /^(-|\d+)\t(-|\d+)\t([\s\S]+)$/.exec(record.replace(/^\n/, ''));
    if (!match) continue;
    const [, added = '-', removed = '-', path = ''] = match;
    stats.push({ path, added: added === '-' ? null : Number(added), removed: removed === '-' ? null : Number(removed) });
  }
  return stats;
}
