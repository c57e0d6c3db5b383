import { defineCommand } from 'citty';
import { hostChecks } from '../../core/hosts/doctor.js';
import { findHost, readHosts } from '../../core/hosts/store.js';
import { preconditionError } from '../../core/infra/errors.js';
import { openProject } from '../../core/project/project.js';
import { color, log, printJson, printLine } from '../../ui/log.js';
import { jsonArg } from '../_args.js';

export default defineCommand({
  meta: { name: 'doctor', description: "Check a host (or every host): ssh, git, tmux, the clone, its remote, pwt's version there" },
  args: {
    name: { type: 'positional', description: 'The host (default: every host)', required: false },
    ...jsonArg,
  },
  async run({ args }) {
    const project = await openProject();
    const hosts = args.name ? [findHost(project.sessionsDir, args.name)] : readHosts(project.sessionsDir);
    if (hosts.length === 0) {
      if (args.json) printJson({ hosts: [] });
      else log.info('No hosts. Add one with: pwt host add <name> <ssh destination> --repo <path>');
      return;
    }
    const results = await Promise.all(
      hosts.map(async (host) => ({ host: host.name, checks: await hostChecks(host, { cwd: project.repo.mainPath, remote: project.config.remote }) })),
    );
    if (args.json) printJson({ hosts: results.map((result) => ({ ...result, ok: result.checks.every((check) => check.level !== 'fail') })) });
    else
      for (const result of results) {
        printLine(color.bold(result.host));
        for (const check of result.checks) {
          const mark = check.level === 'ok' ? color.green('ok  ') : check.level === 'warn' ? color.yellow('warn') : color.red('fail');
          printLine(
            `  ${mark}  ${check.name.padEnd(7)} ${check.detail}${check.fix && check.level !== 'ok' ? `\n        ${color.dim(`fix: ${check.fix}`)}` : ''}`,
          );
        }
      }
    const failing = results.filter((result) => result.checks.some((check) => check.level === 'fail'));
    if (failing.length > 0)
      throw preconditionError(`pwt host doctor found problems on ${failing.map((result) => result.host).join(', ')}.`, 'Apply the fixes listed above.');
  },
});
