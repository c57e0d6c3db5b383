import { loadConfig, type Config } from './config.js';
import { requireRepo, type Repo } from '../git/repo.js';
import type { Store } from '../manifest/store.js';

/** Everything a command needs to know about where it runs. */
export interface Project extends Store {
  repo: Repo;
  config: Config;
  sessionsDir: string;
}

export async function openProject(cwd = process.cwd()): Promise<Project> {
  const repo = await requireRepo(cwd);
  const config = loadConfig(repo);
  return { repo, config, sessionsDir: config.sessionsDir };
}
