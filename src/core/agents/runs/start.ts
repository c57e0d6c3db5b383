import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { changedPaths, currentBranch, refExists, resolveCommit } from '../../git/git.js';
import { preconditionError, PwtError, usageError } from '../../infra/errors.js';
import { findSession } from '../../manifest/manifest.js';
import { readManifest } from '../../manifest/store.js';
import { validateName } from '../../project/names.js';
import type { Project } from '../../project/project.js';
import { createSession } from '../../sessions/create/index.js';
import { readIntent } from '../../sessions/intents/intent.js';
import { isSameProcess, processStartTime } from '../../infra/processes.js';
import { requireTmux } from '../../tmux/tmux.js';
import { findExecutable } from '../vendors/common.js';
import { loadAdapter } from '../vendors/index.js';
import { PROVIDERS, type Provider } from '../vendors/types.js';
import { watchBudget } from '../admission/admit.js';
import { startAgent, type AgentNote as Note } from '../runtime/index.js';
import type { AgentEntry } from '../runtime/records.js';
import { assertRunName, createRun, readRun, updateRun, updateRunAgent, RUN_VERSION, type RunAgent, type RunFile } from './store.js';

/**
 * `pwt run start`: one session per provider (`<run>-<provider>`), each with
 * its agent started detached with the run's prompt. Everything that would
 * stop every provider alike (a bad name, an existing run or session, a dirty
 * main worktree, no tmux) refuses before anything is made; after that, a
 * provider that cannot start (its CLI is missing, its start fails) is
 * recorded in the run file with the reason and the others go on.
 */
export interface RunStartOptions {
  name: string;
  providers: string[];
  goals: string[];
  prompt?: string;
  base?: string;
  /** `--budget`: the scheduler stops the run's agents once their cost together passes it. */
  budgetUsd?: number;
  env?: NodeJS.ProcessEnv;
  onProgress?: (message: string) => void;
}

/** One provider's part of the plan: make the session and start the agent, or why it cannot. */
export interface StartGroup {
  provider: Provider;
  session: string;
  /** Set when the provider cannot start at all (its CLI is not installed). */
  blocked?: string;
  /** The agent id, when a start that was cut had started it already. */
  started?: string;
}

export interface RunStartPlan {
  run: RunFile;
  groups: StartGroup[];
}

export interface RunStartResult {
  run: string;
  started: { provider: string; session: string; agentId: string }[];
  failed: { provider: string; session: string; error: string }[];
  notes: Note[];
  /** When the start this run finished had begun (it had been cut). */
  finished?: string;
}

export const sessionOf = (run: string, provider: string) => `${run}-${provider}`;

/** Parses `--agents claude,codex`: known providers, each once. */
export function parseProviders(list: string[]): Provider[] {
  const names = list
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter(Boolean);
  if (names.length === 0) throw usageError('A run needs at least one provider.', `Pass --agents with a comma-separated list: ${PROVIDERS.join(',')}`);
  const unknown = names.filter((name) => !(PROVIDERS as readonly string[]).includes(name));
  if (unknown.length > 0) throw usageError(`Unknown provider${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`, `Use: ${PROVIDERS.join(', ')}.`);
  const twice = names.filter((name, index) => names.indexOf(name) !== index);
  if (twice.length > 0) throw usageError(`${twice[0]} is listed twice in --agents.`, 'A run has one session per provider.');
  return names as Provider[];
}

/** The plan from the facts gathered; no I/O. */
export function planRunStart(input: {
  name: string;
  providers: Provider[];
  goals: string[];
  prompt: string;
  base: string;
  missingClis: Map<Provider, string>;
  now: string;
  budgetUsd?: number;
}): RunStartPlan {
  const groups = input.providers.map((provider): StartGroup => {
    const session = sessionOf(input.name, provider);
    const missing = input.missingClis.get(provider);
    return { provider, session, ...(missing ? { blocked: `${missing} is not installed or not on PATH.` } : {}) };
  });
  const agents: RunAgent[] = groups.map((group) => ({
    session: group.session,
    provider: group.provider,
    agentId: null,
    vendorSessionId: null,
    cliCommand: null,
    tmuxSession: null,
    spawnedAt: null,
    ...(group.blocked ? { error: group.blocked } : {}),
  }));
  const run: RunFile = { version: RUN_VERSION, name: input.name, createdAt: input.now, goals: input.goals, prompt: input.prompt, base: input.base, agents };
  if (input.budgetUsd !== undefined) run.budgetUsd = input.budgetUsd;
  return { run, groups };
}

