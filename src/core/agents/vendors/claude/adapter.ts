import { claudeUsageRecord, lastPerId, totalUsage, usageOfFile } from '../usage.js';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { detectCli, homeOf, newestFirst, realCwd, sessionNotFound } from '../common.js';
import { claudeMessages, readClaudeHeader, readClaudeSession } from './transcript.js';
import type { Adapter, AgentSessionInfo, CommandSpec, ResumeOptions, StartOptions, Transcript, TranscriptMessage } from '../types.js';
import { claudeLimit } from './limit.js';

/**
 * Claude Code (`claude`, npm @anthropic-ai/claude-code). Sessions live in
 * `$CLAUDE_CONFIG_DIR` (default `~/.claude`) under
 * `projects/<realpath(cwd) with every non-alphanumeric char as '-'>/<id>.jsonl`;
 * names over 200 chars are cut and get a hash suffix. The encoding is lossy
 * (`/a/b-c` and `/a/b/c` share a folder), so every file is matched by the
 * `cwd` its records carry. pwt chooses the id (`--session-id`); resume is by
 * id and must run from the session's own cwd.
 */
const MAX_FOLDER_NAME = 200;
const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export function claudeHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.CLAUDE_CONFIG_DIR || join(homeOf(env), '.claude');
}

export function projectFolderName(cwd: string): string {
  return realCwd(cwd).replace(/[^a-zA-Z0-9]/g, '-');
}

/** Folders of `projects/` that can hold this cwd's sessions. */
function projectFolders(cwd: string, env: NodeJS.ProcessEnv): string[] {
  const projects = join(claudeHome(env), 'projects');
  const name = projectFolderName(cwd);
  if (name.length <= MAX_FOLDER_NAME) return [join(projects, name)];
  const prefix = name.slice(0, MAX_FOLDER_NAME);
  return listDir(projects)
    .filter((entry) => entry.startsWith(prefix))
    .map((entry) => join(projects, entry));
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Top-level `<id>.jsonl` files (subagent transcripts sit in subfolders or are named agent-*.jsonl). */
function sessionFiles(folder: string): string[] {
  return listDir(folder)
    .filter((entry) => entry.endsWith('.jsonl') && !entry.startsWith('agent-'))
    .map((entry) => join(folder, entry));
}

function idOf(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1, -'.jsonl'.length);
}

function findSessionFile(id: string, cwd: string | undefined, env: NodeJS.ProcessEnv): string | null {
  if (!SESSION_ID.test(id)) return null;
  const exists = (file: string) => {
    try {
      return statSync(file).isFile();
    } catch {
      return false;
    }
  };
  for (const folder of cwd ? projectFolders(cwd, env) : []) {
    const file = join(folder, `${id}.jsonl`);
    if (exists(file)) return file;
  }
  // Without a cwd (or not found there), any project folder may hold it.
  const projects = join(claudeHome(env), 'projects');
  for (const folder of listDir(projects)) {
    const file = join(projects, folder, `${id}.jsonl`);
    if (exists(file)) return file;
  }
  return null;
}

function command(args: string[], opts: { cwd: string; prompt?: string }, sessionId?: string): CommandSpec {
  // `--` keeps a prompt that starts with "-" from being read as a flag.
  const tail = opts.prompt ? ['--', opts.prompt] : [];
  return { cmd: 'claude', args: [...args, ...tail], cwd: opts.cwd, ...(sessionId ? { sessionId } : {}) };
}

async function* streamClaude(id: string, { cwd, env = process.env }: { cwd?: string; env?: NodeJS.ProcessEnv }): AsyncGenerator<TranscriptMessage> {
  const file = findSessionFile(id, cwd, env);
  if (!file) throw sessionNotFound('claude', id, join(claudeHome(env), 'projects'));
  yield* claudeMessages(file, { cwd: null, sessionId: null, startedAt: null, updatedAt: null });
}

const claude: Adapter = {
  provider: 'claude',
  binary: 'claude',
  choosesId: true,
  detect: (env) => detectCli('claude', env),
  home: (env) => claudeHome(env),

  startCommand(opts: StartOptions): CommandSpec {
    const args = opts.headless ? ['-p'] : [];
    if (opts.sessionId) args.push('--session-id', opts.sessionId);
    if (opts.name) args.push('--name', opts.name);
    return command(args, opts, opts.sessionId);
  },

  resumeCommand(id: string, opts: ResumeOptions): CommandSpec {
    return command([...(opts.headless ? ['-p'] : []), '--resume', id], opts, id);
  },

  async captureSessionId(cwd, since, env = process.env) {
    const want = realCwd(cwd);
    let best: { id: string; started: number } | null = null;
    for (const folder of projectFolders(cwd, env)) {
      for (const file of sessionFiles(folder)) {
        // A file last written before the spawn cannot be a session started after it.
        if ((statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) < since.getTime()) continue;
        const header = await readClaudeHeader(file);
        const started = Date.parse(header.startedAt ?? '');
        if (header.cwd !== want || !(started >= since.getTime())) continue;
        if (!best || started < best.started) best = { id: header.sessionId ?? idOf(file), started };
      }
    }
    return best?.id ?? null;
  },

  async listSessions(cwd, env = process.env) {
    const want = realCwd(cwd);
    const sessions: AgentSessionInfo[] = [];
    for (const folder of projectFolders(cwd, env)) {
      for (const file of sessionFiles(folder)) {
        const read = await readClaudeSession(file);
        if (read.cwd !== want || read.messages.length === 0) continue;
        sessions.push({
          provider: 'claude',
          id: idOf(file),
          cwd: want,
          startedAt: read.startedAt,
          updatedAt: read.updatedAt,
          messages: read.messages.length,
          source: file,
        });
      }
    }
    return newestFirst(sessions);
  },

  async readTranscript(id, opts): Promise<Transcript> {
    const messages: TranscriptMessage[] = [];
    for await (const message of streamClaude(id, opts)) messages.push(message);
    return { provider: 'claude', id, messages };
  },

  streamTranscript: (id, opts) => streamClaude(id, opts),

  conversationFiles: (id, { cwd, env = process.env }) => [findSessionFile(id, cwd, env)].filter((file) => file !== null),

  async readUsage(id, { cwd, env = process.env }) {
    const file = findSessionFile(id, cwd, env);
    if (!file) throw sessionNotFound('claude', id, join(claudeHome(env), 'projects'));
    return usageOfFile(file, async (path) => totalUsage(await lastPerId(path, claudeUsageRecord, (line) => line.includes('"usage"'))), env);
  },

  async readLimit(id, { cwd, env = process.env }) {
    const file = findSessionFile(id, cwd, env);
    if (!file) throw sessionNotFound('claude', id, join(claudeHome(env), 'projects'));
    return claudeLimit(file);
  },
};

export default claude;
