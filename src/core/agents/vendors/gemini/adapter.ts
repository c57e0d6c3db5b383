import { geminiUsageRecord, lastPerId, totalUsage, usageOfFile } from '../usage.js';
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from '../../../infra/errors.js';
import { cwdForms, detectCli, envDir, homeOf, isDir, isFile, newestFirst, realCwd, sessionNotFound, UUID } from '../common.js';
import { readGeminiChat, type GeminiConversation } from './records.js';
import { geminiMessages } from './transcript.js';
import type { Adapter, AgentSessionInfo, CommandSpec, ResumeOptions, StartOptions, Transcript, TranscriptMessage } from '../types.js';

/**
 * Gemini CLI (@google/gemini-cli). Chats live in
 * `<GEMINI_CLI_HOME or HOME>/.gemini/tmp/<project>/chats/session-<YYYY-MM-DDTHH-MM>-<id8>.jsonl`,
 * where <project> is the slug `~/.gemini/projects.json` maps the cwd to (its
 * basename, `-1`... on a clash; the folder also holds `.project_root`), or,
 * before 0.39, sha256(cwd) with single-JSON `.json` chats. Every header
 * carries `projectHash` = sha256(project root), which is what ties a file to a
 * folder. Several files can share an id (an interactive `--resume` in a later
 * minute starts a second file holding only a header, while the conversation
 * goes on in the first; measured with 0.61.0): the one with messages, then the
 * newest `lastUpdated`, is the session.
 */

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function geminiDir(env: NodeJS.ProcessEnv): string {
  return join(envDir(env, 'GEMINI_CLI_HOME') ?? homeOf(env), '.gemini');
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The project temp folders that may hold chats for one of these cwd spellings. */
function projectDirs(forms: Set<string>, env: NodeJS.ProcessEnv): string[] {
  const tmp = join(geminiDir(env), 'tmp');
  const dirs = new Set<string>();
  try {
    const registry = JSON.parse(readText(join(geminiDir(env), 'projects.json')) ?? '{}') as { projects?: Record<string, unknown> };
    for (const form of forms) {
      const slug = registry.projects?.[form];
      if (typeof slug === 'string' && slug && !slug.includes('/')) dirs.add(join(tmp, slug));
    }
  } catch {
    // An unreadable registry only loses the shortcut: the scan below still finds the folder.
  }
  for (const form of forms) dirs.add(join(tmp, sha256(form)));
  for (const name of listDir(tmp)) {
    const root = readText(join(tmp, name, '.project_root'))?.trim();
    if (root && forms.has(root)) dirs.add(join(tmp, name));
  }
  return [...dirs].filter(isDir);
}

const CHAT_FILE = /^session-.+\.jsonl?$/;

function chatFiles(dirs: string[], id8?: string): string[] {
  const files: string[] = [];
  for (const dir of dirs) {
    const chats = join(dir, 'chats');
    for (const name of listDir(chats)) {
      if (!CHAT_FILE.test(name)) continue;
      if (id8 && !name.replace(/\.jsonl?$/, '').endsWith(`-${id8}`)) continue;
      if (isFile(join(chats, name))) files.push(join(chats, name));
    }
  }
  return files;
}

/** What listing needs of one chat file; the messages themselves are not kept (files can be large). */
interface ChatSummary {
  file: string;
  sessionId: string;
  startTime: string | null;
  lastUpdated: string | null;
  messages: number;
}

/** Main (not subagent) chats in these files, one at a time; other projects' chats are left out by their header hash. */
async function* mainChats(files: string[], hashes: Set<string> | null): AsyncGenerator<GeminiConversation> {
  for (const file of files) {
    const chat = await readGeminiChat(file);
    if (!chat || chat.kind === 'subagent') continue;
    if (hashes && chat.projectHash && !hashes.has(chat.projectHash)) continue;
    yield chat;
  }
}

function summary(chat: GeminiConversation, messages: number): ChatSummary {
  return { file: chat.file, sessionId: chat.sessionId, startTime: chat.startTime, lastUpdated: chat.lastUpdated, messages };
}

async function summarize(files: string[], hashes: Set<string> | null): Promise<ChatSummary[]> {
  const summaries: ChatSummary[] = [];
  for await (const chat of mainChats(files, hashes)) summaries.push(summary(chat, geminiMessages(chat).length));
  return summaries;
}

/** One chat per id: among files sharing it, the one with messages, then the newest lastUpdated. */
function pickSessions(chats: ChatSummary[]): Map<string, ChatSummary> {
  const best = new Map<string, ChatSummary>();
  for (const chat of chats) {
    const current = best.get(chat.sessionId);
    if (!current || better(chat, current)) best.set(chat.sessionId, chat);
  }
  return best;
}

function better(a: ChatSummary, b: ChatSummary): boolean {
  if (a.messages > 0 !== b.messages > 0) return a.messages > 0;
  return (a.lastUpdated ?? '') > (b.lastUpdated ?? '');
}

const hashesOf = (cwd: string) => new Set([...cwdForms(cwd)].map(sha256));

async function sessionsFor(cwd: string, env: NodeJS.ProcessEnv): Promise<Map<string, ChatSummary>> {
  return pickSessions(await summarize(chatFiles(projectDirs(cwdForms(cwd), env)), hashesOf(cwd)));
}

function promptArgs(prompt: string | undefined, headless: boolean | undefined): string[] {
  if (headless && !prompt) throw usageError('A headless gemini run needs a prompt.', 'Pass the prompt to send (gemini -p "...").');
  if (!prompt) return [];
  // -p runs one prompt and exits; -i sends it and stays in the TUI.
  return headless ? ['-p', prompt] : ['-i', prompt];
}

const gemini: Adapter = {
  provider: 'gemini',
  binary: 'gemini',
  choosesId: true,
  detect: (env = process.env) => detectCli('gemini', env),
  home: (env = process.env) => geminiDir(env),

  startCommand(opts: StartOptions): CommandSpec {
    const sessionId = opts.sessionId ?? randomUUID();
    if (!UUID.test(sessionId)) throw usageError(`Not a session id gemini accepts: ${sessionId}`, 'Use a UUID, or leave the id out and pwt picks one.');
    return { cmd: 'gemini', args: ['--session-id', sessionId, ...promptArgs(opts.prompt, opts.headless)], cwd: opts.cwd, sessionId };
  },

  resumeCommand(id: string, opts: ResumeOptions): CommandSpec {
    // --resume also takes "latest" or an index; pwt only ever passes the id (it must run from the session's cwd).
    return { cmd: 'gemini', args: ['--resume', id, ...promptArgs(opts.prompt, opts.headless)], cwd: opts.cwd, sessionId: id };
  },

  async captureSessionId(cwd, since, env = process.env) {
    const created = [...(await sessionsFor(cwd, env)).values()]
      .filter((chat) => chat.startTime && Date.parse(chat.startTime) >= since.getTime())
      .sort((a, b) => Date.parse(a.startTime!) - Date.parse(b.startTime!));
    return created[0]?.sessionId ?? null;
  },

  async listSessions(cwd, env = process.env) {
    const sessions: AgentSessionInfo[] = [];
    for (const chat of (await sessionsFor(cwd, env)).values()) {
      // gemini hides chats without a user or model message too (a header written at start).
      if (chat.messages === 0) continue;
      sessions.push({
        provider: 'gemini',
        id: chat.sessionId,
        cwd: realCwd(cwd),
        startedAt: chat.startTime,
        updatedAt: chat.lastUpdated,
        messages: chat.messages,
        source: chat.file,
      });
    }
    return newestFirst(sessions);
  },

  async readTranscript(id, { cwd, env = process.env }): Promise<Transcript> {
    // This folder's chats first; an id from another folder is still found by scanning every project.
    const match = (cwd && (await findChat(id, projectDirs(cwdForms(cwd), env), hashesOf(cwd)))) || (await findChat(id, allProjectDirs(env), null));
    if (!match) throw sessionNotFound('gemini', id, join(geminiDir(env), 'tmp'));
    return { provider: 'gemini', id: match.summary.sessionId, messages: match.messages };
  },

  // Every chat file findChat would read, in this folder and in every project's (names end in the id's first 8 characters).
  conversationFiles(id, { cwd, env = process.env }) {
    const id8 = id.length >= 8 ? id.slice(0, 8) : undefined;
    return [...new Set([...(cwd ? chatFiles(projectDirs(cwdForms(cwd), env), id8) : []), ...chatFiles(allProjectDirs(env), id8)])];
  },

  // No readLimit: gemini-cli 0.61.0 records nothing of a usage limit in its chat file (the prompt, then no
  // answer and no error), so a gemini limit is read from its screen only (docs/many-agents.md).
  async readUsage(id, { cwd, env = process.env }) {
    const match = (cwd && (await findChat(id, projectDirs(cwdForms(cwd), env), hashesOf(cwd)))) || (await findChat(id, allProjectDirs(env), null));
    if (!match) throw sessionNotFound('gemini', id, join(geminiDir(env), 'tmp'));
    return usageOfFile(match.summary.file, async (file) => totalUsage(await lastPerId(file, geminiUsageRecord, (line) => line.includes('"tokens"'))), env);
  },
};

/** The chat with this id (or unique id prefix of 8+ characters) among these folders, read once. */
async function findChat(id: string, dirs: string[], hashes: Set<string> | null): Promise<{ summary: ChatSummary; messages: TranscriptMessage[] } | null> {
  // File names end in the id's first 8 characters: only those files are read.
  const id8 = id.length >= 8 ? id.slice(0, 8) : undefined;
  const best = new Map<string, { summary: ChatSummary; messages: TranscriptMessage[] }>();
  for await (const chat of mainChats(chatFiles(dirs, id8), hashes)) {
    if (chat.sessionId !== id && !(id.length >= 8 && chat.sessionId.startsWith(id))) continue;
    const messages = geminiMessages(chat);
    const candidate = { summary: summary(chat, messages.length), messages };
    const current = best.get(chat.sessionId);
    if (!current || better(candidate.summary, current.summary)) best.set(chat.sessionId, candidate);
  }
  if (best.size > 1 && !best.has(id)) {
    throw usageError(`Several gemini sessions start with ${id}.`, 'Pass more of the id (pwt agent sessions --provider gemini lists them).');
  }
  return best.get(id) ?? [...best.values()][0] ?? null;
}

function allProjectDirs(env: NodeJS.ProcessEnv): string[] {
  const tmp = join(geminiDir(env), 'tmp');
  return listDir(tmp)
    .map((name) => join(tmp, name))
    .filter(isDir);
}

export default gemini;
