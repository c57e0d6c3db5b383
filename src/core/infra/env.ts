/**
 * Every environment variable pwt reads or sets, documented once. Code reads
 * them through these names; test/architecture.test.ts fails on a `PWT_`
 * name used in src/ that is not listed here.
 */
export const PWT_ENV = {
  /** Where sessions live (absolute, or relative to the main worktree); wins over `sessionsDir` in .pwt.json. */
  sessionsDir: 'PWT_SESSIONS_DIR',
  /** `0`: the git hooks do nothing (checked first by hooks/dispatch.sh, and by `pwt hooks status`). */
  hooks: 'PWT_HOOKS',
  /**
   * `1`: every program pwt starts (git, gh, tmux, ssh, a project hook...) is traced on stderr, one line
   * each with its folder; the git hooks also trace what they decide, and a hook's unexpected error
   * prints its stack.
   */
  debug: 'PWT_DEBUG',
  /** `1`: the pre-push hook lets a session branch be pushed onto its base (protectBase). */
  allowBasePush: 'PWT_ALLOW_BASE_PUSH',
  /** Set by pwt while it runs `git worktree add` itself, so the post-checkout hook does not adopt that worktree too. */
  creating: 'PWT_CREATING',
  /** Exported by the shell functions (bash, zsh, fish): they are loaded, so pwt skips its setup tip; names the shell. */
  shell: 'PWT_SHELL',
  /** Set by `pstart` for one `pwt create`: a temp file pwt writes the new session's path to (a raw path, never shell code). */
  cdFile: 'PWT_CD_FILE',
  /** Milliseconds to wait for a lock (the manifest's, the worktree-add lock) before giving up, instead of each lock's own default; tests shorten it. */
  lockTimeoutMs: 'PWT_LOCK_TIMEOUT_MS',
  /** A file ssh reads instead of ~/.ssh/config when pwt reaches a host (`ssh -F`); unset: the user's normal ssh setup. */
  sshConfig: 'PWT_SSH_CONFIG',
  /** Milliseconds a host may take to answer (connection and reply) before pwt counts it unreachable; default 5000. */
  hostTimeoutMs: 'PWT_HOST_TIMEOUT_MS',
  /**
   * `0`: open, sync and the end-of-session commands spawn git and gh directly instead of through zx (for
   * a machine where zx cannot run, and to measure what zx costs: bench/remove.bench.mjs).
   */
  zx: 'PWT_ZX',
  /**
   * Fault injection for tests: `manifest-write` fails the manifest write after the temp file (a rollback
   * test); `kill-before-change:K` kills pwt (SIGKILL) right before its K-th file change
   * (infra/atomic.ts: the crash tests).
   */
  fault: 'PWT_FAULT',
  // Set for the commands pwt runs for a repository: project hooks (`.pwt.json`
  // hooks) and `pwt run compare --check CMD`.
  /** Project hooks: the event (post-create, pre-merge, pre-pr, pre-remove, post-remove). */
  hook: 'PWT_HOOK',
  /** run compare --check: the run's name. */
  run: 'PWT_RUN',
  /** run compare --check: the provider of that worktree's agent. */
  provider: 'PWT_PROVIDER',
  /** Both: the session's name. */
  session: 'PWT_SESSION',
  /** Both: the session's worktree path. */
  path: 'PWT_PATH',
  /** Both: the session's branch. */
  branch: 'PWT_BRANCH',
  /** Project hooks: the session's base. */
  base: 'PWT_BASE',
  /** Both: the main worktree's path. */
  main: 'PWT_MAIN',
} as const;

export type PwtEnvName = (typeof PWT_ENV)[keyof typeof PWT_ENV];

/** A PWT_* switch is on when it is exactly `1`. */
export const isOn = (name: PwtEnvName, env: NodeJS.ProcessEnv = process.env): boolean => env[name] === '1';
