import { codexUsage, usageOfFile } from '../usage.js';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { detectCli, homeOf, newestFirst, realCwd, sessionNotFound } from '../common.js';
import { codexMessages, readCodexMeta, readCodexSession } from './transcript.js';
import type { Adapter, AgentSessionInfo, CommandSpec, ResumeOptions, StartOptions, Transcript, TranscriptMessage } from '../types.js';
import { codexLimit } from './limit.js';

/**
 * OpenAI Codex CLI (`codex`, npm @openai/codex). Sessions ("rollouts") live in
 * `$CODEX_HOME` (default `~/.codex`) as
 * `sessions/YYYY/MM/DD/rollout-<local time>-<uuid>.jsonl[.zst]`; archived ones
 * in `archived_sessions/`. The id cannot be chosen: it is captured as the
 * first rollout for the cwd (its `session_meta`) started after the spawn, or
 * read from `codex exec --json` (`thread.started`). The files are the source
 * of truth here; the `state_5.sqlite` index is not needed to find them.
 */
const ROLLOUT = /^rollout-.*?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl(\.zst)?$/i;
const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export function codexHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.CODEX_HOME || join(homeOf(env), '.codex');
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Rollout files, oldest day first; `fromDay` (YYYY-MM-DD) skips older day folders. */
function rolloutFiles(env: NodeJS.ProcessEnv, fromDay = ''): string[] {
  const root = join(codexHome(env), 'sessions');
  const files: string[] = [];
  for (const year of listDir(root)) {
    if (year < fromDay.slice(0, 4)) continue;
    for (const month of listDir(join(root, year))) {
      if (`${year}-${month}` < fromDay.slice(0, 7)) continue;
      for (const day of listDir(join(root, year, month))) {
        if (`${year}-${month}-${day}` < fromDay) continue;
        const dir = join(root, year, month, day);
        for (const name of listDir(dir)) if (ROLLOUT.test(name)) files.push(join(dir, name));
      }
    }
  }
  return files;
}

function findRollout(id: string, env: NodeJS.ProcessEnv): string | null {
  if (!SESSION_ID.test(id)) return null;
  const archived = join(codexHome(env), 'archived_sessions');
  const candidates = [...rolloutFiles(env), ...listDir(archived).map((name) => join(archived, name))];
  const matches = candidates.filter((file) => ROLLOUT.exec(file.slice(file.lastIndexOf('/') + 1))?.[1]?.toLowerCase() === id.toLowerCase());
  // Prefer the plain file when a compressed copy also exists.
  return matches.find((file) => file.endsWith('.jsonl')) ?? matches[0] ?? null;
}

/** The thread id a `codex exec --json` run printed (`{"type":"thread.started","thread_id":...}`), or null. */
export function threadIdFromExecJson(stdout: string): string | null {
  for (const line of stdout.split('\n')) {
    try {
      const event: unknown = JSON.parse(line);
      if (event && typeof event === 'object' && (event as { type?: unknown }).type === 'thread.started') {
        const id = (event as { thread_id?: unknown }).thread_id;
        if (typeof id === 'string') return id;
      }
    } catch {
      // not an event line
    }
  }
  return null;
}

function command(args: string[], opts: { cwd: string; prompt?: string; headless?: boolean }, sessionId?: string): CommandSpec {
  const tail = opts.prompt ? ['--', opts.prompt] : [];
  const spec: CommandSpec = { cmd: 'codex', args: [...args, ...tail], cwd: opts.cwd, ...(sessionId ? { sessionId } : {}) };
  // `codex exec` also reads stdin when it is not a terminal ("Reading additional input from stdin"): give it an empty one.
  if (opts.headless) spec.stdin = '';
  return spec;
}

// The TUI starts a background daemon that outlives it unless this feature is off.
const TUI_FLAGS = ['--disable', 'daemon_auto_start'];

async function* streamCodex(id: string, { env = process.env }: { cwd?: string; env?: NodeJS.ProcessEnv }): AsyncGenerator<TranscriptMessage> {
  const file = findRollout(id, env);
  if (!file) throw sessionNotFound('codex', id, join(codexHome(env), 'sessions'));
  yield* codexMessages(file, { id: null, cwd: null, startedAt: null, subagent: false, updatedAt: null });
}

const codex: Adapter = {
  provider: 'codex',
  binary: 'codex',
  choosesId: false,
  detect: (env) => detectCli('codex', env),
  home: (env) => codexHome(env),

  startCommand(opts: StartOptions): CommandSpec {
    return command(opts.headless ? ['exec'] : [...TUI_FLAGS], opts);
  },

  resumeCommand(id: string, opts: ResumeOptions): CommandSpec {
    return command(opts.headless ? ['exec', 'resume', id] : [...TUI_FLAGS, 'resume', id], opts, id);
  },

  async captureSessionId(cwd, since, env = process.env) {
    const want = realCwd(cwd);
    // Day folders use the CLI's local time: start a day early to cover any time zone.
    const fromDay = new Date(since.getTime() - 86_400_000).toISOString().slice(0, 10);
    let best: { id: string; started: number } | null = null;
    for (const file of rolloutFiles(env, fromDay)) {
      const meta = await readCodexMeta(file);
      const started = Date.parse(meta?.startedAt ?? '');
      if (!meta?.id || meta.subagent || meta.cwd !== want || !(started >= since.getTime())) continue;
      if (!best || started < best.started) best = { id: meta.id, started };
    }
    return best?.id ?? null;
  },

  async listSessions(cwd, env = process.env) {
    const want = realCwd(cwd);
    const sessions: AgentSessionInfo[] = [];
    for (const file of rolloutFiles(env)) {
      const meta = await readCodexMeta(file);
      if (!meta?.id || meta.subagent || meta.cwd !== want) continue;
      const read = await readCodexSession(file);
      if (read.messages.length === 0) continue;
      sessions.push({
        provider: 'codex',
        id: meta.id,
        cwd: want,
        startedAt: meta.startedAt,
        updatedAt: read.updatedAt,
        messages: read.messages.length,
        source: file,
      });
    }
    return newestFirst(sessions);
  },

  async readUsage(id, { env = process.env }) {
    const file = findRollout(id, env);
    if (!file) throw sessionNotFound('codex', id, join(codexHome(env), 'sessions'));
    return usageOfFile(file, codexUsage, env);
  },

  async readLimit(id, { env = process.env }) {
    const file = findRollout(id, env);
    if (!file) throw sessionNotFound('codex', id, join(codexHome(env), 'sessions'));
    return codexLimit(file);
  },

  async readTranscript(id, opts): Promise<Transcript> {
    const messages: TranscriptMessage[] = [];
    for await (const message of streamCodex(id, opts)) messages.push(message);
    return { provider: 'codex', id, messages };
  },

  streamTranscript: (id, opts) => streamCodex(id, opts),

  conversationFiles: (id, { env = process.env }) => [findRollout(id, env)].filter((file) => file !== null),
};

export default codex;
