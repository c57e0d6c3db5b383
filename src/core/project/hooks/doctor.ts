import type { Check } from '../../doctor/check.js';
import { CONFIG_FILE, isScriptHook } from '../config.js';
import type { Project } from '../project.js';
import { configuredEvents, hooksApproved } from './run.js';

/** `pwt doctor`: the project hooks of `.pwt.json`, and whether this user approved them for this repository. */
export function checkProjectHooks(project: Project): Check {
  const events = configuredEvents(project);
  if (events.length === 0) return { name: 'project hooks', level: 'ok', detail: `none in ${CONFIG_FILE}` };
  const listed = events.map((event) => `${event}: ${(project.config.hooks[event] ?? []).map((entry) => (isScriptHook(entry) ? `${entry} (zx script)` : entry)).join(', ')}`).join('; ');
  if (hooksApproved(project)) return { name: 'project hooks', level: 'ok', detail: `approved: ${listed}` };
  return {
    name: 'project hooks',
    level: 'warn',
    detail: `not approved yet: ${listed}`,
    fix: 'Read them in .pwt.json; pwt asks before running them at a terminal, or approve them once with --trust-hooks (e.g. pwt create <name> --trust-hooks).',
  };
}
