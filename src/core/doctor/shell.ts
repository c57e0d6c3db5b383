import type { Check } from '../infra/check.js';
import { shellIntegrationState } from '../shell/install.js';

/** `pwt doctor`'s line for the shell integration. */
export function checkShellIntegration(env: NodeJS.ProcessEnv = process.env): Check {
  const state = shellIntegrationState(env);
  if (!state.shell)
    return {
      name: 'shell',
      level: 'warn',
      detail: `shell ${env.SHELL ?? '(unknown)'}: pcd/pstart/pend exist for bash, zsh and fish only`,
      fix: 'In bash, zsh or fish: pwt shell-init --install <shell>',
    };
  if (state.loaded)
    return { name: 'shell', level: 'ok', detail: `pcd/pstart/pend loaded in this ${state.shell}${state.installed ? ` (from ${state.rc})` : ''}` };
  if (state.installed) return { name: 'shell', level: 'ok', detail: `${state.rc} loads pcd/pstart/pend (open a new ${state.shell} to use them)` };
  return { name: 'shell', level: 'warn', detail: `pcd/pstart/pend not set up for ${state.shell}`, fix: `pwt shell-init --install ${state.shell}` };
}
