import { copilotUsage, usageOfFile } from '../usage.js';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from '../../../infra/errors.js';
import { cwdForms, detectCli, envDir, homeOf, isFile, newestFirst, realCwd, sessionNotFound, toIso, UUID } from '../common.js';
import { readCopilotEvents, type CopilotEvents } from './events.js';
import { readCopilotLimit } from './limit.js';
import type { Adapter, AgentSessionInfo, CommandSpec, ResumeOptions, StartOptions, Transcript } from '../types.js';

/**
 * GitHub Copilot CLI (@github/copilot). Each session is a folder
 * `<COPILOT_HOME or ~/.copilot>/session-state/<uuid>/` with `events.jsonl`
 * (the conversation, see ./events.ts) and `workspace.yaml` (flat
 * `key: value` lines: id, cwd, name, created_at, updated_at). Versions before
 * the folders wrote `session-state/<uuid>.jsonl` with the same events.
 * `session-store.db` is an index of the same data; pwt reads the files.
 * Never resume with `--continue`: it picks the newest session of any folder.
 */

function copilotHome(env: NodeJS.ProcessEnv): string {
  return envDir(env, 'COPILOT_HOME') ?? join(homeOf(env), '.copilot');
}

/** The top-level `key: value` pairs of workspace.yaml (values may be YAML-quoted). */
export function parseWorkspaceYaml(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_][\w-]*):[ \t]*(.*?)[ \t]*$/.exec(line);
    if (!match) continue;
    let value = match[2]!;
    if (value.startsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        continue;
      }
    } else if (value.startsWith("'") && value.endsWith("'") && value.length >= 2) {
      value = value.slice(1, -1).replaceAll("''", "'");
    }
    fields[match[1]!] = value;
  }
  return fields;
}

interface SessionFiles {
  id: string;
  events: string;
  workspace: Record<string, string>;
}

function sessionFiles(env: NodeJS.ProcessEnv): SessionFiles[] {
  const root = join(copilotHome(env), 'session-state');
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const found: SessionFiles[] = [];
  for (const name of names) {
    const legacy = /^(.+)\.jsonl$/.exec(name);
    if (legacy) {
      found.push({ id: legacy[1]!, events: join(root, name), workspace: {} });
      continue;
    }
    const events = join(root, name, 'events.jsonl');
    if (!isFile(events)) continue;
    let workspace: Record<string, string> = {};
    try {
      workspace = parseWorkspaceYaml(readFileSync(join(root, name, 'workspace.yaml'), 'utf8'));
    } catch {
      // No workspace.yaml yet: the cwd comes from the session.start event.
    }
    found.push({ id: workspace.id || name, events, workspace });
  }
  return found;
}

interface Session {
  files: SessionFiles;
  events: CopilotEvents;
}

/** Sessions whose recorded cwd is this folder; events are only read when workspace.yaml does not rule it out. */
async function sessionsFor(cwd: string, env: NodeJS.ProcessEnv): Promise<Session[]> {
  const forms = cwdForms(cwd);
  const sessions: Session[] = [];
  for (const files of sessionFiles(env)) {
    if (files.workspace.cwd && !forms.has(files.workspace.cwd)) continue;
    const events = await readCopilotEvents(files.events);
    const recorded = events.cwd ?? files.workspace.cwd;
    if (recorded && forms.has(recorded)) sessions.push({ files, events });
  }
  return sessions;
}

function info(cwd: string, { files, events }: Session): AgentSessionInfo {
  const startedAt = toIso(files.workspace.created_at) ?? toIso(events.startedAt);
  const times = [toIso(files.workspace.updated_at), toIso(events.updatedAt)].filter((t): t is string => t !== null);
  return {
    provider: 'copilot',
    id: events.sessionId ?? files.id,
    cwd: realCwd(cwd),
    startedAt,
    updatedAt: times.sort().pop() ?? startedAt,
    messages: events.messages.length,
    source: files.events,
  };
}

function promptArgs(prompt: string | undefined, headless: boolean | undefined): string[] {
  if (headless && !prompt) throw usageError('A headless copilot run needs a prompt.', 'Pass the prompt to send (copilot -p "...").');
  if (!prompt) return [];
  // -p runs one prompt and exits; -i sends it and stays in the TUI.
  return headless ? ['-p', prompt] : ['-i', prompt];
}

const copilot: Adapter = {
  provider: 'copilot',
  binary: 'copilot',
  choosesId: true,
  detect: (env = process.env) => detectCli('copilot', env),
  home: (env = process.env) => copilotHome(env),

  startCommand(opts: StartOptions): CommandSpec {
    const sessionId = opts.sessionId ?? randomUUID();
    if (!UUID.test(sessionId)) throw usageError(`Not a session id copilot accepts: ${sessionId}`, 'Use a UUID, or leave the id out and pwt picks one.');
    // --session-id resumes that session when it already exists, so a fresh UUID is a new session.
    const name = opts.name ? ['--name', opts.name] : [];
    return { cmd: 'copilot', args: ['--session-id', sessionId, ...name, ...promptArgs(opts.prompt, opts.headless)], cwd: opts.cwd, sessionId };
  },

  resumeCommand(id: string, opts: ResumeOptions): CommandSpec {
    return { cmd: 'copilot', args: [`--resume=${id}`, ...promptArgs(opts.prompt, opts.headless)], cwd: opts.cwd, sessionId: id };
  },

  async captureSessionId(cwd, since, env = process.env) {
    const created = (await sessionsFor(cwd, env))
      .map((session) => info(cwd, session))
      .filter((session) => session.startedAt && Date.parse(session.startedAt) >= since.getTime())
      .sort((a, b) => Date.parse(a.startedAt!) - Date.parse(b.startedAt!));
    return created[0]?.id ?? null;
  },

  async listSessions(cwd, env = process.env) {
    return newestFirst((await sessionsFor(cwd, env)).map((session) => info(cwd, session)).filter((session) => session.messages > 0));
  },

  async readTranscript(id, { env = process.env }): Promise<Transcript> {
    const files = findFiles(id, env);
    const events = await readCopilotEvents(files.events);
    return { provider: 'copilot', id: events.sessionId ?? files.id, messages: events.messages };
  },

  // Every session whose id matches, as findFiles picks among them (several only for an ambiguous prefix).
  conversationFiles: (id, { env = process.env }) =>
    sessionFiles(env)
      .filter((files) => files.id === id || (id.length >= 8 && files.id.startsWith(id)))
      .map((files) => files.events),

  async readUsage(id, { env = process.env }) {
    return usageOfFile(findFiles(id, env).events, copilotUsage, env);
  },

  async readLimit(id, { env = process.env }) {
    return readCopilotLimit(findFiles(id, env).events);
  },
};

/** A session's files by id or unique prefix: ids are global in copilot's store, so the folder is not needed. */
function findFiles(id: string, env: NodeJS.ProcessEnv): SessionFiles {
  const candidates = sessionFiles(env).filter((files) => files.id === id || (id.length >= 8 && files.id.startsWith(id)));
  if (candidates.length > 1 && !candidates.some((files) => files.id === id)) {
    throw usageError(`Several copilot sessions start with ${id}.`, 'Pass more of the id (pwt agent sessions --provider copilot lists them).');
  }
  const files = candidates.find((f) => f.id === id) ?? candidates[0];
  if (!files) throw sessionNotFound('copilot', id, join(copilotHome(env), 'session-state'));
  return files;
}

export default copilot;
