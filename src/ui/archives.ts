import type { ArchiveEntry } from '../core/sessions/archive.js';

/** One line on what an archive holds: its reason, commits, uncommitted files, where it came from. */
export function describeArchive(entry: ArchiveEntry): string {
  const { meta } = entry;
  const commits = meta.tip
    ? `branch at ${meta.tip.slice(0, 10)}${meta.head !== meta.tip ? `, worktree at ${meta.head.slice(0, 10)}` : ''}`
    : `worktree at ${meta.head.slice(0, 10)} (branch gone)`;
  const work = meta.dirty
    ? `${meta.changed ?? 'some'} uncommitted or untracked file(s)`
    : meta.fromWorktree === false
      ? 'the branch only (no worktree was left)'
      : 'no uncommitted work';
  const kept = meta.kept?.length ? `, ${meta.kept.length} more commit(s) kept` : '';
  return `${meta.reason}: ${commits}; ${work}${kept}`;
}
