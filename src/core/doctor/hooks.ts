import { existsSync } from 'node:fs';
import type { Check } from '../infra/check.js';
import { hooksReport } from '../hooks/status.js';
import type { Project } from '../project/project.js';
import { readManifest } from '../manifest/store.js';
import { sessionPath } from '../manifest/manifest.js';
import { inspectSessionHooks, sessionHooksFix } from '../project/hooks-folder.js';

/** `pwt doctor`'s "hooks installed?" line. Missing hooks are a warning: pwt works without them. */
export async function checkHooks(project: Project): Promise<Check> {
  let report;
  try {
    report = await hooksReport(project);
  } catch (error) {
    return { name: 'hooks', level: 'warn', detail: `could not read the hooks folder (${(error as Error).message})`, fix: 'Run pwt hooks status for details.' };
  }
  const where = `${report.hooksDir}${report.hooksPath ? ` (core.hooksPath)` : ''}`;
  if (report.installed) return { name: 'hooks', level: 'ok', detail: `post-checkout and pre-push installed in ${where}` };
  const { managersWithPwt } = await import('../hooks/managers.js');
  const via = managersWithPwt(project.repo.worktreePath)[0];
  if (via && report.dispatcherState === 'current')
    return { name: 'hooks', level: 'ok', detail: `post-checkout and pre-push through ${via}'s committed config` };
  if (via) {
    return {
      name: 'hooks',
      level: 'warn',
      detail: `${via}'s committed config runs pwt's hooks, but this clone's dispatcher is ${report.dispatcherState}`,
      fix: `Run pwt hooks install --via ${via} (it writes only this clone's dispatcher).`,
    };
  }
  const states = report.hooks.map((hook) => `${hook.name} ${hook.state}`).join(', ');
  const outdated = report.dispatcherState === 'outdated' || report.hooks.some((hook) => hook.state === 'outdated');
  return {
    name: 'hooks',
    level: 'warn',
    detail: `${outdated ? 'outdated' : 'not installed'} in ${where}: ${states}, dispatcher ${report.dispatcherState}`,
    fix: outdated
      ? 'Run pwt hooks install again (pwt, node or the sessions dir moved, or another tool rewrote the hooks).'
      : 'Run pwt hooks install (so plain git worktree add sessions are registered and pushes to the base are caught).',
  };
}

/**
 * Sessions without the hooks folder git looks for in them (a relative
 * core.hooksPath such as husky's `.husky/_`): no git hook runs there, neither
 * the project's nor pwt's. Null when hooks are shared by all worktrees or every
 * session has its folder.
 */
export async function checkSessionHooks(project: Project): Promise<Check | null> {
  // A manifest doctor cannot read is reported by its own check.
  const manifest = await readManifest(project).catch(() => null);
  const missing: string[] = [];
  let hooksPath: string | null = null;
  for (const session of manifest?.sessions ?? []) {
    const path = sessionPath(project.repo.mainPath, session);
    if (!existsSync(path)) continue;
    const found = await inspectSessionHooks(path);
    if (found.state === 'shared') return null;
    hooksPath = found.hooksPath;
    if (found.state === 'missing') missing.push(session.id);
  }
  if (missing.length === 0 || hooksPath === null) return null;
  return {
    name: 'hooks',
    level: 'warn',
    detail:
      `git runs hooks from ${hooksPath} in each worktree (core.hooksPath), and ` +
      `${missing.length === 1 ? 'session' : 'sessions'} ${missing.join(', ')} ` +
      `${missing.length === 1 ? 'has' : 'have'} none: no git hook runs there (neither the project's nor pwt's)`,
    fix: sessionHooksFix(
      hooksPath,
      missing.length === 1
        ? sessionPath(
            project.repo.mainPath,
            manifest!.sessions.find((each) => each.id === missing[0])!,
          )
        : '<session>',
      project.repo.mainPath,
    ).replace('Run pwt open in it', `Run pwt open ${missing.length === 1 ? missing[0] : '<name>'}`),
  };
}
