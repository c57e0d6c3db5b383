import { defineCommand } from 'citty';
import { PwtError, preconditionError } from '../core/errors.js';
import { checkGit, checkLock, checkManifest, toolChecks, type Check } from '../core/doctor.js';
import { findRepo } from '../core/repo.js';
import { checkShellIntegration } from '../core/shell-install.js';
import { loadConfig } from '../core/config.js';
import { color, printJson, printLine } from '../core/ui.js';
import { jsonArg } from './_args.js';

export default defineCommand({
  meta: { name: 'doctor', description: 'Check git, gh, tmux, shells, the manifest and its lock; each line says what to fix' },
  args: { ...jsonArg },
  async run({ args }) {
    const checks: Check[] = await Promise.all([checkGit(), ...toolChecks()]);
    checks.push(checkShellIntegration());
    const repo = await findRepo();
    if (!repo) checks.push({ name: 'repository', level: 'warn', detail: 'not inside a git repository', fix: 'Run pwt doctor inside your project to check its manifest.' });
    else {
      try {
        const config = loadConfig(repo);
        const project = { repo, config, sessionsDir: config.sessionsDir };
        checks.push({ name: 'config', level: 'ok', detail: `sessions dir ${config.sessionsDir}` });
        checks.push(await checkManifest(project), checkLock(project), await (await import('../core/hooks-doctor.js')).checkHooks(project));
      } catch (error) {
        if (!(error instanceof PwtError)) throw error;
        checks.push({ name: 'config', level: 'fail', detail: error.message, fix: error.hint });
      }
    }
    checks.push(...(await (await import('../core/agents/doctor.js')).agentChecks({ repo, cwd: process.cwd() })));
    if (args.json) printJson({ checks, ok: checks.every((check) => check.level !== 'fail') });
    else for (const check of checks) printLine(formatCheck(check));
    const failed = checks.filter((check) => check.level === 'fail');
    if (failed.length > 0) throw preconditionError(`pwt doctor found ${failed.length} problem(s): ${failed.map((check) => check.name).join(', ')}.`, 'Apply the fixes listed above.');
  },
});

function formatCheck(check: Check): string {
  const mark = check.level === 'ok' ? color.green('ok  ') : check.level === 'warn' ? color.yellow('warn') : color.red('fail');
  return `${mark}  ${check.name.padEnd(10)} ${check.detail}${check.fix && check.level !== 'ok' ? `\n      ${color.dim(`fix: ${check.fix}`)}` : ''}`;
}
