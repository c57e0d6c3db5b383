import { PwtError } from '../infra/errors.js';
import { sessionPath } from '../manifest/manifest.js';
import { readManifest } from '../manifest/store.js';
import type { Project } from '../project/project.js';
import { hasAdapter, loadAdapter } from './vendors/index.js';
import { PROVIDERS, type Provider } from './vendors/types.js';
import { sumUsage, type Usage } from './vendors/usage.js';

export type { Usage } from './vendors/usage.js';
export { sumUsage } from './vendors/usage.js';

/**
 * One agent session's usage from its vendor's files, or null when it cannot
 * be known: no vendor id captured yet, a vendor that records no usage
 * (cursor), or files that are gone.
 */
export async function readAgentUsage(provider: string, vendorSessionId: unknown, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Usage | null> {
  if (typeof vendorSessionId !== 'string' || !vendorSessionId || !(PROVIDERS as readonly string[]).includes(provider) || !hasAdapter(provider as Provider))
    return null;
  const adapter = await loadAdapter(provider as Provider);
  if (!adapter.readUsage) return null;
  try {
    return await adapter.readUsage(vendorSessionId, { cwd, env });
  } catch (error) {
    if (error instanceof PwtError) return null; // the vendor's session is gone: no usage to show, nothing to fail
    throw error;
  }
}

/**
 * The usage of every agent of the project's sessions (or of `only` those
 * sessions), by agent id: one manifest read, the vendors' files read in
 * parallel. Agents whose usage cannot be known are left out.
 */
export async function usageByAgent(project: Project, only?: Set<string>): Promise<Map<string, Usage>> {
  const manifest = await readManifest(project);
  const jobs: Promise<[string, Usage | null]>[] = [];
  for (const session of manifest?.sessions ?? []) {
    if (only && !only.has(session.id)) continue;
    const cwd = sessionPath(project.repo.mainPath, session);
    for (const agent of session.agents ?? []) jobs.push(readAgentUsage(agent.provider, agent.vendorSessionId, cwd).then((usage) => [agent.id, usage]));
  }
  const found = new Map<string, Usage>();
  for (const [id, usage] of await Promise.all(jobs)) if (usage) found.set(id, usage);
  return found;
}

/** The total of the agents that have a usage (the cost only when every one of them has one). */
export function totalOf(usages: (Usage | undefined)[]): Usage | null {
  const known = usages.filter((usage): usage is Usage => !!usage);
  return known.length ? sumUsage(known) : null;
}
