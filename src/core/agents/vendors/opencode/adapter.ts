import { opencodeUsage, usageOfFiles } from '../usage.js';
import { usageError } from '../../../infra/errors.js';
import { detectCli, isRecord, newestFirst, realCwd, sessionNotFound, toIso } from '../common.js';
import { opencodeLimit } from './limit.js';
import { databaseSession, databaseSessions, dataDir, legacySession, legacySessions, sessionFiles, type RawMessage, type RawSession } from './store.js';
import type { Adapter, AgentSessionInfo, CommandSpec, ToolCall, Transcript, TranscriptMessage } from '../types.js';

/**
 * opencode (npm opencode-ai). It cannot take a session id up front: the id is
 * the first top-level session created for the directory after the spawn.
 * opencode takes its directory from $PWD before process.cwd() (cli/cmd/run.ts),
 * so every command sets PWD to the worktree. `opencode run` quotes argv
 * words that contain spaces before storing them, so headless prompts go on
 * stdin, which it reads when stdin is not a TTY.
 */

/** Parts that carry conversation: text and tool calls (call and result live in one part). */
function normalizeMessage(message: RawMessage): TranscriptMessage | null {
  const role = message.info.role;
  if (role !== 'user' && role !== 'assistant') return null;
  // A compaction summary is an assistant message opencode writes for itself.
  if (message.info.summary === true) return null;
  const texts: string[] = [];
  const tools: ToolCall[] = [];
  for (const part of message.parts) {
    // synthetic/ignored text parts are context opencode injected (file contents, reminders).
    if (part.type === 'text' && typeof part.text === 'string' && !part.synthetic && !part.ignored) texts.push(part.text);
    if (part.type === 'tool' && typeof part.tool === 'string') {
      const state = isRecord(part.state) ? part.state : {};
      const output = state.status === 'completed' ? state.output : state.status === 'error' ? state.error : '';
      tools.push({ name: part.tool, input: state.input ?? {}, output: typeof output === 'string' ? output : output == null ? '' : JSON.stringify(output) });
    }
  }
  const text = texts.join('\n').trim();
  if (!text && tools.length === 0) return null;
  const time = isRecord(message.info.time) ? message.info.time.created : undefined;
  return { role, text, tools: role === 'user' ? [] : tools, at: toIso(time) };
}

export function normalizeOpencode(messages: RawMessage[]): TranscriptMessage[] {
  return messages.map(normalizeMessage).filter((message): message is TranscriptMessage => message !== null);
}

/** The directory as opencode may have recorded it: the real path, and the path as given. */
function directoryKeys(cwd: string): string[] {
  return [...new Set([realCwd(cwd), cwd])];
}

async function sessionsFor(cwd: string, env?: NodeJS.ProcessEnv): Promise<RawSession[]> {
  const keys = directoryKeys(cwd);
  const fromDb = await databaseSessions(keys, env);
  const seen = new Set(fromDb.map((session) => session.id));
  const fromLegacy = legacySessions(env).filter((session) => !session.parentId && keys.includes(session.directory) && !seen.has(session.id));
  return [...fromDb, ...fromLegacy];
}

async function loadSession(id: string, env?: NodeJS.ProcessEnv) {
  return (await databaseSession(id, env)) ?? legacySession(id, env);
}

const withPwd = (cwd: string): Record<string, string> => ({ PWD: realCwd(cwd) });

const opencode: Adapter = {
  provider: 'opencode',
  binary: 'opencode',
  choosesId: false,
  detect: (env) => detectCli('opencode', env),
  home: (env) => dataDir(env),

  startCommand(opts): CommandSpec {
    const cwd = realCwd(opts.cwd);
    if (opts.headless) {
      if (!opts.prompt) throw usageError('opencode needs a prompt to run headless.', 'Pass --prompt "..."');
      return { cmd: 'opencode', args: ['run', ...(opts.name ? ['--title', opts.name] : [])], cwd, env: withPwd(cwd), stdin: opts.prompt };
    }
    return { cmd: 'opencode', args: opts.prompt ? ['--prompt', opts.prompt] : [], cwd, env: withPwd(cwd) };
  },

  resumeCommand(id, opts): CommandSpec {
    const cwd = realCwd(opts.cwd);
    if (opts.headless) {
      if (!opts.prompt) throw usageError('opencode needs a prompt to resume headless.', 'Pass --prompt "..."');
      return { cmd: 'opencode', args: ['run', '--session', id, '--dir', cwd], cwd, env: withPwd(cwd), stdin: opts.prompt };
    }
    return { cmd: 'opencode', args: ['--session', id, ...(opts.prompt ? ['--prompt', opts.prompt] : [])], cwd, env: withPwd(cwd) };
  },

  async captureSessionId(cwd, since, env) {
    const created = (await sessionsFor(cwd, env)).filter((session) => session.created >= since.getTime());
    created.sort((a, b) => a.created - b.created);
    return created[0]?.id ?? null;
  },

  async listSessions(cwd, env): Promise<AgentSessionInfo[]> {
    const infos: AgentSessionInfo[] = [];
    for (const session of await sessionsFor(cwd, env)) {
      const loaded = await loadSession(session.id, env);
      infos.push({
        provider: 'opencode',
        id: session.id,
        cwd: session.directory,
        startedAt: toIso(session.created),
        updatedAt: toIso(session.updated),
        messages: loaded ? normalizeOpencode(loaded.messages).length : 0,
        source: session.source,
      });
    }
    return newestFirst(infos);
  },

  async readTranscript(id, opts): Promise<Transcript> {
    const loaded = await loadSession(id, opts.env);
    if (!loaded) throw sessionNotFound('opencode', id, dataDir(opts.env));
    return { provider: 'opencode', id, messages: normalizeOpencode(loaded.messages) };
  },

  conversationFiles: (id, opts) => sessionFiles(id, opts.env),

  async readUsage(id, opts) {
    // Kept until the store changes (one cache file per session; any session's write reads it again).
    return usageOfFiles(
      `opencode ${dataDir(opts.env)} ${id}`,
      sessionFiles(id, opts.env),
      async () => {
        const loaded = await loadSession(id, opts.env);
        if (!loaded) throw sessionNotFound('opencode', id, dataDir(opts.env));
        return opencodeUsage(loaded.messages);
      },
      opts.env,
    );
  },

  async readLimit(id, opts) {
    const loaded = await loadSession(id, opts.env);
    if (!loaded) throw sessionNotFound('opencode', id, dataDir(opts.env));
    return opencodeLimit(loaded.messages);
  },
};

export default opencode;
