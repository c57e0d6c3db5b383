import { availableParallelism } from 'node:os';
import { aheadBehind, run } from './git.js';

/**
 * The status operations of the git door, built for many worktrees at once
 * with as few processes as possible (process creation, not git's own work, is
 * what many small git calls cost): one `for-each-ref` for every ahead/behind
 * count, and one shell per core running `git status` in a loop.
 */
export interface Counts {
  ahead: number;
  behind: number;
}

/** A branch (short name) and the full ref it is compared with (`refs/heads/main`). */
export interface TrackPair {
  branch: string;
  base: string;
}

/** The remote that exists only in `trackCounts`'s own git process (its name is unlikely to be configured). */
const COUNTS_REMOTE = 'pwt-counts';

/**
 * Ahead/behind of each branch against its base from one `git for-each-ref`.
 * Each branch's base is given to that one git process as where it pushes
 * (through GIT_CONFIG_COUNT/KEY/VALUE, so no name is parsed and nothing is
 * written to any config file): `branch.<b>.pushRemote` names a remote that
 * exists only there, whose push refspecs map each branch to its base and
 * whose fetch refspec maps every ref to itself; `%(push:track)` then has git
 * count both sides, as `git status` does for a tracking branch. The push
 * side, not the upstream: `branch.<b>.pushRemote` takes the last value given
 * (ours), while `branch.<b>.merge` is a list whose first entry wins, so a
 * branch pushed with `-u` (its upstream in the repository's config) would
 * not be counted. A branch whose base ref is missing is absent from the
 * result.
 */
export async function trackCounts(cwd: string, pairs: readonly TrackPair[]): Promise<Map<string, Counts>> {
  const counts = new Map<string, Counts>();
  if (pairs.length === 0) return counts;
  const env: NodeJS.ProcessEnv = { LC_ALL: 'C', LANGUAGE: 'C' }; // "ahead"/"behind" are translated otherwise
  let index = Number(process.env.GIT_CONFIG_COUNT) || 0; // keep the caller's own -c style settings
  const set = (key: string, value: string) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index++}`] = value;
  };
  set(`remote.${COUNTS_REMOTE}.fetch`, 'refs/*:refs/*');
  for (const { branch, base } of pairs) {
    set(`branch.${branch}.pushRemote`, COUNTS_REMOTE);
    set(`remote.${COUNTS_REMOTE}.push`, `refs/heads/${branch}:${base}`);
  }
  env.GIT_CONFIG_COUNT = String(index);
  const wanted = new Map(pairs.map((pair) => [`refs/heads/${pair.branch}`, pair]));
  const { stdout, code } = await run('git', ['for-each-ref', '--format=%(refname)%00%(push)%00%(push:track)', ...wanted.keys()], { cwd, env });
  if (code !== 0) return counts;
  for (const line of stdout.split('\n')) {
    const [ref = '', target, track = ''] = line.split('\0');
    const pair = wanted.get(ref);
    if (!pair || target !== pair.base || track.includes('gone')) continue;
    counts.set(pair.branch, { ahead: Number(/ahead (\d+)/.exec(track)?.[1] ?? 0), behind: Number(/behind (\d+)/.exec(track)?.[1] ?? 0) });
  }
  return counts;
}

/**
 * Ahead/behind per (base, head) commit pair, each pair computed once however
 * many sessions share it (fresh sessions, or ones whose base moved on while
 * they did nothing): the fallback for what `trackCounts` cannot answer.
 */
export function aheadBehindMemo(cwd: string): (base: string, head: string) => Promise<Counts | null> {
  const memo = new Map<string, Promise<Counts | null>>();
  return (base, head) => {
    if (base === head) return Promise.resolve({ ahead: 0, behind: 0 });
    const key = `${base}...${head}`;
    let result = memo.get(key);
    if (!result) memo.set(key, (result = aheadBehind(cwd, base, head)));
    return result;
  };
}

// --no-optional-locks: a status run in the background must not take the
// index lock from the user's own git. git's own preload threads
// (core.preloadIndex, one thread per 500 index entries) stay on: turning them
// off was measured slower on this 2-core machine while other work ran (10k
// files x 100 worktrees: 1.33x the sequential loop instead of 0.64x), as
// single-threaded loops get a smaller share of busy cores.
const STATUS_LOOP = `for d do
  git -C "$d" --no-optional-locks status --porcelain --untracked-files=normal 2>/dev/null
  echo "@@pwt-end $?"
done`;

/** One worktree's changes: how many paths `git status --porcelain` lists, and which of them are untracked folders. */
export interface Changes {
  count: number;
  /** Untracked folders as git lists them (`dir/`, relative, topmost only): where a nested repository would show. */
  untrackedDirs: string[];
}

/** A porcelain v1 path: C-quoted when it holds unusual characters (only the quotes are undone; escapes stay). */
const porcelainPath = (text: string) => (text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text);

/**
 * The changed paths (as `git status --porcelain` lists them, an untracked
 * folder once) in each of many worktrees, reported through `onChanges` as
 * each one finishes (null where git failed). One shell per core
 * runs git in a loop, worktrees dealt out in turn (0, 2, 4... and 1, 3,
 * 5...) so results arrive roughly in the given order. Folders reach the shell
 * as arguments, never as script text.
 */
export async function streamChanges(
  dirs: readonly string[],
  onChanges: (dir: string, changes: Changes | null) => void,
  loops = Math.max(1, availableParallelism()),
): Promise<void> {
  const batches = Array.from({ length: Math.min(loops, dirs.length) }, (_, loop) => dirs.filter((_, i) => i % loops === loop));
  await Promise.all(
    batches.map(async (batch) => {
      let index = 0;
      let current: Changes = { count: 0, untrackedDirs: [] };
      let rest = '';
      // Porcelain v1 quotes unusual paths, so every entry is one line.
      const onStdout = (text: string) => {
        const parts = (rest + text).split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) {
          const end = /^@@pwt-end (\d+)$/.exec(line);
          if (!end) {
            if (!line) continue;
            current.count++;
            if (line.startsWith('?? ')) {
              const path = porcelainPath(line.slice(3));
              if (path.endsWith('/')) current.untrackedDirs.push(path);
            }
            continue;
          }
          onChanges(batch[index++] as string, end[1] === '0' ? current : null);
          current = { count: 0, untrackedDirs: [] };
        }
      };
      await run('sh', ['-c', STATUS_LOOP, 'sh', ...batch], { cwd: process.cwd(), onStdout });
    }),
  );
}