/** The run file's view of a started agent. */
export function runFieldsOf(agent: AgentEntry): Partial<RunAgent> {
  return {
    agentId: agent.id,
    vendorSessionId: agent.vendorSessionId,
    cliCommand: agent.cliCommand,
    tmuxSession: agent.tmux?.session ?? null,
    spawnedAt: agent.spawnedAt,
  };
}

async function refuseUpFront(project: Project, name: string, providers: Provider[], base: string): Promise<void> {
  const { repo, config } = project;
  if (!repo.isMain)
    throw preconditionError(
      `You are inside a worktree (${repo.worktreePath}), not the main worktree.`,
      `Start runs from the main worktree: cd "${repo.mainPath}" and run pwt run start again.`,
    );
  if (readRun(project.sessionsDir, name))
    throw preconditionError(`A run named "${name}" already exists.`, `See it with: pwt run show ${name}; resume it with: pwt run resume ${name}`);
  const manifest = await readManifest(project);
  for (const provider of providers) {
    const session = sessionOf(name, provider);
    await validateName(session, config.branchPrefix, repo.mainPath);
    if (findSession(manifest, session)) throw preconditionError(`A session named "${session}" already exists.`, 'Pick another run name.');
    if (await refExists(repo.mainPath, `refs/heads/${config.branchPrefix}${session}`))
      throw preconditionError(`The branch ${config.branchPrefix}${session} already exists.`, 'Pick another run name.');
    if (existsSync(join(project.sessionsDir, session)))
      throw preconditionError(`The folder ${join(project.sessionsDir, session)} already exists.`, 'Pick another run name.');
  }
  const changes = await changedPaths(repo.mainPath, { untracked: 'no' });
  if (changes.length > 0)
    throw preconditionError(
      `The main worktree has ${changes.length} uncommitted change(s) to tracked files.`,
      'Commit or stash them first (the sessions start from the last commit).',
    );
  if (!(await resolveCommit(repo.mainPath, base)))
    throw preconditionError(`The base "${base}" does not name a commit.`, 'Pass an existing branch, tag or commit with --base.');
}

/** Providers whose CLI is not on PATH, with the executable's name. */
async function missingClis(providers: Provider[], env: NodeJS.ProcessEnv): Promise<Map<Provider, string>> {
  const missing = new Map<Provider, string>();
  for (const provider of providers) {
    const adapter = await loadAdapter(provider);
    if (!findExecutable(adapter.binary, env)) missing.set(provider, adapter.binary);
  }
  return missing;
}

/** Creates a run's session for one provider when it is not there yet, then starts (or resumes) its agent detached. */
export async function startGroup(project: Project, run: RunFile, group: StartGroup, env: NodeJS.ProcessEnv): Promise<{ agent: AgentEntry; notes: Note[] }> {
  const missing = (await missingClis([group.provider], env)).get(group.provider);
  // Checked before the session is made: a provider that cannot start leaves no empty session behind.
  if (missing) throw preconditionError(`${missing} is not installed or not on PATH.`, `Install ${group.provider}'s CLI (pwt doctor says how).`);
  // A create that was cut (its intent recorded) is finished by creating again.
  if (!findSession(await readManifest(project), group.session) || readIntent(project.sessionsDir, group.session)?.kind === 'create') {
    await createSession(project, { name: group.session, goals: run.goals, ...(run.base ? { base: run.base } : {}) });
  }
  const launch = await startAgent(project, {
    session: group.session,
    provider: group.provider,
    ...(run.prompt ? { prompt: run.prompt } : {}),
    handoff: false,
    env,
    extra: { run: run.name },
  });
  return { agent: launch.agent, notes: launch.notes };
}

