import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { preconditionError, usageError } from '../../../infra/errors.js';
import { runProcess as run } from '../../../infra/process.js';
import { detectCli, homeOf, isRecord, newestFirst, realCwd, sessionNotFound, textOf, toIso } from '../common.js';
import { readJsonl } from '../jsonl.js';
import type { Adapter, AgentSessionInfo, CommandSpec, ToolCall, Transcript, TranscriptMessage } from '../types.js';

/**
 * Cursor's agent CLI (`cursor-agent`, installed by Cursor's curl script, not
 * on npm, so no test here can run it). What is known comes from third-party
 * reports: transcripts live in
 * `~/.cursor/projects/<slug>/agent-transcripts/<id>/<id>.jsonl` (older builds:
 * `agent-transcripts/<id>.jsonl`), slug = the real cwd without its leading `/`
 * and every other non-alphanumeric character as `-`. Lines are
 * `{role, message: {content: [blocks]}}` in Anthropic's block shape, without
 * times or a cwd; the user's words sit inside `<user_query>` and anything
 * around them is context Cursor injected. `cursor-agent create-chat` prints a
 * new id that `--resume <id>` then starts, which is how pwt picks the id.
 */
export function cursorHome(env: NodeJS.ProcessEnv = process.env): string {
  return join(homeOf(env), '.cursor');
}

export function cursorSlug(cwd: string): string {
  return cwd.replace(/^\//, '').replace(/[^A-Za-z0-9]/g, '-');
}

function transcriptsDir(cwd: string, env?: NodeJS.ProcessEnv): string {
  return join(cursorHome(env), 'projects', cursorSlug(realCwd(cwd)), 'agent-transcripts');
}

/** id -> transcript file, for both layouts. */
function transcriptFiles(cwd: string, env?: NodeJS.ProcessEnv): Map<string, string> {
  const dir = transcriptsDir(cwd, env);
  const files = new Map<string, string>();
  if (!existsSync(dir)) return files;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && existsSync(join(dir, entry.name, `${entry.name}.jsonl`))) files.set(entry.name, join(dir, entry.name, `${entry.name}.jsonl`));
    else if (entry.isFile() && entry.name.endsWith('.jsonl')) files.set(entry.name.slice(0, -'.jsonl'.length), join(dir, entry.name));
  }
  return files;
}

/**
 * The user's own words: the inside of <user_query>; without one, the text
 * left after removing whole <snake_case>...</snake_case> blocks (the context
 * Cursor injects: <user_info>, <attached_files>, ...).
 */
function userQuery(text: string): string {
  const match = text.match(/<user_query>([\s\S]*?)<\/user_query>/);
  if (match) return (match[1] ?? '').trim();
  return text.replace(/<([a-z_]+)>[\s\S]*?<\/\1>/g, '').trim();
}

export async function readCursorTranscript(file: string): Promise<TranscriptMessage[]> {
  const messages: TranscriptMessage[] = [];
  const calls = new Map<string, ToolCall>();
  for await (const line of readJsonl(file)) {
    const role = line.role;
    const blocks = isRecord(line.message) && Array.isArray(line.message.content) ? line.message.content : [];
    const texts: string[] = [];
    const tools: ToolCall[] = [];
    for (const block of blocks) {
      if (!isRecord(block)) continue;
      if (block.type === 'text' && typeof block.text === 'string') texts.push(role === 'user' ? userQuery(block.text) : block.text);
      if (block.type === 'tool_use' && typeof block.name === 'string') {
        const call: ToolCall = { name: block.name, input: block.input ?? {}, output: '' };
        if (typeof block.id === 'string') calls.set(block.id, call);
        tools.push(call);
      }
      if (block.type === 'tool_result' && typeof block.tool_use_id === 'string') {
        const call = calls.get(block.tool_use_id);
        if (call) call.output = textOf(block.content);
      }
    }
    const text = texts.filter(Boolean).join('\n').trim();
    if (role === 'user' && text) messages.push({ role: 'user', text, tools: [], at: null });
    if (role === 'assistant' && (text || tools.length > 0)) messages.push({ role: 'assistant', text, tools, at: null });
  }
  return messages;
}

