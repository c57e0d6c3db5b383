import { piUsage, usageOfFile } from '../usage.js';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { usageError } from '../../../infra/errors.js';
import { detectCli, homeOf, newestFirst, realCwd, sessionNotFound, toIso } from '../common.js';
import { readPiHeader, readPiLimit, readPiTranscript } from './session.js';
import type { Adapter, AgentSessionInfo, CommandSpec, Transcript } from '../types.js';

/**
 * pi (npm @mariozechner/pi-coding-agent). Sessions live in
 * `$PI_CODING_AGENT_DIR/sessions/--<cwd with / \ : as ->--/<ISO time with
 * : and . as ->_<uuid>.jsonl` (default agent dir ~/.pi/agent), one folder per
 * working directory. The id (a uuid in the header) is random, but pwt can fix
 * the file with `--session <new path>`; pi writes the file only once the first
 * assistant message arrives. Resume is `--session <id|path>`, from the same
 * folder (another folder makes pi offer a fork).
 */
export function agentDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.PI_CODING_AGENT_DIR;
  if (dir) return dir.startsWith('~/') ? join(homeOf(env), dir.slice(2)) : dir;
  return join(homeOf(env), '.pi', 'agent');
}

/** pi's folder name for a working directory (session-manager.ts getDefaultSessionDir). */
export function piFolderName(cwd: string): string {
  return `--${cwd.replace(/^[/\\]/, '').replace(/[/\\:]/g, '-')}--`;
}

function sessionFolder(cwd: string, env?: NodeJS.ProcessEnv): string {
  return join(agentDir(env), 'sessions', piFolderName(realCwd(cwd)));
}

interface PiFile {
  file: string;
  id: string;
  cwd: string;
  started: string;
}

/** Session files in the folder for cwd whose header names exactly that cwd (folder names are lossy: `-` and `/` collide). */
function filesFor(cwd: string, env?: NodeJS.ProcessEnv): PiFile[] {
  const folder = sessionFolder(cwd, env);
  if (!existsSync(folder)) return [];
  const real = realCwd(cwd);
  const files: PiFile[] = [];
  for (const name of readdirSync(folder)) {
    if (!name.endsWith('.jsonl')) continue;
    const file = join(folder, name);
    const header = readPiHeader(file);
    if (header && realCwd(header.cwd) === real) files.push({ file, id: header.id, cwd: header.cwd, started: header.timestamp });
  }
  return files;
}

/** The file holding session `id`: in cwd's folder first, else anywhere under sessions/. */
function findFile(id: string, cwd: string | undefined, env?: NodeJS.ProcessEnv): string | null {
  if (isAbsolute(id) && id.endsWith('.jsonl') && existsSync(id)) return id;
  if (cwd) {
    const hit = filesFor(cwd, env).find((each) => each.id === id);
    if (hit) return hit.file;
  }
  const root = join(agentDir(env), 'sessions');
  if (!existsSync(root)) return null;
  for (const folder of readdirSync(root)) {
    const dir = join(root, folder);
    if (!statSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir)) {
      // pi names files <time>_<id>.jsonl; a file given by --session may be named otherwise, so check headers too.
      if (!name.endsWith('.jsonl')) continue;
      if (name.endsWith(`_${id}.jsonl`) || readPiHeader(join(dir, name))?.id === id) return join(dir, name);
    }
  }
  return null;
}

/** pi treats arguments starting with - as flags and @ as files to attach. */
function promptArg(prompt: string): string {
  return /^[-@]/.test(prompt) ? ` ${prompt}` : prompt;
}

const pi: Adapter = {
  provider: 'pi',
  binary: 'pi',
  choosesId: false,
  detect: (env) => detectCli('pi', env),
  home: (env) => agentDir(env),

  startCommand(opts, env): CommandSpec {
    const cwd = realCwd(opts.cwd);
    const args: string[] = [];
    if (opts.sessionId) {
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      args.push('--session', join(sessionFolder(cwd, env), `${stamp}_${opts.sessionId}.jsonl`));
    }
    if (opts.headless) {
      if (!opts.prompt) throw usageError('pi needs a prompt to run headless.', 'Pass --prompt "..."');
      args.push('-p');
    }
    if (opts.prompt) args.push(promptArg(opts.prompt));
    return { cmd: 'pi', args, cwd };
  },

  resumeCommand(id, opts, env): CommandSpec {
    const cwd = realCwd(opts.cwd);
    const target = findFile(id, cwd, env) ?? id;
    if (opts.headless && !opts.prompt) throw usageError('pi needs a prompt to resume headless.', 'Pass --prompt "..."');
    return { cmd: 'pi', args: ['--session', target, ...(opts.headless ? ['-p'] : []), ...(opts.prompt ? [promptArg(opts.prompt)] : [])], cwd };
  },

  async captureSessionId(cwd, since, env) {
    const fresh = filesFor(cwd, env).filter((each) => Date.parse(each.started) >= since.getTime());
    fresh.sort((a, b) => Date.parse(a.started) - Date.parse(b.started));
    return fresh[0]?.id ?? null;
  },

  async listSessions(cwd, env): Promise<AgentSessionInfo[]> {
    const infos: AgentSessionInfo[] = [];
    for (const each of filesFor(cwd, env)) {
      const transcript = await readPiTranscript(each.file);
      infos.push({
        provider: 'pi',
        id: each.id,
        cwd: each.cwd,
        startedAt: toIso(each.started),
        updatedAt: transcript.lastAt ?? toIso(statSync(each.file).mtimeMs),
        messages: transcript.messages.length,
        source: each.file,
      });
    }
    return newestFirst(infos);
  },

  async readTranscript(id, opts): Promise<Transcript> {
    const file = findFile(id, opts.cwd, opts.env);
    if (!file) throw sessionNotFound('pi', id, join(agentDir(opts.env), 'sessions'));
    const header = readPiHeader(file);
    return { provider: 'pi', id: header?.id ?? id, messages: (await readPiTranscript(file)).messages };
  },

  conversationFiles: (id, opts) => [findFile(id, opts.cwd, opts.env)].filter((file) => file !== null),

  async readUsage(id, opts) {
    const file = findFile(id, opts.cwd, opts.env);
    if (!file) throw sessionNotFound('pi', id, join(agentDir(opts.env), 'sessions'));
    return usageOfFile(file, piUsage, opts.env);
  },

  async readLimit(id, opts) {
    const file = findFile(id, opts.cwd, opts.env);
    if (!file) throw sessionNotFound('pi', id, join(agentDir(opts.env), 'sessions'));
    return readPiLimit(file);
  },
};

export default pi;