/**
 * The run this start finishes: one whose `pwt run start` was killed (its
 * `starting` names a pwt that is gone). Null when there is no such run; a
 * start still running, or other providers than the recorded ones, refuse.
 */
function interruptedStart(project: Project, name: string, providers: Provider[]): RunFile | null {
  const run = readRun(project.sessionsDir, name);
  if (!run?.starting) return null;
  const command = `pwt run start ${name} --agents ${run.agents.map((agent) => agent.provider).join(',')}`;
  if (isSameProcess(run.starting.pid, run.starting.start))
    throw preconditionError(
      `Another pwt is starting run ${name} right now (pid ${run.starting.pid}).`,
      `Wait for it, then see the run with: pwt run show ${name}`,
    );
  if (providers.join(',') !== run.agents.map((agent) => agent.provider).join(','))
    throw preconditionError(`${command} was interrupted (started ${run.starting.at}) and is not finished.`, `Run ${command} again to finish it.`);
  return run;
}

export async function startRun(project: Project, opts: RunStartOptions): Promise<RunStartResult> {
  assertRunName(opts.name);
  const providers = parseProviders(opts.providers);
  const prompt = opts.prompt ?? opts.goals.join('\n');
  if (!prompt.trim()) throw usageError('A run needs something to do.', 'Pass --prompt "..." (or --prompt-file F), or at least one --goal.');
  const env = opts.env ?? process.env;
  await requireTmux();
  // Killed while it started the run: the same command again finishes what the run file recorded (prompt, goals, base).
  const cut = interruptedStart(project, opts.name, providers);
  let run: RunFile;
  let groups: StartGroup[];
  if (cut) {
    run = cut;
    groups = cut.agents.map((agent) => ({
      provider: agent.provider as Provider,
      session: agent.session,
      ...(agent.error ? { blocked: agent.error } : {}),
      ...(agent.agentId ? { started: agent.agentId } : {}),
    }));
  } else {
    const base = opts.base ?? (await currentBranch(project.repo.mainPath)) ?? 'HEAD';
    await refuseUpFront(project, opts.name, providers, base);
    const plan = planRunStart({
      name: opts.name,
      providers,
      goals: opts.goals,
      prompt,
      base,
      missingClis: await missingClis(providers, env),
      now: new Date().toISOString(),
      ...(opts.budgetUsd !== undefined ? { budgetUsd: opts.budgetUsd } : {}),
    });
    run = { ...plan.run, starting: { pid: process.pid, start: processStartTime(process.pid), at: plan.run.createdAt } };
    groups = plan.groups;
    await createRun(project.sessionsDir, run);
  }

  const result: RunStartResult = { run: opts.name, started: [], failed: [], notes: [], ...(cut?.starting ? { finished: cut.starting.at } : {}) };
  for (const group of groups) {
    if (group.blocked) {
      result.failed.push({ provider: group.provider, session: group.session, error: group.blocked });
      continue;
    }
    if (group.started) {
      result.started.push({ provider: group.provider, session: group.session, agentId: group.started });
      continue;
    }
    opts.onProgress?.(`Starting ${group.provider} in ${group.session}...`);
    try {
      const { agent, notes } = await startGroup(project, run, group, env);
      await updateRunAgent(project.sessionsDir, opts.name, group.session, (entry) => Object.assign(entry, runFieldsOf(agent)));
      result.started.push({ provider: group.provider, session: group.session, agentId: agent.id });
      result.notes.push(...notes);
    } catch (error) {
      if (!(error instanceof PwtError)) throw error;
      const message = `${error.message}${error.hint ? ` ${error.hint}` : ''}`;
      await updateRunAgent(project.sessionsDir, opts.name, group.session, (entry) => {
        entry.error = message;
      });
      result.failed.push({ provider: group.provider, session: group.session, error: message });
    }
  }
  await updateRun(project.sessionsDir, opts.name, (file) => {
    delete file.starting;
  });
  if (run.budgetUsd !== undefined && result.started.length > 0) await watchBudget(project.repo.mainPath, opts.name, env);
  return result;
}