function chatArgs(prompt: string | undefined, headless: boolean | undefined): string[] {
  if (headless && !prompt) throw usageError('cursor-agent needs a prompt to run headless.', 'Pass --prompt "..."');
  return [...(headless ? ['-p'] : []), ...(prompt ? [prompt] : [])];
}

const cursor: Adapter = {
  provider: 'cursor',
  binary: 'cursor-agent',
  choosesId: false,
  detect: (env) => detectCli('cursor-agent', env),
  home: (env) => cursorHome(env),

  startCommand(opts): CommandSpec {
    const cwd = realCwd(opts.cwd);
    // An id from createSession (cursor-agent create-chat) is started with --resume.
    const resume = opts.sessionId ? ['--resume', opts.sessionId] : [];
    return { cmd: 'cursor-agent', args: [...resume, ...chatArgs(opts.prompt, opts.headless)], cwd, ...(opts.sessionId ? { sessionId: opts.sessionId } : {}) };
  },

  resumeCommand(id, opts): CommandSpec {
    return { cmd: 'cursor-agent', args: ['--resume', id, ...chatArgs(opts.prompt, opts.headless)], cwd: realCwd(opts.cwd) };
  },

  async createSession(cwd, env) {
    const result = await run('cursor-agent', ['create-chat'], { cwd: realCwd(cwd), env });
    const id = result.stdout.trim().split(/\s+/).pop() ?? '';
    if (result.code !== 0 || !id)
      throw preconditionError(`cursor-agent create-chat failed: ${(result.stderr || result.stdout).trim()}`, 'Run cursor-agent login, then try again.');
    return id;
  },

  async captureSessionId(cwd, since, env) {
    // No times inside the records: the transcript folder's birth time stands in.
    const fresh = [...transcriptFiles(cwd, env)]
      .map(([id, file]) => ({ id, born: statSync(file).birthtimeMs || statSync(file).mtimeMs }))
      .filter((each) => each.born >= since.getTime());
    fresh.sort((a, b) => a.born - b.born);
    return fresh[0]?.id ?? null;
  },

  async listSessions(cwd, env): Promise<AgentSessionInfo[]> {
    const infos: AgentSessionInfo[] = [];
    for (const [id, file] of transcriptFiles(cwd, env)) {
      const stat = statSync(file);
      infos.push({
        provider: 'cursor',
        id,
        cwd: realCwd(cwd),
        startedAt: toIso(stat.birthtimeMs || stat.mtimeMs),
        updatedAt: toIso(stat.mtimeMs),
        messages: (await readCursorTranscript(file)).length,
        source: file,
      });
    }
    return newestFirst(infos);
  },

  async readTranscript(id, opts): Promise<Transcript> {
    const found = findTranscript(id, opts);
    if (!found) throw sessionNotFound('cursor', id, join(cursorHome(opts.env), 'projects'));
    return { provider: 'cursor', id, messages: await readCursorTranscript(found) };
  },

  conversationFiles: (id, opts) => [findTranscript(id, opts)].filter((file) => file !== undefined),
};

/** The transcript of `id`: in cwd's project folder first, else in any. */
function findTranscript(id: string, opts: { cwd?: string; env?: NodeJS.ProcessEnv }): string | undefined {
  return (opts.cwd ? transcriptFiles(opts.cwd, opts.env).get(id) : undefined) ?? findAnywhere(id, opts.env);
}

/** A transcript by id in any project folder (when the cwd is unknown or moved). */
function findAnywhere(id: string, env?: NodeJS.ProcessEnv): string | undefined {
  const projects = join(cursorHome(env), 'projects');
  if (!/^[\w-]+$/.test(id) || !existsSync(projects)) return undefined;
  for (const slug of readdirSync(projects)) {
    for (const candidate of [join(projects, slug, 'agent-transcripts', id, `${id}.jsonl`), join(projects, slug, 'agent-transcripts', `${id}.jsonl`)]) {
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

export default cursor;
