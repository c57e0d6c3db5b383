import { existsSync } from 'node:fs';
import { agentJson, agentStates } from '../agents/runtime/activity/summary.js';
import { findAgent, sendText, waitForActivity } from '../agents/runtime/activity/control.js';
import { noteWithText, parseProviderName, startAgent } from '../agents/runtime/index.js';
import { agentTranscript } from '../agents/lookup.js';
import { recentJson } from '../agents/transcript-render.js';
import { cancelledError, preconditionError, usageError } from '../infra/errors.js';
import { findSession, sessionPath } from '../manifest/manifest.js';
import { readManifest } from '../manifest/store.js';
import { assertNamePattern } from '../project/names.js';
import type { Project } from '../project/project.js';
import { whichSession } from '../project/which-session.js';
import { compareRun } from '../agents/runs/compare.js';
import { PICK_STRATEGIES, pickJson, pickRun, type PickStrategy } from '../agents/runs/end.js';
import { startRun } from '../agents/runs/start.js';
import { assertRunName, requireRun } from '../agents/runs/store.js';
import { landSessions } from '../land/index.js';
import { landOutcomeError } from '../land/outcome.js';
import { createSession } from '../sessions/create/index.js';
import { diffSession } from '../sessions/diff.js';
import { removeSession, STRATEGIES, type Strategy } from '../sessions/remove/index.js';
import { collectStatus } from '../sessions/status.js';
import { requireTmux } from '../tmux/tmux.js';
import { PROVIDERS } from '../agents/vendors/types.js';
import type { ArgsSpec } from './args.js';

/**
 * The tools of `pwt mcp` (docs/mcp.md). Each is a thin call into the same
 * core function the CLI command uses, so it makes the same checks and refuses
 * the same way (a PwtError: one line, a hint, the CLI's exit code). None runs
 * a command the caller names: a check runs only when the person who started
 * the server allowed that exact command (`pwt mcp --check CMD`).
 */
export interface ToolContext {
  /** The repository, opened at its main worktree (sessions and runs are made from there). */
  project: Project;
  /** The session whose worktree the server was started in, if any. */
  caller: { id: string; branch: string } | null;
  /** The check commands the person allowed with `pwt mcp --check`. */
  checks: string[];
  /** A progress line for the client (a progress notification when the call asked for them). */
  progress: (message: string) => void;
  /** Asks the person through the client; true only on an explicit yes. Throws when nobody can be asked. */
  confirm: (question: string, refusal: { action: string; cli: string }) => Promise<boolean>;
  /** True when the server was started with --allow-end: ending, picking and landing need no question. */
  allowEnd: boolean;
  /** The client gave up on this call (cancelled, disconnected). */
  signal: AbortSignal;
}

export interface Tool {
  name: string;
  description: string;
  args: ArgsSpec;
  /** Read-only tools say so to the client. */
  readOnly?: boolean;
  /** Tools that change the user's branches (asked first). */
  destructive?: boolean;
  run: (args: Record<string, any>, ctx: ToolContext) => Promise<Record<string, unknown>>;
}

const sessionArg = { type: 'string', description: 'The session name (pwt status lists them)', required: true } as const;
const providerList = PROVIDERS.join(', ');

async function statusReport(project: Project): Promise<Record<string, unknown>> {
  // What `pwt status --json` prints.
  const report = await collectStatus(project, {});
  const states = report.sessions.some((session) => session.agents.length > 0) ? await agentStates(project) : null;
  return {
    ...report,
    sessions: report.sessions.map((session) => ({
      ...session,
      agents: session.agents.map((agent) => (states ? agentJson(agent, states) : agent)),
    })),
  };
}

function allowedCheck(ctx: ToolContext, check: string | undefined, tool: string): string | undefined {
  if (check === undefined) return undefined;
  if (ctx.checks.includes(check)) return check;
  throw usageError(
    `${tool} runs only the check commands the user allowed when starting pwt mcp; "${check}" is not one ` +
      `of them (${ctx.checks.length ? ctx.checks.map((each) => `"${each}"`).join(', ') : 'none allowed'}).`,
    `Ask the user to add it to the server's command (pwt mcp --check "${check}"), or call ${tool} without check.`,
  );
}

