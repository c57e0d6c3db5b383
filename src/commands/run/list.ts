import { defineCommand } from 'citty';
import { readManifest } from '../../core/manifest/store.js';
import { openProject } from '../../core/project/project.js';
import { listRunSummaries } from '../../core/agents/runs/state.js';
import { age } from '../../core/infra/time.js';
import { log, printJson, printLine } from '../../ui/log.js';
import { table } from '../../ui/table.js';
import { jsonArg } from '../_args.js';
import { hasHosts } from '../../core/hosts/store.js';

export default defineCommand({
  meta: { name: 'list', description: 'The named runs: providers, sessions still there, first goal' },
  args: { ...jsonArg },
  async run({ args }) {
    const project = await openProject();
    // With hosts: their runs too, asked in parallel (a HOST column; `host` in JSON).
    const onHosts = hasHosts(project.sessionsDir) ? import('../../core/hosts/runs.js').then((m) => m.hostRunLists(project)) : Promise.resolve([]);
    const manifest = await readManifest(project);
    const { runs, unreadable } = await listRunSummaries(project, new Set(manifest?.sessions.map((session) => session.id) ?? []));
    for (const each of unreadable) log.warn(each.reason);
    const hosts = await onHosts;
    for (const host of hosts) if (host.error) log.warn(host.error);
    if (args.json) {
      printJson({ runs: [...runs, ...hosts.flatMap((host) => host.runs)] });
      return;
    }
    if (hosts.length > 0) {
      (await import('../../ui/hosts-view.js')).printRunsWithHosts(runs, hosts);
      return;
    }
    if (runs.length === 0) {
      printLine('No runs yet. Start one with: pwt run start <run> --agents claude,codex --prompt "what to do"');
      return;
    }
    const rows = runs.map((run) => [
      run.name,
      age(run.createdAt),
      run.providers.join(','),
      run.picked ? `picked ${run.picked.provider} (${run.picked.strategy})` : `${run.live}/${run.sessions.length} sessions`,
      run.goals[0] ?? '',
    ]);
    printLine(table(['RUN', 'AGE', 'AGENTS', 'STATE', 'GOAL'], rows));
  },
});
