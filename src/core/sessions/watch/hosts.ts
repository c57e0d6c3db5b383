import type { AgentEntry } from '../../agents/runtime/records.js';
import type { SessionRecord } from '../../manifest/manifest.js';
import type { Project } from '../../project/project.js';
import type { AgentRow, SessionRow } from './model.js';
import { collectHostStatus, type HostReport } from '../../hosts/sessions.js';

/**
 * The hosts' part of `pwt watch`: every host's `pwt status --json`, asked in
 * the background (one round trip per host per refresh, never more than one at
 * a time), kept as rows the view merges under the local ones. A frame never
 * waits for a host: it shows the last answer, or the host's recorded
 * sessions as unreachable.
 */
const REFRESH_MS = 2_000;

function rowsOf(report: HostReport): SessionRow[] {
  return report.sessions.map((remote): SessionRow => {
    const raw = remote as Record<string, any>;
    const session = {
      id: remote.id,
      branch: String(raw.branch ?? ''),
      worktree: '',
      startedAt: String(raw.startedAt ?? ''),
      goals: Array.isArray(raw.goals) ? raw.goals : [],
      status: 'active',
    } as SessionRecord;
    const agents: AgentRow[] =
      report.reachable && Array.isArray(raw.agents)
        ? raw.agents.map((agent: Record<string, any>) => ({
            agent: { ...agent, session: remote.id } as unknown as AgentEntry,
            status: agent.status ?? 'unknown',
            limit: agent.status === 'limited' ? { until: agent.limitedUntil ?? null, source: 'screen' } : null,
            activity: agent.activity
              ? { activity: agent.activity, activitySource: agent.activitySource ?? 'screen', activitySince: agent.activitySince ?? new Date().toISOString() }
              : null,
          }))
        : [];
    const git = report.reachable
      ? { ahead: raw.ahead ?? null, behind: raw.behind ?? null, changes: typeof raw.changes === 'number' ? raw.changes : null }
      : null;
    return { session, path: String(raw.path ?? ''), current: false, git, agents, host: report.host, reachable: report.reachable };
  });
}

export class HostWatch {
  private rows: SessionRow[] = [];
  private running: Promise<void> | null = null;
  private last = 0;

  constructor(private readonly project: Project) {}

  /** The latest host rows; starts a refresh when one is due (never waits for it). */
  current(now = Date.now()): SessionRow[] {
    if (!this.running && now - this.last >= REFRESH_MS) {
      this.running = collectHostStatus(this.project)
        .then((reports) => void (this.rows = reports.flatMap(rowsOf)))
        .catch(() => undefined)
        .finally(() => {
          this.last = Date.now();
          this.running = null;
        });
    }
    return this.rows;
  }

  /** The first answer (or timeout) of every host: the view's first frame waits for it once. */
  async settled(): Promise<void> {
    this.current();
    await this.running;
  }
}
