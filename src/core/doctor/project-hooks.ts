import type { Check } from '../infra/check.js';
import { CONFIG_FILE, isScriptHook } from '../project/config.js';
import type { Project } from '../project/project.js';
import { configuredEvents, hooksApproved } from '../project/hooks/run.js';

/** `pwt doctor`: the project hooks of `.pwt.json`, and whether this user approved them for this repository. */
export function checkProjectHooks(project: Project): Check {
  const events = configuredEvents(project);
  if (events.length === 0) return { name: 'project hooks', level: 'ok', detail: `none in ${CONFIG_FILE}` };
  const listed = events
    .map((event) => `${event}: ${(project.config.hooks[event] ?? []).map((entry) => (isScriptHook(entry) ? `${entry} (zx script)` : entry)).join(', ')}`)
    .join('; ');
  if (hooksApproved(project)) return { name: 'project hooks', level: 'ok', detail: `approved: ${listed}` };
  return {
    name: 'project hooks',
    level: 'warn',
    detail: `not approved yet: ${listed}`,
    fix: 'Read them in .pwt.json; pwt asks before running them at a terminal, or approve them once with --trust-hooks (e.g. pwt create <name> --trust-hooks).',
  };
}

/** `copy` of node_modules with `npm ci` in post-create: npm ci deletes node_modules first, so the copy is wasted time. */
export function checkCopyWithCi(project: Project): Check | null {
  const copiesModules = project.config.copy.some((glob) => /(^|\/)node_modules(\/|$)/.test(glob) || glob === '**/node_modules');
  const ci = (project.config.hooks['post-create'] ?? []).find((entry) => /(^|[\s;&|(])npm\s+(ci|clean-install)\b/.test(entry));
  if (!copiesModules || ci === undefined) return null;
  return {
    name: 'copy',
    level: 'warn',
    detail: `${CONFIG_FILE} copies node_modules into each session, then post-create runs "${ci}", which deletes node_modules first: the copy is wasted`,
    fix:
      'Use npm install --prefer-offline in post-create (pnpm install --prefer-offline, yarn install ' +
      '--prefer-offline): it keeps the copy and only fixes what differs.',
  };
}
