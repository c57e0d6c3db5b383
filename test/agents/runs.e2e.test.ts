import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processesIn } from '../../src/core/infra/processes.js';
import { killPwtServer } from '../helpers/tmux.js';
import { commitFile } from '../helpers/sandbox.js';
import { poll } from './harness.js';
import { useModelServer } from './e2e.js';
import { requestText, screenOf, useRuntimeWorlds, waitForRequest, type RuntimeWorld } from './runtime-world.js';

/**
 * Named runs with the real claude, codex and pi in pwt's tmux server against
 * the local model server: started from a script, left, brought back after
 * the tmux server died (what a reboot does), each by its own vendor id,
 * stopped, compared and picked. What the model server receives is the proof
 * that each agent got the prompt, and that a resumed one carries its earlier
 * turns.
 */
const server = useModelServer();
const worlds = useRuntimeWorlds(server, ['claude', 'codex', 'pi']);

const PROVIDERS = ['claude', 'codex', 'pi'] as const;
const PROTOCOL: Record<string, string> = { claude: 'anthropic', codex: 'openai-responses', pi: 'chat-completions' };
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** pane id and pid of each of pwt's agent panes, by agent id. */
function panes(world: RuntimeWorld): Map<string, { pane: string; pid: number }> {
  const lines = world.tmux('list-panes', '-a', '-F', '#{pane_id} #{pane_pid} #{@pwt-agent}').stdout.split('\n').filter(Boolean);
  return new Map(
    lines.map((line) => {
      const [pane = '', pid = '', agent = ''] = line.split(' ');
      return [agent, { pane, pid: Number(pid) }];
    }),
  );
}

const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);

/** Types a prompt into an agent's TUI once it has drawn its screen, then Enter as its own key press. */
async function submit(world: RuntimeWorld, pane: string, text: string): Promise<void> {
  await poll(
    'the agent to draw its screen',
    () =>
      screenOf(world, pane)
        .split('\n')
        .filter((line) => line.trim()).length > 5,
    60_000,
  );
  world.tmux('send-keys', '-t', pane, '-l', '--', text);
  await poll('the typed text on screen', () => screenOf(world, pane).includes(text.slice(0, 20)), 20_000);
  await sleep(1000);
  world.tmux('send-keys', '-t', pane, 'Enter');
}