export const TOOLS: Tool[] = [
  {
    name: 'list_sessions',
    description: 'Every session of the repository with its branch, base, changes, ahead/behind, goals and agents (what `pwt status --json` prints).',
    args: {},
    readOnly: true,
    run: (_args, ctx) => statusReport(ctx.project),
  },
  {
    name: 'create_session',
    description:
      'Create a session: a git worktree on branch session/<name>. Called from inside a session, it stacks ' +
      'on that session (starts from its branch) unless `on` or `base` says otherwise. Refused like `pwt ' +
      'create` (name taken, base unknown, main worktree dirty).',
    args: {
      name: { type: 'string', description: 'Session name (letters, digits, . _ -; at most 64)', required: true },
      goal: { type: 'string', description: 'What the session is for' },
      base: { type: 'string', description: "Branch or commit to start from (default: the caller's session, else the main worktree's branch)" },
      on: { type: 'string', description: 'Stack on this session: start from its branch' },
    },
    async run(args, ctx) {
      assertNamePattern(args.name);
      if (args.base !== undefined && args.on !== undefined)
        throw usageError('create_session takes base or on, not both.', 'on stacks on a session (its branch is the base); base names any branch or commit.');
      const on: string | undefined = args.on ?? (args.base === undefined ? ctx.caller?.id : undefined);
      if (on !== undefined) assertNamePattern(on);
      const result = await createSession(ctx.project, {
        name: args.name,
        goals: args.goal !== undefined ? [args.goal] : [],
        ...(on !== undefined ? { on } : args.base !== undefined ? { base: args.base } : {}),
        hooks: { enabled: true },
        onStep: ctx.progress,
      });
      return {
        ...result.session,
        path: result.path,
        ...(on !== undefined ? { on } : {}),
        ...(result.hooks.length ? { hooks: result.hooks } : {}),
        ...(result.hookNote ? { hookNote: result.hookNote } : {}),
        ...(result.hookFailure ? { hookFailure: result.hookFailure } : {}),
      };
    },
  },
  {
    name: 'start_agent',
    description: `Start (or resume) an agent CLI in a session, in pwt's tmux, in the background: ${providerList}. With prompt, that is its first message.`,
    args: {
      session: sessionArg,
      provider: { type: 'string', enum: PROVIDERS, description: `The agent CLI: ${providerList}`, required: true },
      prompt: { type: 'string', description: 'Its first prompt' },
      handoff: { type: 'boolean', description: "Give it the session's previous agent conversation (default true)" },
    },
    async run(args, ctx) {
      assertNamePattern(args.session);
      const provider = parseProviderName(args.provider);
      await requireTmux();
      const launch = await startAgent(ctx.project, { session: args.session, provider, prompt: args.prompt, handoff: args.handoff !== false });
      return {
        session: args.session,
        agent: launch.agent,
        resumed: launch.resumed,
        alreadyRunning: launch.alreadyRunning,
        notes: launch.notes.map(noteWithText),
      };
    },
  },
  {
    name: 'send_to_agent',
    description: "Type text into the session's running agent and submit it (as `pwt agent send`).",
    args: { session: sessionArg, text: { type: 'string', description: 'What to send', required: true } },
    async run(args, ctx) {
      assertNamePattern(args.session);
      if (!args.text.trim()) throw usageError('send_to_agent needs some text.', 'Pass text: what the agent should read.');
      const target = await findAgent(ctx.project, { session: args.session });
      await sendText(ctx.project, target, args.text);
      return { session: target.session, agent: target.agent.id, sent: true };
    },
  },
  {
    name: 'wait_for_agent',
    description:
      "Wait until the session's running agent is idle (its turn is over) or waiting (it asks something), " +
      'reporting progress meanwhile. Refused (exit code 3) on timeout or when it is not running.',
    args: {
      session: sessionArg,
      for: { type: 'string', enum: ['idle', 'waiting'], description: 'idle (default) or waiting' },
      timeout_s: { type: 'integer', minimum: 0, description: 'Seconds to wait at most (default 600)' },
    },
    async run(args, ctx) {
      assertNamePattern(args.session);
      const target = await findAgent(ctx.project, { session: args.session });
      const want = (args.for ?? 'idle') as 'idle' | 'waiting';
      const started = Date.now();
      let last = 0;
      const state = await waitForActivity(ctx.project, target, want, (args.timeout_s ?? 600) * 1000, 250, {
        signal: ctx.signal,
        onPoll: (activity) => {
          if (Date.now() - last < 2000) return;
          last = Date.now();
          ctx.progress(`${target.agent.id} is ${activity?.activity ?? 'starting'} (${Math.round((Date.now() - started) / 1000)} s)`);
        },
      });
      return { id: target.agent.id, session: target.session, ...state };
    },
  },
  {
    name: 'read_transcript',
    description:
      'The conversation of an agent in a session, normalized ({ provider, id, messages: [{ role, text, ' +
      'tools, at }], omitted }), newest messages kept within max_chars.',
    args: {
      session: sessionArg,
      provider: { type: 'string', enum: PROVIDERS, description: 'Which agent of the session (default: its running or only agent)' },
      max_chars: { type: 'integer', minimum: 200, description: 'Keep only the most recent messages that fit in this many characters (default 50000)' },
    },
    readOnly: true,
    async run(args, ctx) {
      assertNamePattern(args.session);
      const target = await findAgent(ctx.project, { session: args.session, ...(args.provider ? { id: args.provider } : {}) });
      const session = findSession(await readManifest(ctx.project), target.session);
      const path = session ? sessionPath(ctx.project.repo.mainPath, session) : null;
      if (!path || !existsSync(path)) throw preconditionError(`The worktree of ${target.session} is gone.`, 'pwt status shows it as missing-worktree.');
      const transcript = await agentTranscript(target.agent.provider, target.agent.vendorSessionId ?? undefined, path);
      return { session: target.session, agent: target.agent.id, ...recentJson(transcript, args.max_chars ?? 50_000) };
    },
  },
  {
    name: 'session_diff',
    description: "A session's changes against its base: commits, uncommitted edits and untracked files, as git diff text (stat: only the summary).",
    args: { session: sessionArg, stat: { type: 'boolean', description: 'Only files changed and lines added/removed' } },
    readOnly: true,
    async run(args, ctx) {
      assertNamePattern(args.session);
      const result = await diffSession(ctx.project, { name: args.session, stat: Boolean(args.stat), color: false });
      return { session: result.session.id, base: result.base, from: result.from, diff: result.text };
    },
  },
  {
    name: 'start_run',
    description:
      'Give one task to several agents at once (any vendors): a session <run>-<provider> each, started ' +
      "from the caller's session (else the main branch), agents in the background. Then wait_for_agent on " +
      "each, compare_run, and pick_run with the user's yes.",
    args: {
      run: { type: 'string', description: 'Run name (session-name rules)', required: true },
      agents: { type: 'string[]', description: `Providers, e.g. ["codex", "gemini"] (${providerList})`, required: true },
      goal: { type: 'string', description: 'The goal of the run (the prompt when none is given)' },
      prompt: { type: 'string', description: 'The first prompt for every agent' },
    },
    async run(args, ctx) {
      assertRunName(args.run);
      if (args.agents.length === 0) throw usageError('start_run needs at least one agent.', `agents: e.g. ["codex", "gemini"] (${providerList}).`);
      const result = await startRun(ctx.project, {
        name: args.run,
        providers: args.agents,
        goals: args.goal !== undefined ? [args.goal] : [],
        ...(args.prompt !== undefined ? { prompt: args.prompt } : {}),
        ...(ctx.caller ? { base: ctx.caller.branch } : {}),
        onProgress: ctx.progress,
      });
      if (result.failed.length > 0) {
        throw preconditionError(
          `Run ${result.run}: ${result.failed.map((each) => `${each.provider} did not start (${each.error})`).join('; ')}` +
            (result.started.length ? `; started: ${result.started.map((each) => each.provider).join(', ')}` : '') +
            '.',
          `Fix that (install the CLI), then the user can start what is missing with: pwt run resume ${result.run}`,
        );
      }
      // Notes as data with their line (the client has no wording of its own).
      return { ...result, notes: result.notes.map(noteWithText) };
    },
  },
  {
    name: 'compare_run',
    description:
      "A run's branches side by side: commits, files, lines, files touched by several agents, whether " +
      'each merges cleanly into the base; with check (only a command the user allowed), its exit code and ' +
      'output tail in each worktree.',
    args: {
      run: { type: 'string', description: 'Run name', required: true },
      check: { type: 'string', description: 'A check command the user allowed with pwt mcp --check (e.g. "npm test")' },
    },
    readOnly: true,
    async run(args, ctx) {
      assertRunName(args.run);
      const check = allowedCheck(ctx, args.check, 'compare_run');
      return {
        ...(await compareRun(ctx.project, args.run, {
          ...(check !== undefined ? { check } : {}),
          onCheck: (session) => ctx.progress(`Running ${check} in ${session}...`),
        })),
      };
    },
  },
  {
    name: 'end_session',
    description:
      'End a session (pwt remove): pr (push, open a pull request), merge (into its base), keep (remove ' +
      'the worktree, keep the branch) or abandon (archived, restorable). Asks the user first.',
    args: {
      session: sessionArg,
      strategy: { type: 'string', enum: STRATEGIES, description: 'pr | merge | keep | abandon', required: true },
    },
    destructive: true,
    async run(args, ctx) {
      assertNamePattern(args.session);
      const strategy = args.strategy as Strategy;
      const { session } = await whichSession(ctx.project, { name: args.session, command: 'remove' });
      const words: Record<Strategy, string> = {
        pr: 'push its branch and open a pull request, then remove the worktree',
        merge: `merge ${session.branch} into ${session.base ?? 'its base'} and delete the branch`,
        keep: `remove the worktree and keep the branch ${session.branch}`,
        abandon: 'archive it (pwt restore brings it back) and delete the branch',
      };
      const question = `End session ${session.id} with ${strategy}: ${words[strategy]}. Go ahead?`;
      if (
        !ctx.allowEnd &&
        !(await ctx.confirm(question, { action: `Ending ${session.id} with ${strategy}`, cli: `pwt remove ${session.id} --strategy ${strategy}` }))
      ) {
        throw cancelledError(`The user said no: ${session.id} was not ended; nothing changed.`);
      }
      // The one ending sequence: hooks, refusals, agents stopped, archive, worktree, manifest.
      const result = await removeSession(ctx.project, {
        name: session.id,
        strategy,
        yes: true,
        interactive: false,
        onStep: ctx.progress,
        hooks: { enabled: true },
      });
      const hookNote = result.hookNote;
      return {
        session: session.id,
        strategy,
        actions: result.actions,
        notes: [...result.notes, ...(hookNote ? [hookNote] : [])],
        ...(result.inventory.length ? { inventory: result.inventory } : {}),
      };
    },
  },
  {
    name: 'pick_run',
    description:
      "Keep one agent's branch of a run (merge into the base, or pr) and abandon the run's other sessions (archived, restorable). Asks the user first.",
    args: {
      run: { type: 'string', description: 'Run name', required: true },
      provider: { type: 'string', enum: PROVIDERS, description: 'The provider whose session to keep', required: true },
      strategy: { type: 'string', enum: PICK_STRATEGIES, description: 'merge (default) | pr' },
    },
    destructive: true,
    async run(args, ctx) {
      assertRunName(args.run);
      const strategy = (args.strategy ?? 'merge') as PickStrategy;
      const result = await pickRun(ctx.project, args.run, {
        provider: args.provider,
        strategy,
        yes: ctx.allowEnd,
        confirm: (question) =>
          ctx.confirm(question, {
            action: `Picking ${args.provider} in run ${args.run}`,
            cli: `pwt run pick ${args.run} ${args.provider} --strategy ${strategy}`,
          }),
        onStep: ctx.progress,
      });
      const failed = result.abandoned.filter((each) => each.error);
      if (failed.length > 0) {
        throw preconditionError(
          `Picked ${result.picked.session}, but could not abandon ${failed.map((each) => `${each.session} (${each.error})`).join('; ')}.`,
          'Fix that and end them with end_session (abandon).',
        );
      }
      return pickJson(result);
    },
  },
  {
    name: 'land',
    description:
      'Land sessions on their base as a queue (pwt land): each merged onto the last green result and ' +
      "checked there (the check: one the user allowed, else the project's pre-merge hook); the base moves " +
      'once, to a tested commit; landed sessions end. Asks the user first, saying what would land.',
    args: {
      sessions: { type: 'string[]', description: 'Sessions to land, in this order (default: every session ahead of its base whose agents are not working)' },
      run: { type: 'string', description: "Land a run's sessions" },
      check: { type: 'string', description: 'A check command the user allowed with pwt mcp --check' },
    },
    destructive: true,
    async run(args, ctx) {
      const names: string[] = [...(args.sessions ?? [])];
      for (const name of names) assertNamePattern(name);
      if (args.run !== undefined && names.length)
        throw usageError('land takes sessions or run, not both.', "Pass run to land a run's sessions, or sessions to name them.");
      const check = allowedCheck(ctx, args.check, 'land');
      if (args.run !== undefined) {
        assertRunName(args.run);
        names.push(...new Set(requireRun(ctx.project.sessionsDir, args.run).agents.map((agent) => agent.session)));
        if (names.length === 0) throw preconditionError(`The run ${args.run} has no sessions.`, `See it with: pwt run show ${args.run}`);
      }
      const options = { names, ...(check !== undefined ? { check } : {}), hooks: { enabled: true }, onStep: ctx.progress };
      // What it would do first (no check runs, nothing changes): refusals come out here, and the question says it.
      const preview = await landSessions(ctx.project, { ...options, dryRun: true });
      const landing = preview.landed.filter((each) => !each.already).map((each) => each.session);
      if (landing.length === 0) {
        const nothing = landOutcomeError({ ...preview, dryRun: false });
        if (nothing) throw nothing;
      }
      const conflicts = preview.ejected.map((each) => each.session);
      const question =
        `Land ${landing.join(', ') || preview.landed.map((each) => each.session).join(', ')} on ` +
        `${preview.base}, each checked on the merge result with: ` +
        `${preview.check}${conflicts.length ? `; ${conflicts.join(', ')} would be ejected (conflicts)` : ''}. ` +
        `Landed sessions end (branch deleted, archived). Go ahead?`;
      const cli =
        `pwt land ${args.run !== undefined ? `--run ${args.run}` : names.join(' ')}${check !== undefined ? ` --check ${JSON.stringify(check)}` : ''}`.trim();
      if (!ctx.allowEnd && !(await ctx.confirm(question, { action: 'Landing', cli })))
        throw cancelledError('The user said no: nothing landed; nothing changed.');
      const result = await landSessions(ctx.project, options);
      const failure = landOutcomeError(result);
      if (failure) throw failure;
      return {
        base: result.base,
        from: result.from,
        to: result.to,
        landed: result.landed,
        ejected: result.ejected,
        dropped: result.dropped,
        skipped: result.skipped,
        checks: result.checks,
        check: result.check,
        ended: result.ended,
        retargeted: result.retargeted,
        notes: result.notes,
      };
    },
  },
];

export const toolByName = new Map(TOOLS.map((tool) => [tool.name, tool]));
