import { defineCommand } from 'citty';
import { preconditionError } from '../core/infra/errors.js';
import { openProject } from '../core/project/project.js';
import { diffSession } from '../core/sessions/diff.js';
import { requireTmux } from '../core/tmux/tmux.js';
import { attachFailure, attachWindow } from '../core/tmux/windows.js';
import { WatchModel, type WatchFrame } from '../core/sessions/watch/model.js';
import { newlyWaiting, type Line } from '../core/sessions/watch/rows.js';
import { desktopNotify } from '../core/sh/notify.js';
import { bell } from '../ui/log.js';
import { agentNotesLine } from '../ui/agent-notes.js';
import { hasHosts } from '../core/hosts/store.js';

/**
 * `pwt watch [--notify]`: the live view of every session and its agents
 * (docs/activity.md, "pwt watch"). The terminal UI library loads only here.
 */
export default defineCommand({
  meta: { name: 'watch', description: 'A live full-screen view of every session and its agents; Enter attaches' },
  args: {
    notify: { type: 'boolean', description: 'Ring the bell (and notify-send when present) when an agent starts waiting for you' },
  },
  async run({ args }) {
    if (!process.stdout.isTTY || !process.stdin.isTTY)
      throw preconditionError('pwt watch needs a terminal.', 'For scripts use: pwt status --json, pwt agent list --all --json');
    await requireTmux();
    const project = await openProject();
    const model = new WatchModel(project);
    const hosts = hasHosts(project.sessionsDir) ? (await import('./_host-watch.js')).hostWatch(project) : null;
    let latest: WatchFrame | null = null;
    const agentOf = (line: Line) =>
      latest?.sessions
        .find((row) => row.session.id === line.sessionId)
        ?.agents.find((a) => (line.agentId ? a.agent.id === line.agentId : a.status === 'running'));
    const { runWatchView } = await loadViewOutsideCi();
    const { installedProviders } = await import('../core/agents/vendors/install.js');
    await runWatchView({
      color: !process.env.NO_COLOR && process.env.TERM !== 'dumb',
      providers: await installedProviders(),
      load: async () => (latest = hosts ? hosts.merge(await model.frame()) : await model.frame()),
      onFrame(previous, next) {
        if (!args.notify || previous === null) return;
        for (const row of newlyWaiting(previous, next)) {
          bell();
          desktopNotify('pwt: an agent is waiting', `${row.agent.id} (${row.agent.provider}) needs you`);
        }
      },
      async act(action, line, provider) {
        const onHost = await hosts?.act(latest, action, line, provider);
        if (onHost !== undefined && onHost !== null) return onHost;
        if (action === 'diff') {
          const result = await diffSession(project, { name: line.sessionId, stat: true });
          return result.text.trim() || `${line.sessionId}: no changes since ${result.base}`;
        }
        const { resumeAgent, startAgent, stopAgent } = await import('../core/agents/runtime/index.js');
        const ref = { session: line.sessionId, ...(line.agentId ? { agent: line.agentId } : {}) };
        if (action === 'stop') {
          const { agent } = await stopAgent(project, ref);
          return `Stopped ${agent.id}.`;
        }
        if (action === 'resume') {
          const launch = await resumeAgent(project, ref);
          return launch.alreadyRunning ? `${launch.agent.id} is already running.` : `Resumed ${launch.agent.id}.`;
        }
        if (!provider) return '';
        const launch = await startAgent(project, { session: line.sessionId, provider, mode: 'switch' });
        return `${agentNotesLine(launch.notes)} ${launch.agent.id} runs now.`.trimStart();
      },
      async attach(line) {
        const onHost = await hosts?.attach(latest, line);
        if (onHost !== undefined && onHost !== null) return onHost;
        const row = agentOf(line);
        if (!row || row.status !== 'running' || !row.agent.tmux) return `No agent runs in ${line.sessionId}: r resumes one.`;
        const end = await attachWindow(row.agent.tmux.session, row.agent.tmux.window);
        return end.code === 0 ? '' : attachFailure(end);
      },
      // The control client's tmux process ends with the view (it would also end with this process).
    }).finally(() => model.close());
  },
});

/**
 * Ink decides once, when it loads, whether it runs "in CI" (the CI or
 * CONTINUOUS_INTEGRATION variable), and then draws only the last frame. The
 * view is for a person at a terminal (checked above), so load it with those
 * variables hidden and put them back for everything else (git, tmux, agents).
 */
async function loadViewOutsideCi(): Promise<typeof import('../ui/watch/run.js')> {
  const saved = { CI: process.env.CI, CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION };
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  try {
    return await import('../ui/watch/run.js');
  } finally {
    for (const [key, value] of Object.entries(saved)) if (value !== undefined) process.env[key] = value;
  }
}
