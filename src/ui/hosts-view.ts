import type { HostAgents } from '../core/hosts/agents.js';
import type { HostReport } from '../core/hosts/sessions.js';
import { age } from '../core/infra/time.js';
import { color, printLine } from './log.js';
import { printable, table } from './table.js';

/** The sessions on hosts, under the local table of `pwt status`: a HOST column, unreachable hosts named. */
export function printHostSessions(reports: HostReport[]): void {
  const rows = reports.flatMap((report) =>
    report.sessions.map((session) => {
      const s = session as Record<string, any>;
      if (!report.reachable)
        return [
          report.host,
          printable(session.id) + color.yellow(' !'),
          typeof s.startedAt === 'string' ? age(s.startedAt) : '',
          color.red('unreachable'),
          '-',
          '-',
          printable(s.goals?.[0] ?? ''),
        ];
      const changes = s.exists === false ? color.red('missing') : s.dirty ? color.yellow(`${s.changes} changed`) : 'clean';
      const counts = s.ahead === null || s.ahead === undefined ? '-' : `+${s.ahead}/-${s.behind}`;
      return [
        report.host,
        printable(session.id) + (session.notes.length ? color.yellow(' !') : ''),
        typeof s.startedAt === 'string' ? age(s.startedAt) : '',
        changes,
        counts,
        printable(s.activeAgent ?? '-'),
        printable(s.goals?.[0] ?? ''),
      ];
    }),
  );
  printLine();
  if (rows.length) printLine(table(['HOST', 'SESSION', 'AGE', 'CHANGES', 'AHEAD/BEHIND', 'AGENT', 'GOAL'], rows));
  for (const report of reports) {
    if (!report.reachable) printLine(color.yellow(`${report.host}: ${report.error ?? 'unreachable'}`));
    else if (report.sessions.length === 0) printLine(color.dim(`${report.host}: no sessions`));
  }
}

/** `pwt agent list --all` with hosts: one table, a HOST column (`-` for this machine). */
export function printHostAgents(
  local: { id: string; session: string; provider: string; status: string; vendorSessionId?: string | null | undefined; spawnedAt: string }[],
  hosts: HostAgents[],
): void {
  const row = (host: string, agent: Record<string, any>) => [
    host,
    printable(String(agent.id)),
    printable(String(agent.session)),
    String(agent.provider),
    agent.status === 'running' ? color.green(agent.status) : String(agent.status),
    printable(String(agent.vendorSessionId ?? '-')),
    typeof agent.spawnedAt === 'string' ? age(agent.spawnedAt) : '',
  ];
  const rows = [...local.map((agent) => row('-', agent)), ...hosts.flatMap((host) => host.agents.map((agent) => row(host.host, agent)))];
  if (rows.length) printLine(table(['HOST', 'AGENT', 'SESSION', 'PROVIDER', 'STATUS', 'VENDOR ID', 'STARTED'], rows));
  else printLine(color.dim('No agent sessions in this project or on its hosts.'));
  for (const host of hosts) if (!host.reachable) printLine(color.yellow(`${host.host}: ${host.error ?? 'unreachable'}`));
}

/** `pwt run list` with hosts: one table with a HOST column (`-` for this machine). */
export function printRunsWithHosts(
  local: {
    name: string;
    createdAt: string;
    providers: string[];
    goals: string[];
    live: number;
    sessions: unknown[];
    picked?: { provider: string; strategy: string } | null | undefined;
  }[],
  hosts: { host: string; runs: Record<string, any>[] }[],
): void {
  const row = (host: string, run: Record<string, any>) => [
    host,
    printable(String(run.name)),
    typeof run.createdAt === 'string' ? age(run.createdAt) : '',
    (run.providers ?? []).join(','),
    run.picked ? `picked ${run.picked.provider} (${run.picked.strategy})` : `${run.live}/${(run.sessions ?? []).length} sessions`,
    printable(run.goals?.[0] ?? ''),
  ];
  const rows = [...local.map((run) => row('-', run)), ...hosts.flatMap((host) => host.runs.map((run) => row(host.host, run)))];
  if (rows.length === 0) printLine('No runs yet. Start one with: pwt run start <run> --agents claude,codex --prompt "what to do" [--host H]');
  else printLine(table(['HOST', 'RUN', 'AGE', 'AGENTS', 'STATE', 'GOAL'], rows));
}
