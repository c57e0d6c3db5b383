import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import claude from '../../src/core/agents/vendors/claude/adapter.js';
import codex from '../../src/core/agents/vendors/codex/adapter.js';
import pi from '../../src/core/agents/vendors/pi/adapter.js';
import { agentNow } from '../../src/core/agents/runtime/activity/control.js';
import { hookFile, readHookState } from '../../src/core/agents/runtime/activity/event-file.js';
import { agentsDir } from '../../src/core/agents/runtime/activity/observe.js';
import type { Activity } from '../../src/core/agents/runtime/activity/types.js';
import { isolateTmux } from '../helpers/tmux.js';
import { CLI, NODE, parseJson } from '../helpers/sandbox.js';
import { poll, requireCli, runCommand, type AgentWorld } from './harness.js';
import { useFreshWorlds, useModelServer } from './e2e.js';
import { claudeRecipe, codexRecipe, piRecipe } from './recipes.js';

import { ASK_MARKER } from './server/script.js';
import { createRun } from '../../src/core/agents/runs/store.js';
import { startRealAgent, type RunningAgent } from './activity-world.js';

/**
 * Activity against the real CLIs in pwt's tmux: `working` while the model
 * server holds its answer, `waiting` on a permission prompt, `idle` after the
 * answer, no activity (and `exited`) after `kill -9` of the CLI even when the
 * last hook said `working`. `pwt agent send` types the prompts and
 * `pwt agent wait` waits for the states, as a script would.
 */
