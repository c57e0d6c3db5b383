import { HostWatch } from '../core/sessions/watch/hosts.js';
import { passThroughError, remoteInteractive, remotePassThrough } from '../core/hosts/remote.js';
import { findHost } from '../core/hosts/store.js';
import type { Project } from '../core/project/project.js';
import type { WatchFrame } from '../core/sessions/watch/model.js';
import type { Line } from '../core/sessions/watch/rows.js';

/**
 * `pwt watch` with hosts: their sessions under the local ones (a HOST
 * column), and the view's keys on a host row run there: d diff, s stop,
 * r resume, n switch, Enter attach (`ssh -t` into the host's tmux).
 */
export function hostWatch(project: Project) {
  const hosts = new HostWatch(project);
  const hostOf = (frame: WatchFrame | null, line: Line) => {
    const name = frame?.sessions.find((row) => row.session.id === line.sessionId && row.host)?.host;
    return name ? findHost(project.sessionsDir, name) : null;
  };
  return {
    merge: (frame: WatchFrame): WatchFrame => ({ ...frame, sessions: [...frame.sessions, ...hosts.current()] }),
    /** The action's message, or null when the line is not a host session's. */
    async act(frame: WatchFrame | null, action: string, line: Line, provider?: string): Promise<string | null> {
      const host = hostOf(frame, line);
      if (!host) return null;
      const args =
        action === 'diff'
          ? ['diff', line.sessionId, '--stat']
          : action === 'stop'
            ? ['agent', 'stop', '--session', line.sessionId]
            : action === 'resume'
              ? ['agent', 'resume', '--detach', '--session', line.sessionId]
              : ['agent', 'switch', provider ?? '', '--detach', '--session', line.sessionId];
      const result = await remotePassThrough(host, args);
      if (result.code !== 0) throw passThroughError(host, args, result.code, result.stderr);
      return (action === 'diff' ? result.stdout : result.stderr).trim() || `${line.sessionId}: done on ${host.name}`;
    },
    /** Attaches to a host session's agent; null when the line is not a host session's. */
    async attach(frame: WatchFrame | null, line: Line): Promise<string | null> {
      const host = hostOf(frame, line);
      if (!host) return null;
      const code = await remoteInteractive(host, ['agent', 'attach', '--session', line.sessionId]);
      return code === 0 ? '' : `attach on ${host.name} ended with exit ${code}.`;
    },
  };
}
