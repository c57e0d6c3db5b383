import { defineCommand } from 'citty';
import { shellWord } from '../core/infra/shell-word.js';
import { createSession } from '../core/sessions/create/index.js';
import { assertNamePattern } from '../core/project/names.js';
import { openProject, type Project } from '../core/project/project.js';
import { isPwtError, PwtError, usageError } from '../core/infra/errors.js';
import { log, printJson } from '../ui/log.js';
import { writeCdTarget } from '../core/shell/integration.js';
import { shellIntegrationHint } from '../core/shell/install.js';
import { hookArgs, jsonArg, repeated } from './_args.js';
import { hookOptions, reportHookResult } from '../ui/hooks.js';
import { relative } from 'node:path';
import { hasHosts } from '../core/hosts/store.js';
import { refuseHostSessionName } from './_host.js';

export default defineCommand({
  meta: { name: 'create', description: 'Create a session: a git worktree on branch session/<name> in the sessions dir' },
  args: {
    name: { type: 'positional', description: 'Session name (letters, digits, . _ -; at most 64)', required: true },
    goal: { type: 'string', description: 'A goal for the session (repeatable)' },
    base: { type: 'string', description: "Branch or commit to start from (default: the main worktree's branch)" },
    on: { type: 'string', description: 'Stack on another session: start from its branch, land after it (pwt land)' },
    'allow-dirty': { type: 'boolean', description: 'Allow uncommitted changes in the main worktree' },
    env: { type: 'boolean', default: true, description: 'Copy env files into the session (--no-env to skip)' },
    ...hookArgs,
    agent: { type: 'string', description: 'Start this agent CLI in the new session (claude|codex|gemini|copilot|cursor|opencode|pi)' },
    prompt: { type: 'string', description: 'With --agent: its first prompt' },
    detach: { type: 'boolean', description: 'With --agent: leave it running in the background; do not attach this terminal' },
    host: { type: 'string', description: 'Make it on this host (pwt host list): in its clone, by the pwt there (docs/hosts.md)' },
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    assertNamePattern(args.name);
    if (args.on !== undefined) assertNamePattern(args.on);
    if (args.on !== undefined && args.base !== undefined)
      throw usageError('--on and --base exclude each other.', "Pass one: --on <session> starts from that session's branch.");
    if ((args.prompt !== undefined || args.detach) && !args.agent)
      throw usageError('--prompt and --detach go with --agent.', 'Add --agent <provider>, e.g. pwt create x --agent claude --prompt "..."');
    if (args.host !== undefined) {
      const { createOnHostCommand } = await import('./_host-create.js');
      await createOnHostCommand(args, repeated(rawArgs, 'goal'));
      return;
    }
    // Checked before anything is made: an unknown provider, a missing tmux or a missing CLI leaves no half-started session.
    const agent = args.agent ? await prepareAgent(args.agent) : null;
    const project = await openProject();
    if (hasHosts(project.sessionsDir)) await refuseHostSessionName(project, args.name);
    const result = await createSession(project, {
      name: args.name,
      goals: repeated(rawArgs, 'goal'),
      base: args.base,
      ...(args.on !== undefined ? { on: args.on } : {}),
      allowDirty: args['allow-dirty'],
      copyEnv: args.env !== false,
      hooks: hookOptions(args),
    });
    const entering = writeCdTarget(result.path); // for pstart (shell/*): a raw path, never shell code
    const launch = agent ? await agent.start(project, result.session.id, args.prompt) : null;
    if (args.json) {
      reportHookResult(result);
      printJson({
        ...result.session,
        ...(launch ? { agents: [launch.agent] } : {}),
        path: result.path,
        ...(result.copy ? { copy: { paths: result.copied, ...result.copy } } : {}),
        ...(result.hooks.length ? { hooks: result.hooks } : {}),
      });
      return;
    }
    if (result.finished) log.info(`Finished the pwt create ${result.session.id} that was interrupted (started ${result.finished}).`);
    log.success(
      `Created session ${result.session.id} on ${result.session.branch} (from ` +
        `${result.session.base}${args.on !== undefined ? `: stacked on ${args.on}` : ''}).`,
    );
    if (result.envCopied.length) log.info(`Copied env files: ${result.envCopied.join(', ')}`);
    if (result.envKept.length) log.info(`Kept the session's own: ${result.envKept.join(', ')} (never overwritten)`);
    reportHookResult(result);
    log.info(`Path: ${result.path}`);
    if (!entering) log.info(`Go there: pcd ${result.session.id}   (or: cd ${shellWord(relative(process.cwd(), result.path) || '.')})`);
    const tip = shellIntegrationHint();
    if (tip) log.info(tip);
    if (launch) {
      const { printNotes, showAgent } = await import('./agent/_shared.js');
      printNotes(launch.notes);
      await showAgent(launch, args.detach);
    }
  },
});

/** Validates --agent, tmux and the provider's CLI up front; returns how to start it once the session exists. */
async function prepareAgent(name: string) {
  const runtime = await import('../core/agents/runtime/index.js');
  const provider = runtime.parseProviderName(name);
  const { requireTmux } = await import('../core/tmux/tmux.js');
  await requireTmux();
  await (await import('../core/agents/vendors/install.js')).requireCli(provider);
  return {
    async start(project: Project, session: string, prompt: string | undefined) {
      try {
        return await runtime.startAgent(project, { session, provider, prompt });
      } catch (error) {
        if (isPwtError(error))
          throw new PwtError(
            `Created session ${session}, but could not start ${provider}: ${error.message}`,
            error.exitCode,
            error.hint ?? `Start it later with: pwt agent start ${provider} --session ${session}`,
          );
        throw error;
      }
    },
  };
}
