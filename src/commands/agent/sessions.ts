import { defineCommand } from 'citty';
import { agentSessions, parseProvider } from '../../core/agents/lookup.js';
import { PROVIDERS } from '../../core/agents/vendors/types.js';
import { table } from '../../ui/table.js';
import { age } from '../../core/infra/time.js';
import { log, printJson, printLine } from '../../ui/log.js';
import { jsonArg } from '../_args.js';

export default defineCommand({
  meta: { name: 'sessions', description: 'The agent CLI sessions recorded for the current directory, newest first' },
  args: {
    provider: { type: 'string', description: `Only this provider (${PROVIDERS.join(', ')})` },
    ...jsonArg,
  },
  async run({ args }) {
    const providers = args.provider ? [parseProvider(args.provider)] : null;
    const report = await agentSessions(process.cwd(), providers);
    for (const problem of report.problems) log.warn(`${problem.provider}: ${problem.message}`);
    if (args.json) {
      const sessions = report.sessions.map(({ provider, id, startedAt, updatedAt, messages, source }) => ({
        provider,
        id,
        startedAt,
        updatedAt,
        messages,
        source,
      }));
      return printJson({ cwd: report.cwd, sessions });
    }
    if (report.sessions.length === 0) {
      log.info(`No ${providers ? `${providers[0]} ` : ''}agent sessions recorded for ${report.cwd}.`);
      return;
    }
    const when = (iso: string | null) => (iso ? `${age(iso)} (${iso.slice(0, 16).replace('T', ' ')})` : '-');
    const rows = report.sessions.map((session) => [session.provider, session.id, when(session.startedAt), when(session.updatedAt), String(session.messages)]);
    printLine(table(['PROVIDER', 'ID', 'STARTED', 'UPDATED', 'MESSAGES'], rows));
  },
});
