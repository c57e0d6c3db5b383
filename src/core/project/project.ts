import { loadConfig, requireSoundConfig, type Config } from './config.js';
import { requireRepo, type Repo } from '../git/repo.js';
import { notes } from '../infra/notes.js';
import type { Store } from '../manifest/store.js';

/** Everything a command needs to know about where it runs. */
export interface Project extends Store {
  repo: Repo;
  config: Config;
  sessionsDir: string;
}

export interface OpenOptions {
  /**
   * A command that only reads (status, path, context, diff, doctor): a broken
   * `.pwt.json` is a warning and the broken parts take their defaults.
   * Otherwise the first broken part is an error (exit 3 naming the field).
   */
  readOnly?: boolean;
  /** The environment whose PWT_SESSIONS_DIR counts (the scheduler opens projects for other processes). */
  env?: NodeJS.ProcessEnv;
}

const warned = new Set<string>();

/** Each line once per process, however many times the project is opened. */
function warnOnce(text: string): void {
  if (warned.has(text)) return;
  warned.add(text);
  notes.warn(text);
}

/** For commands that only read: each unknown key and each broken part of `.pwt.json`, once, as a warning. */
export function warnAboutConfig(config: Config): void {
  for (const line of config.warnings) warnOnce(line);
  for (const problem of config.problems) warnOnce(`${problem.error.message} Going on with the default${problem.field ? ` for "${problem.field}"` : 's'}.`);
}

export async function openProject(cwd = process.cwd(), opts: OpenOptions = {}): Promise<Project> {
  const repo = await requireRepo(cwd);
  const config = loadConfig(repo, opts.env);
  if (!opts.readOnly) {
    for (const line of config.warnings) warnOnce(line);
    requireSoundConfig(config);
  } else warnAboutConfig(config);
  return { repo, config, sessionsDir: config.sessionsDir };
}
