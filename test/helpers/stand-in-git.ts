import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A stand-in `git` for the crash tests, put first on PATH: it counts the gits
 * a pwt (a `cli.cjs` process) starts and, at the CRASH_KILL_AT-th, kills that
 * pwt with SIGKILL instead of running git. Gits started inside tmux (an
 * agent, or a pwt hook an agent runs) are neither counted nor cut: only the
 * pwt under test is. Each counted call is logged, "K args", to
 * `$CRASH_COUNTER.log` (CRASH_KILL_AT=0 logs without cutting). With `tmux`,
 * a stand-in tmux beside it logs pwt's tmux calls there too ("tmux args"),
 * in order, and runs them.
 */
export const REAL_GIT = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();

/** Sets $target to the pid of the pwt under test that started this process (empty inside tmux, or with no pwt above). */
const FIND_PWT = `  pid=$$
  target=
  while [ "$pid" -gt 1 ]; do
    pid=$(sed 's/.*) [A-Za-z] \\([0-9]*\\) .*/\\1/' /proc/$pid/stat)
    line=$(tr '\\0' ' ' < /proc/$pid/cmdline 2>/dev/null)
    case "$line" in
      tmux*|*/tmux\\ *) target=; break ;;
      *cli.cjs*) [ -z "$target" ] && target=$pid ;;
    esac
  done`;

export function standInGit(dir: string, opts: { tmux?: boolean } = {}): string {
  mkdirSync(dir, { recursive: true });
  const script = `#!/bin/sh
if [ -n "$CRASH_KILL_AT" ]; then
${FIND_PWT}
  if [ -n "$target" ]; then
    # Numbered and logged under one lock: gits pwt runs at once log in the order of their numbers.
    n=$(flock "$CRASH_COUNTER.lock" sh -c 'n=$(( $(cat "$1" 2>/dev/null || echo 0) + 1 )); echo $n > "$1"; shift; printf "%s %s\\n" "$n" "$*" >> "$CRASH_COUNTER.log"; echo $n' sh "$CRASH_COUNTER" "$@")
    if [ "$n" -eq "$CRASH_KILL_AT" ]; then kill -9 "$target"; exit 137; fi
  fi
fi
exec ${REAL_GIT} "$@"
`;
  writeFileSync(join(dir, 'git'), script);
  chmodSync(join(dir, 'git'), 0o755);
  if (opts.tmux) {
    const tmux = execFileSync('sh', ['-c', 'command -v tmux'], { encoding: 'utf8' }).trim();
    const logger = `#!/bin/sh
if [ -n "$CRASH_KILL_AT" ]; then
${FIND_PWT}
  [ -n "$target" ] && flock "$CRASH_COUNTER.lock" sh -c 'printf "tmux %s\\n" "$*" >> "$0"' "$CRASH_COUNTER.log" "$@"
fi
exec ${tmux} "$@"
`;
    writeFileSync(join(dir, 'tmux'), logger);
    chmodSync(join(dir, 'tmux'), 0o755);
  }
  return dir;
}

/** Subcommands that only read: a cut before one leaves the same state on disk as a cut before the next call that writes. */
const READS = new Set([
  'rev-parse',
  'status',
  'log',
  'show',
  'for-each-ref',
  'diff',
  'diff-tree',
  'diff-index',
  'diff-files',
  'merge-base',
  'cat-file',
  'ls-files',
  'ls-tree',
  'rev-list',
  'show-ref',
  'var',
  'check-ref-format',
  'check-ignore',
  'describe',
  'name-rev',
  'cherry',
  'version',
  'ls-remote',
]);

/**
 * Whether a logged git call ("K args") may change something: anything not
 * known to only read counts as a change (config, worktree and branch only
 * when they are not listing).
 */
export function gitMayWrite(args: string[]): boolean {
  let i = 0;
  while (i < args.length && (args[i] as string).startsWith('-')) i += args[i] === '-C' || args[i] === '-c' ? 2 : 1;
  const sub = args[i] ?? '';
  const rest = args.slice(i + 1);
  if (READS.has(sub)) return false;
  if (sub === 'worktree') return rest[0] !== 'list';
  if (sub === 'config') return !rest.some((arg) => arg.startsWith('--get') || arg === '--list' || arg === '-l');
  if (sub === 'branch') return !rest.some((arg) => arg === '--list' || arg === '--show-current' || arg.startsWith('--format'));
  if (sub === 'symbolic-ref') return rest.filter((arg) => !arg.startsWith('-')).length > 1;
  if (sub === 'stash') return rest[0] !== 'list';
  if (sub === 'reflog') return rest[0] !== undefined && rest[0] !== 'show';
  return true;
}

/** tmux commands that change something (a window, a key sent, an option). */
const TMUX_WRITES = new Set([
  'new-window',
  'new-session',
  'send-keys',
  'kill-window',
  'kill-pane',
  'kill-session',
  'kill-server',
  'respawn-pane',
  'respawn-window',
  'set-option',
  'set-environment',
  'load-buffer',
  'paste-buffer',
  'attach-session',
  'switch-client',
]);

/**
 * The gits of a logged run worth cutting before: each that may write, and
 * the first after a tmux call that changed something (the harness cannot cut
 * at tmux, and what it changed is on no file). Before any other git the state
 * is the one before the next cut: only reads lie between. Returns the numbers
 * of the gits to cut and how many gits there were.
 */
export function gitsToCut(log: string): { cut: number[]; gits: number } {
  const cut: number[] = [];
  let gits = 0;
  let afterTmux = false;
  for (const line of log.split('\n')) {
    const words = line.split(' ');
    if (words[0] === 'tmux') {
      if (words.some((word) => TMUX_WRITES.has(word))) afterTmux = true;
      continue;
    }
    // A line that does not start with its number is the rest of an argument with a newline in it.
    if (!/^\d+$/.test(words[0] ?? '')) continue;
    gits++;
    if (Number(words[0]) !== gits) throw new Error(`git #${gits} is logged as #${words[0]}`);
    if (afterTmux || gitMayWrite(words.slice(1))) cut.push(gits);
    afterTmux = false;
  }
  return { cut, gits };
}
