import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envDir, homeOf } from '../common.js';

/**
 * gemini-cli's session cleanup (`general.sessionRetention`, on by default,
 * maxAge 30d) deletes chat files by their 8-character id prefix. After an
 * interactive `--resume` in a later minute there are two files with that
 * prefix, and the cleanup at the next start can delete both, the real
 * conversation included (found by running 0.61; see shared/agents README).
 * pwt never changes the user's settings; `pwt doctor` warns instead.
 *
 * Settings files, later ones winning (gemini-cli docs, "Configuration layers"):
 * system defaults, user (`~/.gemini/settings.json`), workspace
 * (`<cwd>/.gemini/settings.json`), system. They are JSON with comments.
 */

export interface RetentionSetting {
  /** True unless a settings file turns it off. */
  enabled: boolean;
  /** The file that decided, or null for gemini's default. */
  source: string | null;
}

/** JSON with `//` and `/* *\/` comments (outside strings) removed. */
export function stripJsonComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (inString) {
      out += char;
      if (char === '\\') out += text[++i] ?? '';
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
      out += char;
    } else if (char === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (char === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
    } else {
      out += char;
    }
  }
  return out;
}

function retentionIn(file: string): boolean | undefined {
  let settings: unknown;
  try {
    settings = JSON.parse(stripJsonComments(readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
  const general = (settings as { general?: { sessionRetention?: { enabled?: unknown } } } | null)?.general;
  const enabled = general?.sessionRetention?.enabled;
  return typeof enabled === 'boolean' ? enabled : undefined;
}

export function geminiSettingsFiles(cwd: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const home = envDir(env, 'GEMINI_CLI_HOME') ?? homeOf(env);
  const files = [env.GEMINI_CLI_SYSTEM_DEFAULTS_PATH?.trim() || '/etc/gemini-cli/system-defaults.json', join(home, '.gemini', 'settings.json')];
  if (cwd) files.push(join(cwd, '.gemini', 'settings.json'));
  files.push(env.GEMINI_CLI_SYSTEM_SETTINGS_PATH?.trim() || '/etc/gemini-cli/settings.json');
  return files;
}

export function geminiSessionRetention(cwd: string | undefined, env: NodeJS.ProcessEnv = process.env): RetentionSetting {
  let setting: RetentionSetting = { enabled: true, source: null };
  for (const file of geminiSettingsFiles(cwd, env)) {
    const enabled = retentionIn(file);
    if (enabled !== undefined) setting = { enabled, source: file };
  }
  return setting;
}

/** The doctor line for gemini's cleanup, or null when it is off. */
export function geminiRetentionWarning(cwd: string | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  const { enabled, source } = geminiSessionRetention(cwd, env);
  if (!enabled) return null;
  const where = source ?? join(envDir(env, 'GEMINI_CLI_HOME') ?? homeOf(env), '.gemini', 'settings.json');
  return (
    `gemini's session cleanup (general.sessionRetention) is on${source ? ` in ${source}` : ' (its default)'}: ` +
    `it can delete a resumed conversation whose id prefix is shared by two chat files. ` +
    `To keep sessions, set "general": { "sessionRetention": { "enabled": false } } in ${where}.`
  );
}
