import { listPanes } from '../tmux/windows.js';
import { SOCKET_NAME, tmuxVersion, TmuxUnavailable } from '../tmux/tmux.js';
import type { Check } from '../infra/check.js';

/**
 * tmux for the agent commands: installed, new enough (`new-window -e` needs
 * 3.0), and what pwt's own server (`tmux -L pwt`) holds right now.
 */
export async function checkTmux(): Promise<Check> {
  const version = await tmuxVersion();
  if (!version)
    return {
      name: 'tmux',
      level: 'warn',
      detail: 'tmux not found (pwt agent start|switch|resume and create --agent run agents in tmux)',
      fix: 'Install tmux 3.0 or newer (apt-get install tmux, brew install tmux).',
    };
  const major = Number(version.match(/^(\d+)/)?.[1] ?? 0);
  if (major < 3)
    return {
      name: 'tmux',
      level: 'warn',
      detail: `tmux ${version}: too old for pwt's agents (3.0+ passes environment to new windows)`,
      fix: 'Upgrade tmux to 3.0 or newer.',
    };
  let server: string;
  try {
    const panes = await listPanes();
    const agents = panes.filter((pane) => pane.agentId && !pane.dead).length;
    server = panes.length === 0 ? `pwt's server (tmux -L ${SOCKET_NAME}) not running` : `pwt's server (tmux -L ${SOCKET_NAME}): ${agents} agent(s) running`;
  } catch (error) {
    if (error instanceof TmuxUnavailable)
      return {
        name: 'tmux',
        level: 'warn',
        detail: `tmux ${version}; pwt's server (tmux -L ${SOCKET_NAME}) does not answer: ${error.message}`,
        fix: `If it hangs, end it with: tmux -L ${SOCKET_NAME} kill-server (this stops pwt's agents).`,
      };
    throw error;
  }
  return { name: 'tmux', level: 'ok', detail: `tmux ${version}; ${server}` };
}
