import { defineCommand } from 'citty';
import { preconditionError } from '../core/infra/errors.js';
import { runChecks, type Check } from '../core/doctor/doctor.js';
import { color, printJson, printLine } from '../ui/log.js';
import { jsonArg } from './_args.js';

export default defineCommand({
  meta: { name: 'doctor', description: 'Check git, gh, tmux, shells, agent CLIs, hooks, the manifest and its lock; each line says what to fix' },
  args: { ...jsonArg },
  async run({ args }) {
    const checks = await runChecks();
    if (args.json) printJson({ checks, ok: checks.every((check) => check.level !== 'fail') });
    else for (const check of checks) printLine(formatCheck(check));
    const failed = checks.filter((check) => check.level === 'fail');
    if (failed.length > 0)
      throw preconditionError(
        `pwt doctor found ${failed.length} problem(s): ${failed.map((check) => check.name).join(', ')}.`,
        'Apply the fixes listed above.',
      );
  },
});

function formatCheck(check: Check): string {
  const mark = check.level === 'ok' ? color.green('ok  ') : check.level === 'warn' ? color.yellow('warn') : color.red('fail');
  return `${mark}  ${check.name.padEnd(10)} ${check.detail}${check.fix && check.level !== 'ok' ? `\n      ${color.dim(`fix: ${check.fix}`)}` : ''}`;
}