describe('pwt run with claude, codex and pi', () => {
  it('start, leave (the tmux server dies), resume by vendor id, stop, compare, pick', async () => {
    const world = worlds.make();
    const { project } = world;
    for (const provider of PROVIDERS) world.trust(join(project.sessionsDir, `fix-${provider}`));

    // 1. One command starts all three, detached, each with the prompt.
    const start = await world.ok(['run', 'start', 'fix', '--agents', 'claude,codex,pi', '--goal', 'Fix the bug', '--prompt', 'run prompt alpha']);
    expect(start.stdout).toBe('');
    for (const provider of PROVIDERS) expect(start.stderr).toContain(`${provider} started in session fix-${provider} (agent fix-${provider}-${provider})`);
    for (const provider of PROVIDERS) {
      const first = await poll(
        `${provider}'s first prompt`,
        () => server.requests.find((request) => request.protocol === PROTOCOL[provider] && requestText(request).includes('run prompt alpha')),
        90_000,
      );
      expect(first).toBeTruthy();
    }

    // 2. The run file, field by field; vendor ids fill in as pwt captures them (run show does).
    const runFile = join(project.sessionsDir, '.pwt', 'runs', 'fix.json');
    const shown = await poll(
      'every vendor id captured',
      async () => {
        const state = JSON.parse((await world.ok(['run', 'show', 'fix', '--json'])).stdout);
        return state.agents.every((agent: any) => agent.vendorSessionId) ? state : null;
      },
      90_000,
    );
    expect(shown.agents.map((agent: any) => [agent.provider, agent.status, agent.exists])).toEqual(PROVIDERS.map((provider) => [provider, 'running', true]));
    const file = JSON.parse(readFileSync(runFile, 'utf8'));
    expect(Object.keys(file).sort()).toEqual(['agents', 'base', 'createdAt', 'goals', 'name', 'prompt', 'version']);
    expect(file).toMatchObject({ version: 1, name: 'fix', goals: ['Fix the bug'], prompt: 'run prompt alpha', base: 'main' });
    expect(Date.parse(file.createdAt)).not.toBeNaN();
    const vendorIds: Record<string, string> = {};
    for (const [index, provider] of PROVIDERS.entries()) {
      const agent = file.agents[index];
      expect(Object.keys(agent).sort()).toEqual(['agentId', 'cliCommand', 'provider', 'session', 'spawnedAt', 'tmuxSession', 'vendorSessionId']);
      expect(agent).toMatchObject({ session: `fix-${provider}`, provider, agentId: `fix-${provider}-${provider}`, tmuxSession: `app/fix-${provider}` });
      expect(agent.cliCommand[0]).toBe(provider);
      expect(agent.cliCommand).toContain('<prompt>');
      expect(Date.parse(agent.spawnedAt)).not.toBeNaN();
      expect(agent.vendorSessionId).toBe(shown.agents[index].vendorSessionId);
      vendorIds[provider] = agent.vendorSessionId;
      const record = JSON.parse(readFileSync(join(project.sessionsDir, '.pwt', 'agents', `fix-${provider}-${provider}.session.json`), 'utf8'));
      expect(record).toMatchObject({
        agentId: agent.agentId,
        session: agent.session,
        provider,
        vendorSessionId: agent.vendorSessionId,
        tmuxSession: agent.tmuxSession,
        spawnedAt: agent.spawnedAt,
      });
    }
    expect((await world.ok(['run', 'list', '--json'])).stdout).toContain('"live": 3');

    // 3. Each answers (its conversation is saved), then the tmux server dies: what a reboot leaves.
    let live = panes(world);
    for (const provider of PROVIDERS) {
      const place = live.get(`fix-${provider}-${provider}`)!;
      await poll(`${provider} to answer`, () => screenOf(world, place.pane).includes('Reply to: run prompt alpha'), 90_000);
    }
    killPwtServer(world.tmuxDir);
    const afterKill = JSON.parse((await world.ok(['run', 'show', 'fix', '--json'])).stdout);
    expect(afterKill.agents.map((agent: any) => agent.status)).toEqual(['exited', 'exited', 'exited']);

    // 4. run resume brings each back by its own vendor id: the process is started with its resume arguments.
    const resume = await world.ok(['run', 'resume', 'fix']);
    const views = JSON.parse((await world.ok(['agent', 'list', '--all', '--json'])).stdout).agents;
    live = panes(world);
    for (const provider of PROVIDERS) {
      expect(resume.stderr).toContain(`Resumed ${provider} conversation`);
      const view = views.find((each: any) => each.provider === provider);
      expect(view).toMatchObject({ status: 'running', vendorSessionId: vendorIds[provider] });
      const place = live.get(`fix-${provider}-${provider}`)!;
      // pi renames its process (process.title), so its command line is read from what tmux started.
      const started = world.tmux('display-message', '-p', '-t', place.pane, '#{pane_start_command}').stdout;
      if (provider === 'pi') expect(started).toContain(`--session ${view.resumeArgs[2]}`);
      else {
        const args = cmdline(place.pid);
        // The resume arguments appear in order (pwt may add launch options of its own around them).
        const wanted = view.resumeArgs.slice(1).join('\0');
        expect(args.join('\0')).toContain(wanted);
        expect(args).toContain(vendorIds[provider]);
      }
    }
    // The next prompt to each reaches the model with the earlier turns.
    for (const provider of PROVIDERS) {
      const mark = server.requests.length;
      await submit(world, live.get(`fix-${provider}-${provider}`)!.pane, `second turn for ${provider}`);
      const next = await waitForRequest(server, `second turn for ${provider}`, mark);
      expect(next.protocol).toBe(PROTOCOL[provider]);
      expect(requestText(next)).toContain('run prompt alpha');
    }

    // 5. run stop: no vendor process is left in any worktree.
    const stop = await world.ok(['run', 'stop', 'fix', '--json']);
    expect(JSON.parse(stop.stdout).agents.map((agent: any) => agent.outcome)).toEqual(['stopped', 'stopped', 'stopped']);
    for (const provider of PROVIDERS) expect(processesIn(join(project.sessionsDir, `fix-${provider}`))).toEqual([]);
    const stopped = JSON.parse((await world.ok(['run', 'show', 'fix', '--json'])).stdout);
    expect(stopped.agents.map((agent: any) => [agent.status, agent.vendorSessionId])).toEqual(PROVIDERS.map((provider) => ['stopped', vendorIds[provider]]));
    // Usage comes from each vendor's own files: pi wrote one assistant message per request the
    // model server answered (10 input, 5 output tokens each), and the run's total adds the agents up.
    const piRequests = server.requests.filter((request) => request.protocol === PROTOCOL.pi).length;
    const usageOf = (provider: string) => stopped.agents.find((agent: any) => agent.provider === provider).usage;
    expect(piRequests).toBeGreaterThanOrEqual(2);
    expect(usageOf('pi')).toMatchObject({ input: 10 * piRequests, output: 5 * piRequests, cached: 0 });
    for (const provider of ['claude', 'codex']) expect(usageOf(provider)).toMatchObject({ input: expect.any(Number), output: expect.any(Number) });
    for (const provider of ['claude', 'codex']) expect(usageOf(provider).output).toBeGreaterThanOrEqual(10);
    expect(stopped.usage.input).toBe(PROVIDERS.reduce((sum, provider) => sum + usageOf(provider).input, 0));
    const listed = JSON.parse((await world.ok(['agent', 'list', '--all', '--json'])).stdout).agents;
    const statusAgents = JSON.parse((await world.ok(['status', '--json'])).stdout).sessions.flatMap((session: any) => session.agents);
    for (const provider of PROVIDERS) {
      expect(listed.find((agent: any) => agent.provider === provider).usage).toEqual(usageOf(provider));
      expect(statusAgents.find((agent: any) => agent.provider === provider).usage).toEqual(usageOf(provider));
    }

    // 6. Compare the branches (committed here by hand: the mock model writes no code), then pick claude's.
    commitFile(project.sandbox, join(project.sessionsDir, 'fix-claude'), 'fix.txt', 'claude fix\n', 'claude: fix');
    commitFile(project.sandbox, join(project.sessionsDir, 'fix-codex'), 'fix.txt', 'codex fix\n', 'codex: fix');
    const compare = JSON.parse((await world.ok(['run', 'compare', 'fix', '--json'])).stdout);
    expect(compare.agents.map((agent: any) => [agent.provider, agent.commits.length, agent.merge])).toEqual([
      ['claude', 1, 'clean'],
      ['codex', 1, 'clean'],
      ['pi', 0, 'already-merged'],
    ]);
    expect(compare.shared).toEqual([{ path: 'fix.txt', sessions: ['fix-claude', 'fix-codex'] }]);
    await world.ok(['run', 'pick', 'fix', 'claude', '--yes']);
    expect(project.sandbox.git(project.main, 'show', 'main:fix.txt')).toBe('claude fix\n');
    for (const provider of PROVIDERS) expect(existsSync(join(project.sessionsDir, `fix-${provider}`))).toBe(false);
    expect(project.sandbox.git(project.main, 'for-each-ref', '--format=%(refname)', 'refs/pwt/archive/')).toMatch(/fix-codex[\s\S]*fix-pi/);
  }, 600_000);

  it('a provider whose CLI is missing does not stop the others; the run records why and resume retries it', async () => {
    const world = worlds.make();
    const { project } = world;
    world.trust(join(project.sessionsDir, 'half-pi'));
    // cursor's CLI is not on npm, so it is not installed here.
    const start = await world.pwt(['run', 'start', 'half', '--agents', 'pi,cursor', '--prompt', 'half prompt beta']);
    expect(start.code).toBe(3);
    expect(start.stderr).toMatch(/Run half: cursor did not start \(cursor-agent is not installed or not on PATH\.\).*pwt run resume half/);
    await waitForRequest(server, 'half prompt beta');
    const file = JSON.parse(readFileSync(join(project.sessionsDir, '.pwt', 'runs', 'half.json'), 'utf8'));
    expect(file.agents[0]).toMatchObject({ provider: 'pi', agentId: 'half-pi-pi' });
    expect(file.agents[1]).toMatchObject({
      provider: 'cursor',
      session: 'half-cursor',
      agentId: null,
      vendorSessionId: null,
      error: 'cursor-agent is not installed or not on PATH.',
    });
    expect(existsSync(join(project.sessionsDir, 'half-cursor'))).toBe(false);
    const state = JSON.parse((await world.ok(['run', 'show', 'half', '--json'])).stdout);
    expect(state.agents.map((agent: any) => agent.status)).toEqual(['running', 'failed']);

    // Still missing: resume says so again (exit 3); pi is left running, not restarted.
    const pane = panes(world).get('half-pi-pi')!;
    const resume = await world.pwt(['run', 'resume', 'half', '--json']);
    expect(resume.code).toBe(3);
    expect(JSON.parse(resume.stdout).agents.map((agent: any) => agent.outcome)).toEqual(['already-running', 'failed']);
    expect(panes(world).get('half-pi-pi')).toEqual(pane);

    // A session removed since is reported by resume, never recreated.
    await world.ok(['run', 'stop', 'half']);
    await world.ok(['remove', 'half-pi', '--strategy', 'keep']);
    const after = await world.pwt(['run', 'resume', 'half', '--json']);
    expect(JSON.parse(after.stdout).agents[0]).toMatchObject({ provider: 'pi', outcome: 'removed' });
    expect(existsSync(join(project.sessionsDir, 'half-pi'))).toBe(false);
  }, 300_000);

  it('run rm stops a running agent, keeps its branch and removes the run file', async () => {
    const world = worlds.make();
    const { project } = world;
    const path = join(project.sessionsDir, 'solo-pi');
    world.trust(path);
    await world.ok(['run', 'start', 'solo', '--agents', 'pi', '--prompt', 'solo prompt gamma']);
    await waitForRequest(server, 'solo prompt gamma');
    expect(processesIn(path)).not.toEqual([]);
    const rm = await world.ok(['run', 'rm', 'solo', '--json']);
    expect(JSON.parse(rm.stdout).kept.map((each: any) => each.session)).toEqual(['solo-pi']);
    expect(existsSync(path)).toBe(false);
    expect(processesIn(path)).toEqual([]);
    expect(project.sandbox.git(project.main, 'branch', '--list', 'session/solo-pi').trim()).toBe('session/solo-pi');
    expect(existsSync(join(project.sessionsDir, '.pwt', 'runs', 'solo.json'))).toBe(false);
  }, 120_000);
});
