import type { CommandDef } from 'citty';

/**
 * Commands load lazily so a fast command never pays for a slow one's imports.
 * `pwt complete` reads this table, so src/main.ts loads it, not this file.
 */
type Loader = () => Promise<CommandDef<any>>;

export const commands: Record<string, Loader> = {
  create: () => import('./create.js').then((m) => m.default),
  status: () => import('./status.js').then((m) => m.default),
  path: () => import('./path.js').then((m) => m.default),
  context: () => import('./context.js').then((m) => m.default),
  doctor: () => import('./doctor.js').then((m) => m.default),
  remove: () => import('./remove.js').then((m) => m.default),
  cleanup: () => import('./cleanup.js').then((m) => m.default),
  restore: () => import('./restore.js').then((m) => m.default),
  archive: () => import('./archive.js').then((m) => m.default),
  open: () => import('./open.js').then((m) => m.default),
  sync: () => import('./sync.js').then((m) => m.default),
  land: () => import('./land.js').then((m) => m.default),
  diff: () => import('./diff.js').then((m) => m.default),
  'shell-init': () => import('./shell-init.js').then((m) => m.default),
  templates: () => import('./templates.js').then((m) => m.default),
  hooks: () => import('./hooks.js').then((m) => m.default),
  agent: () => import('./agent.js').then((m) => m.default),
  run: () => import('./run.js').then((m) => m.default),
  watch: () => import('./watch.js').then((m) => m.default),
  host: () => import('./host.js').then((m) => m.default),
  mcp: () => import('./mcp.js').then((m) => m.default),
  // Hidden: what pwt's git hooks run (hooks/dispatch.sh).
  _hook: () => import('./hook.js').then((m) => m.default),
  // Hidden: the admission and hibernation loop pwt starts in its tmux server (core/agents/scheduler/).
  _scheduler: () => import('./scheduler.js').then((m) => m.default),
};

export const aliases: Record<string, string> = { ls: 'status', rm: 'remove' };

export const summaries: Record<string, string> = {
  create: 'Create a session: a worktree on its own branch',
  status: 'Sessions, their changes and orphans (alias: ls)',
  watch: 'Live view of every session and agent: who is working, who waits for you (--notify)',
  path: 'Print the path of a session (or the main worktree)',
  context: 'Where the current directory is: main, session or none',
  doctor: 'Check tools, manifest and lock',
  'shell-init': 'Print the shell integration (pcd, pstart, pend) for bash|zsh|fish; --install adds it to your rc file',
  templates: 'Workflow prompts for agents (dev-session.start/end, parallel.status): install',
  remove: 'End a session: pr, merge, keep or abandon (alias: rm)',
  cleanup: 'Find and repair orphans (missing or unregistered worktrees, stray folders)',
  restore: 'Bring back a removed or abandoned session from its archive',
  archive: 'Archives of ended sessions: list | prune (never the newest of a session)',
  open: 'A session on an existing branch (a kept session, a PR branch, a remote branch)',
  sync: "Bring the base's new commits into a session (merge or --rebase)",
  land: 'Land several sessions as a queue: each tested merged onto the others, the base moved once to a tested commit',
  diff: "A session's changes against its base, committed and uncommitted",
  hooks: 'Git hooks (post-checkout, pre-push): install | uninstall | status; project hooks: show | approve | revoke',
  agent: 'Agents in a session: start | list | attach | stop | resume | switch | new | rm | sessions | transcript',
  host: 'Machines reached over ssh where sessions and agents live: add | list | rm | doctor',
  run: 'Named runs of several agents: start | resume | stop | send | list | show | compare | pick | rm',
  mcp: 'pwt as an MCP server for agents (stdio); install <client> registers it in claude, codex, gemini, copilot, opencode',
};