const server = useModelServer();
const worlds = useFreshWorlds();
const tmux = isolateTmux();
// claude ignores SIGHUP, so a killed tmux server leaves it running in the world being removed: kill what started first.
const started: RunningAgent[] = [];
afterEach(() => {
  for (const agent of started.splice(0)) {
    try {
      process.kill(agent.agent.tmux!.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** pwt as a child process, without blocking: the model server answers from this very process. */
function pwt(world: AgentWorld, args: string[]) {
  return runCommand(NODE, [CLI, ...args], { cwd: world.project.main, env: { ...world.sandbox.env, TMUX_TMPDIR: tmux.dir() }, timeoutMs: 200_000 });
}

async function activityOf(agent: RunningAgent) {
  return (await agentNow(agent.project, agent.agent)).activity;
}

async function until(agent: RunningAgent, want: Activity, source?: string, timeoutMs = 60_000) {
  try {
    return await poll(
      `activity ${want}${source ? ` from ${source}` : ''}`,
      async () => {
        const now = await activityOf(agent);
        return now?.activity === want && (!source || now.activitySource === source) ? now : null;
      },
      timeoutMs,
      200,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; it is ${JSON.stringify(await activityOf(agent))}\n--- screen ---\n${await agent.screen()}`);
  }
}

async function send(world: AgentWorld, agent: RunningAgent, text: string) {
  const sent = await pwt(world, ['agent', 'send', '--session', agent.session, agent.agent.provider, text]);
  expect(sent.code, sent.stderr).toBe(0);
}

async function wait(world: AgentWorld, agent: RunningAgent, state: Activity, timeout = 90) {
  const waited = await pwt(world, ['agent', 'wait', agent.agent.id, '--for', state, '--timeout', String(timeout), '--json']);
  if (waited.code !== 0) {
    const hook = readHookState(hookFile(agentsDir(agent.project.sessionsDir), agent.agent.id));
    expect(
      waited.code,
      `${waited.stderr}\nlast hook: ${JSON.stringify(hook)}\nrequests: ${JSON.stringify(server.requests.slice(-4).map((r) => [r.path, r.reply, r.at]))}\n--- screen ---\n${await agent.screen()}`,
    ).toBe(0);
  }
  return parseJson(waited.stdout);
}

/** The life every vendor goes through: held answer (working), answer (idle), and kill -9 while working. */
async function workIdleKill(world: AgentWorld, agent: RunningAgent, { workingSource }: { workingSource: string }) {
  const release = server.hold();
  await send(world, agent, 'hello there');
  await until(agent, 'working', workingSource);
  // Still working a second later: the answer is held.
  await new Promise((r) => setTimeout(r, 1000));
  expect((await activityOf(agent))?.activity).toBe('working');
  release();
  await agent.waitForScreen(/Reply to: hello there/);
  expect(await wait(world, agent, 'idle')).toMatchObject({ id: agent.agent.id, activity: 'idle' });
  // The same in the JSON scripts read: agent list and status.
  const listed = await pwt(world, ['agent', 'list', '--all', '--json']);
  expect(listed.code, listed.stderr).toBe(0);
  expect(parseJson(listed.stdout).agents).toEqual([
    expect.objectContaining({
      id: agent.agent.id,
      status: 'running',
      activity: 'idle',
      activitySource: expect.stringMatching(/^(hook|screen)$/),
      activitySince: expect.stringMatching(/^\d{4}-/),
    }),
  ]);
  const status = await pwt(world, ['status', '--json']);
  expect(status.code, status.stderr).toBe(0);
  expect(parseJson(status.stdout).sessions.find((s: { id: string }) => s.id === agent.session).agents).toEqual([
    expect.objectContaining({ id: agent.agent.id, status: 'running', activity: 'idle' }),
  ]);
  return async function killWhileWorking() {
    const hold = server.hold();
    await send(world, agent, 'one more turn');
    await until(agent, 'working');
    process.kill(agent.agent.tmux!.pid, 'SIGKILL');
    const after = await poll('the agent to read exited', async () => {
      const now = await agentNow(agent.project, agent.agent);
      return now.checked.status === 'exited' && now;
    });
    expect(after.activity).toBeNull();
    const listedAfter = parseJson((await pwt(world, ['agent', 'list', '--all', '--json'])).stdout).agents[0];
    expect(listedAfter).toMatchObject({ status: 'exited' });
    expect(listedAfter.activity).toBeUndefined();
    const waited = await pwt(world, ['agent', 'wait', agent.agent.id, '--timeout', '5']);
    expect(waited.code).toBe(3);
    expect(waited.stderr).toMatch(/is not running/);
    hold();
  };
}

describe('activity of real agent CLIs', () => {
  it('claude: hooks from --settings say working, waiting (permission) and idle; kill -9 leaves no activity', async () => {
    const bin = requireCli('claude');
    const { world } = worlds.make('act-claude');
    const env = claudeRecipe(world, server.url);
    writeFileSync(
      join(world.home, '.claude.json'),
      JSON.stringify({
        hasCompletedOnboarding: true,
        customApiKeyResponses: { approved: ['sk-fake'], rejected: [] },
        projects: { [world.cwd]: { hasTrustDialogAccepted: true } },
      }),
    );
    const start = claude.startCommand({ cwd: world.cwd, sessionId: randomUUID() });
    const agent = await startRealAgent(world, 'act-claude', 'claude', [bin, ...start.args], env);
    started.push(agent);
    await agent.waitForScreen(/❯/);
    const killWhileWorking = await workIdleKill(world, agent, { workingSource: 'hook' });

    await send(world, agent, `please ${ASK_MARKER}`);
    expect(await wait(world, agent, 'waiting')).toMatchObject({ activity: 'waiting' });
    // The question can reach the screen before claude's Notification hook fires (under load, by
    // seconds): the screen's word comes first, then the hook's.
    await until(agent, 'waiting', 'hook');
    await agent.waitForScreen(/Do you want to proceed/);
    tmux.tmux('send-keys', '-t', agent.agent.tmux!.pane, 'Enter'); // "1. Yes"
    await agent.waitForScreen(/Done: the tool printed/);
    expect(await wait(world, agent, 'idle')).toMatchObject({ activity: 'idle' });
    await until(agent, 'idle', 'hook'); // the same race: a still screen can say idle before the Stop hook
    await killWhileWorking();
  }, 300_000);

  it('codex: the screen says working and waiting (approval), notify says idle; kill -9 leaves no activity', async () => {
    const bin = requireCli('codex');
    const { world } = worlds.make('act-codex');
    const env = codexRecipe(world, server.url, world.cwd);
    const start = codex.startCommand({ cwd: world.cwd });
    const agent = await startRealAgent(world, 'act-codex', 'codex', [bin, ...start.args, '-a', 'on-request'], env);
    started.push(agent);
    await agent.waitForScreen(/Ask Codex|›/);
    const killWhileWorking = await workIdleKill(world, agent, { workingSource: 'screen' });

    await send(world, agent, `please ${ASK_MARKER}`);
    expect(await wait(world, agent, 'waiting')).toMatchObject({ activity: 'waiting', activitySource: 'screen' });
    tmux.tmux('send-keys', '-t', agent.agent.tmux!.pane, 'y');
    await agent.waitForScreen(/Done: the tool printed/);
    expect(await wait(world, agent, 'idle')).toMatchObject({ activity: 'idle' });
    await killWhileWorking();
  }, 300_000);

  it('pi: the screen says working and idle; kill -9 leaves no activity', async () => {
    const bin = requireCli('pi');
    const { world } = worlds.make('act-pi');
    const env = piRecipe(world, server.url);
    const start = pi.startCommand({ cwd: world.cwd }, env);
    const agent = await startRealAgent(world, 'act-pi', 'pi', [bin, ...start.args], { ...env, ...start.env });
    started.push(agent);
    await agent.waitForScreen(/mock-model/);
    const killWhileWorking = await workIdleKill(world, agent, { workingSource: 'screen' });
    await killWhileWorking();
  }, 300_000);

  it('pwt run send types into every running agent of the run; none running is exit 3', async () => {
    const bin = requireCli('pi');
    const { world } = worlds.make('act-run');
    const env = piRecipe(world, server.url);
    const start = pi.startCommand({ cwd: world.cwd }, env);
    const agent = await startRealAgent(world, 'act-run', 'pi', [bin, ...start.args], { ...env, ...start.env });
    started.push(agent);
    await agent.waitForScreen(/mock-model/);
    const member = {
      session: 'act-run',
      provider: 'pi',
      agentId: agent.agent.id,
      vendorSessionId: null,
      cliCommand: null,
      tmuxSession: agent.agent.tmux!.session,
      spawnedAt: agent.agent.spawnedAt,
    };
    await createRun(agent.project.sessionsDir, { version: 1, name: 'r1', createdAt: new Date().toISOString(), goals: [], prompt: null, agents: [member] });
    const sent = await pwt(world, ['run', 'send', 'r1', 'hello from the run']);
    expect(sent.code, sent.stderr).toBe(0);
    await agent.waitForScreen(/Reply to: hello from the run/);
    process.kill(agent.agent.tmux!.pid, 'SIGKILL');
    await poll('exited', async () => (await agentNow(agent.project, agent.agent)).checked.status === 'exited');
    const none = await pwt(world, ['run', 'send', 'r1', 'anyone?']);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/No agent of run r1 is running/);
  }, 180_000);
});
