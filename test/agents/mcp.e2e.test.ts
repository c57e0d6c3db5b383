import { mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, commitFile } from '../helpers/sandbox.js';
import { connectMcp, yes } from '../mcp-client.js';
import { CLI_BIN, poll, runCommand } from './harness.js';
import { useModelServer } from './e2e.js';
import { requestText, useRuntimeWorlds, waitForRequest, type RuntimeWorld } from './runtime-world.js';
import type { RecordedRequest } from './server/index.js';

/**
 * `pwt mcp` with real agents: the SDK's client starting and driving real
 * claude, codex and pi through pwt's tools; then the real claude and codex as
 * the MCP clients, made by the model server (a `PWT_CALL <tool> <args>` line
 * in the prompt) to call pwt's tools. The proof is in pwt's state (sessions,
 * agents), in what the model server receives (an agent's prompt, the tool
 * results coming back) and in git. Each client lists pwt after `pwt mcp
 * install`.
 */
const server = useModelServer();
const worlds = useRuntimeWorlds(server, ['claude', 'codex', 'pi', 'gemini', 'copilot', 'opencode']);

const manifestOf = (world: RuntimeWorld) => JSON.parse(readFileSync(join(world.project.sessionsDir, '.manifest.json'), 'utf8'));
const sessionOf = (world: RuntimeWorld, id: string) => manifestOf(world).sessions.find((session: any) => session.id === id);
const git = (world: RuntimeWorld, cwd: string, ...args: string[]) => world.project.sandbox.git(cwd, ...args).trim();

/** pwt on PATH as npm links it, so `pwt mcp install` writes `pwt mcp` and the clients start it. */
function withPwt(world: RuntimeWorld): NodeJS.ProcessEnv {
  const bin = join(world.project.sandbox.root, 'bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(CLI, join(bin, 'pwt'));
  return { ...world.env, PATH: `${bin}:${world.env.PATH ?? ''}` };
}

/** A model request whose conversation carries a tool result with `needle` (the MCP result came back to the model). */
function toolResultReached(requests: RecordedRequest[], needle: string): boolean {
  return requests.some((request) => {
    const body = request.body as any;
    const items: any[] = [
      ...(body?.messages ?? []).flatMap((message: any) => (Array.isArray(message.content) ? message.content : [])),
      ...(Array.isArray(body?.input) ? body.input : []),
    ];
    return items.some((item) => (item?.type === 'tool_result' || item?.type === 'function_call_output') && JSON.stringify(item).includes(needle));
  });
}

const calls = (...lines: [string, Record<string, unknown>][]) =>
  ['Please use pwt.', ...lines.map(([tool, args]) => `PWT_CALL ${tool} ${JSON.stringify(args)}`)].join('\n');

describe('pwt mcp with real agents', () => {
  it('the SDK client starts claude in a session, waits with progress, sends it text and reads its transcript', async () => {
    const world = worlds.make();
    const client = await connectMcp(world.project.main, world.env);
    try {
      const created = await client.call('create_session', { name: 'work', goal: 'Try pwt over MCP' });
      expect(created.isError, created.text).toBe(false);
      world.trust(realpathSync(created.json.path));
      const started = await client.call('start_agent', { session: 'work', provider: 'claude', prompt: 'first prompt over mcp' });
      expect(started.isError, started.text).toBe(false);
      expect(started.json.agent).toMatchObject({ id: 'work-claude', provider: 'claude', status: 'running' });
      await waitForRequest(server, 'first prompt over mcp');

      const idle = await client.call('wait_for_agent', { session: 'work', for: 'idle', timeout_s: 120 });
      expect(idle.isError, idle.text).toBe(false);
      expect(idle.json).toMatchObject({ id: 'work-claude', session: 'work', activity: 'idle' });
      // Waiting for what does not come: progress while it waits, then the CLI's timeout refusal (exit 3).
      const progress: string[] = [];
      const timedOut = await client.call('wait_for_agent', { session: 'work', for: 'waiting', timeout_s: 5 }, (message) => progress.push(message));
      expect(timedOut.json).toMatchObject({ exitCode: 3, error: expect.stringMatching(/work-claude was not waiting within 5 s \(it is idle\)/) });
      expect(progress.length).toBeGreaterThanOrEqual(2);
      expect(progress[0]).toMatch(/^work-claude is idle \(\d+ s\)$/);

      const sent = await client.call('send_to_agent', { session: 'work', text: 'second prompt over mcp' });
      expect(sent.json).toEqual({ session: 'work', agent: 'work-claude', sent: true });
      await waitForRequest(server, 'second prompt over mcp');
      await poll(
        'claude to answer the second prompt',
        async () => {
          const transcript = await client.call('read_transcript', { session: 'work' });
          return !transcript.isError && transcript.json.messages.some((message: any) => message.text.includes('Reply to: second prompt over mcp'));
        },
        90_000,
      );
      const transcript = await client.call('read_transcript', { session: 'work', provider: 'claude' });
      expect(transcript.json).toMatchObject({ session: 'work', agent: 'work-claude', provider: 'claude', omitted: 0 });
      expect(transcript.json.messages.map((message: any) => [message.role, message.text])).toEqual([
        ['user', 'first prompt over mcp'],
        ['assistant', 'Reply to: first prompt over mcp'],
        ['user', 'second prompt over mcp'],
        ['assistant', 'Reply to: second prompt over mcp'],
      ]);
      expect(client.stderr()).toBe('');
    } finally {
      await client.close();
    }
  }, 300_000);

  it("start_run fans one task out to codex and pi, compare_run shows their branches, pick_run keeps one with the user's yes", async () => {
    const world = worlds.make();
    for (const provider of ['codex', 'pi']) world.trust(join(world.project.sessionsDir, `fan-${provider}`));
    const client = await connectMcp(world.project.main, world.env, { elicit: yes });
    try {
      const progress: string[] = [];
      const run = await client.call('start_run', { run: 'fan', agents: ['codex', 'pi'], prompt: 'fan prompt over mcp' }, (message) => progress.push(message));
      expect(run.isError, run.text).toBe(false);
      expect(run.json.started.map((each: any) => [each.provider, each.session])).toEqual([
        ['codex', 'fan-codex'],
        ['pi', 'fan-pi'],
      ]);
      // Sent before the result; the SDK's client may drop a last line that arrives in the same read as the result.
      expect(progress.length).toBeGreaterThanOrEqual(1);
      expect(progress).toEqual(['Starting codex in fan-codex...', 'Starting pi in fan-pi...'].slice(0, progress.length));
      for (const protocol of ['openai-responses', 'chat-completions']) {
        await poll(
          `the ${protocol} agent's prompt`,
          () => server.requests.find((request) => request.protocol === protocol && requestText(request).includes('fan prompt over mcp')),
          90_000,
        );
      }
      // The agents' work, as commits on their branches.
      commitFile(world.project.sandbox, join(world.project.sessionsDir, 'fan-codex'), 'codex.txt', 'by codex\n', 'codex: fix');
      commitFile(world.project.sandbox, join(world.project.sessionsDir, 'fan-pi'), 'pi.txt', 'by pi\n', 'pi: fix');
      const compared = await client.call('compare_run', { run: 'fan' });
      expect(compared.json.agents.map((agent: any) => [agent.provider, agent.files.map((file: any) => file.path), agent.merge])).toEqual([
        ['codex', ['codex.txt'], 'clean'],
        ['pi', ['pi.txt'], 'clean'],
      ]);
      const picked = await client.call('pick_run', { run: 'fan', provider: 'pi' });
      expect(picked.isError, picked.text).toBe(false);
      expect(client.asked).toEqual([expect.stringMatching(/^Pick pi in run fan: end fan-pi with merge, abandon fan-codex/)]);
      expect(git(world, world.project.main, 'show', 'main:pi.txt')).toBe('by pi');
      expect(manifestOf(world).sessions).toEqual([]);
      expect(git(world, world.project.main, 'for-each-ref', '--format=%(refname)', 'refs/pwt/archive/')).toMatch(/refs\/pwt\/archive\/fan-codex\//);
    } finally {
      await client.close();
    }
  }, 300_000);

  for (const vendor of ['claude', 'codex'] as const) {
    it(`${vendor}, as the MCP client inside a session, stacks a sub-session, starts pi in it, and cannot end it without the user`, async () => {
      const world = worlds.make();
      const env = withPwt(world);
      const install = await runCommand('pwt', ['mcp', 'install', vendor], { cwd: world.project.main, env });
      expect(install.code, install.stderr).toBe(0);
      // Committed, so every session's worktree has it.
      const file = vendor === 'claude' ? '.mcp.json' : '.codex/config.toml';
      world.project.sandbox.git(world.project.main, 'add', file);
      world.project.sandbox.git(world.project.main, 'commit', '--quiet', '-m', 'pwt for agents');
      const lead = await world.session('lead');
      if (vendor === 'claude') {
        mkdirSync(join(lead, '.claude'), { recursive: true });
        // What answering claude's "use this project's MCP servers?" question once writes.
        writeFileSync(join(lead, '.claude', 'settings.local.json'), JSON.stringify({ enableAllProjectMcpServers: true }));
      }
      const prompt = calls(
        ['create_session', { name: 'sub', goal: `From ${vendor}` }],
        ['start_agent', { session: 'sub', provider: 'pi', prompt: `hello from ${vendor}` }],
        ['end_session', { session: 'sub', strategy: 'abandon' }],
      );
      const from = server.requests.length;
      const args =
        vendor === 'claude'
          ? ['-p', prompt, '--allowedTools', 'mcp__pwt__create_session', 'mcp__pwt__start_agent', 'mcp__pwt__end_session']
          : // codex asks before a destructive tool; its exec mode cannot, so it would refuse end_session itself before pwt sees it.
            ['exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', prompt];
      const result = await runCommand(join(CLI_BIN, vendor), args, { cwd: lead, env, timeoutMs: 180_000 });
      expect(result.code, result.stderr).toBe(0);

      // pwt's state: the sub-session stacked on the caller's, pi started in it.
      expect(sessionOf(world, 'sub')).toMatchObject({ base: 'session/lead', goals: [`From ${vendor}`] });
      expect(git(world, world.project.main, 'rev-parse', 'session/sub')).toBe(git(world, world.project.main, 'rev-parse', 'session/lead'));
      expect(sessionOf(world, 'sub').agents).toEqual([expect.objectContaining({ id: 'sub-pi', provider: 'pi' })]);
      // On this test's tmux server, where the user's pwt looks (codex passes TMUX_TMPDIR on because pwt's entry names it).
      expect(world.tmux('list-panes', '-a', '-F', '#{@pwt-agent}').stdout.split('\n')).toContain('sub-pi');
      // pi's prompt reached the model server; the tool results came back to the calling model.
      await poll(
        `pi's prompt from ${vendor}`,
        () => server.requests.slice(from).find((request) => request.protocol === 'chat-completions' && requestText(request).includes(`hello from ${vendor}`)),
        90_000,
      );
      const mine = server.requests.slice(from).filter((request) => request.protocol === (vendor === 'claude' ? 'anthropic' : 'openai-responses'));
      expect(toolResultReached(mine, 'session/sub')).toBe(true);
      expect(toolResultReached(mine, 'sub-pi')).toBe(true);
      // end_session: the client has no one to ask in print mode, so the answer is no: refused (exit 130), nothing changed.
      expect(toolResultReached(mine, 'The user said no: sub was not ended; nothing changed.')).toBe(true);
      expect(toolResultReached(mine, '130')).toBe(true);
      expect(sessionOf(world, 'sub')).toBeTruthy();
      expect(git(world, realpathSync(join(world.project.sessionsDir, 'sub')), 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('session/sub');
    }, 300_000);
  }

  it('claude in a session, asked to try a fix with codex and pi too and keep the best: start_run, wait_for_agent, compare_run, then pick_run once the user says yes in claude', async () => {
    const world = worlds.make();
    Object.assign(world.env, withPwt(world));
    await world.ok(['mcp', 'install', 'claude']);
    world.project.sandbox.git(world.project.main, 'add', '.mcp.json');
    world.project.sandbox.git(world.project.main, 'commit', '--quiet', '-m', 'pwt for agents');
    const lead = await world.session('lead');
    for (const provider of ['codex', 'pi']) world.trust(join(world.project.sessionsDir, `fan-${provider}`));
    mkdirSync(join(lead, '.claude'), { recursive: true });
    // The user's answers to claude's questions: use this project's MCP servers, and let pwt's tools run.
    writeFileSync(join(lead, '.claude', 'settings.local.json'), JSON.stringify({ enableAllProjectMcpServers: true, permissions: { allow: ['mcp__pwt'] } }));
    const prompt = [
      'Try this fix with codex and pi too and keep the best.',
      `PWT_CALL start_run ${JSON.stringify({ run: 'fan', agents: ['codex', 'pi'], prompt: 'fan prompt from claude' })}`,
      `PWT_CALL wait_for_agent ${JSON.stringify({ session: 'fan-codex', timeout_s: 120 })}`,
      `PWT_CALL wait_for_agent ${JSON.stringify({ session: 'fan-pi', timeout_s: 120 })}`,
      `PWT_CALL compare_run ${JSON.stringify({ run: 'fan' })}`,
      `PWT_CALL pick_run ${JSON.stringify({ run: 'fan', provider: 'pi' })}`,
    ].join('\n');
    await world.ok(['agent', 'start', 'claude', '--session', 'lead', '--prompt', prompt, '--detach']);
    const pane = world
      .tmux('list-panes', '-a', '-F', '#{pane_id} #{@pwt-agent}')
      .stdout.split('\n')
      .find((line) => line.endsWith(' lead-claude'))!
      .split(' ')[0]!;

    // Both agents got the task; then pwt asks the user, in claude's screen, before picking.
    for (const protocol of ['openai-responses', 'chat-completions']) {
      await poll(
        `the ${protocol} agent's prompt`,
        () => server.requests.find((request) => request.protocol === protocol && requestText(request).includes('fan prompt from claude')),
        120_000,
      );
    }
    const screen = () => world.tmux('capture-pane', '-p', '-J', '-t', pane).stdout;
    await poll(
      "pwt's question in claude",
      () => /MCP server .pwt. requests your input[\s\S]*Pick pi in run fan: end fan-pi with merge, abandon fan-codex[\s\S]*Accept\s+Decline/.test(screen()),
      120_000,
    );
    expect(sessionOf(world, 'fan-pi')).toMatchObject({ base: 'session/lead' });
    expect(sessionOf(world, 'fan-codex')).toBeTruthy();
    // Yes: tick the box, move to Accept, Enter.
    world.tmux('send-keys', '-t', pane, 'Space');
    await poll('the box ticked', () => !screen().includes('Go ahead: ☐'), 20_000);
    const ticked = screen();
    world.tmux('send-keys', '-t', pane, 'Down');
    await poll('the cursor on Accept', () => screen() !== ticked, 20_000);
    world.tmux('send-keys', '-t', pane, 'Enter');

    const run = join(world.project.sessionsDir, '.pwt', 'runs', 'fan.json');
    await poll('the run picked', () => JSON.parse(readFileSync(run, 'utf8')).picked, 120_000);
    expect(JSON.parse(readFileSync(run, 'utf8')).picked).toMatchObject({ provider: 'pi', session: 'fan-pi', strategy: 'merge' });
    expect(manifestOf(world).sessions.map((session: any) => session.id)).toEqual(['lead']);
    expect(git(world, world.project.main, 'for-each-ref', '--format=%(refname)', 'refs/pwt/archive/')).toMatch(/refs\/pwt\/archive\/fan-codex\//);
    await poll(
      "the pick result back in claude's conversation",
      () =>
        toolResultReached(
          server.requests.filter((request) => request.protocol === 'anthropic'),
          'abandoned',
        ),
      60_000,
    );
  }, 400_000);

  it('after pwt mcp install, each client lists pwt (claude, gemini and opencode connect to it)', async () => {
    const world = worlds.make();
    const env = withPwt(world);
    const main = world.project.main;
    // Trusted for copilot and gemini (codex's recipe trusts the main worktree already).
    const home = world.project.sandbox.home;
    mkdirSync(join(home, '.copilot'), { recursive: true });
    writeFileSync(join(home, '.copilot', 'config.json'), JSON.stringify({ trusted_folders: [main] }));
    mkdirSync(join(home, '.gemini'), { recursive: true });
    writeFileSync(join(home, '.gemini', 'trustedFolders.json'), JSON.stringify({ [main]: 'TRUST_FOLDER' }));
    // copilot first: it reads .mcp.json once claude's install makes one.
    const list: Record<string, { args: string[]; shows: RegExp }> = {
      copilot: { args: ['mcp', 'list'], shows: /Workspace servers:\n\s+pwt \(local\)/ },
      // claude asks once before it uses a project's .mcp.json server.
      claude: { args: ['mcp', 'list'], shows: /pwt: pwt mcp - ⏸ Pending approval/ },
      // Env: the variables pwt's entry forwards (env_vars), values masked.
      codex: { args: ['mcp', 'list'], shows: /^pwt\s+pwt\s+mcp\s+TMUX_TMPDIR=\*+, XDG_CONFIG_HOME=\*+,.*\s+-\s+enabled/m },
      gemini: { args: ['mcp', 'list'], shows: /pwt: pwt mcp \(stdio\) - Connected/ },
      opencode: { args: ['mcp', 'list'], shows: /pwt\s.*connected/i },
    };
    for (const [client, { args, shows }] of Object.entries(list)) {
      const before = await runCommand(join(CLI_BIN, client), args, { cwd: main, env, timeoutMs: 120_000 });
      expect(`${before.stdout}${before.stderr}`, client).not.toMatch(shows);
      const install = await runCommand('pwt', ['mcp', 'install', client], { cwd: main, env });
      expect(install.code, install.stderr).toBe(0);
      const after = await runCommand(join(CLI_BIN, client), args, { cwd: main, env, timeoutMs: 120_000 });
      expect(`${after.stdout}${after.stderr}`.replace(/\u001B\[[0-9;]*m/g, ''), client).toMatch(shows);
    }
    // The user's yes to claude's question; then claude connects to pwt.
    mkdirSync(join(main, '.claude'), { recursive: true });
    writeFileSync(join(main, '.claude', 'settings.local.json'), JSON.stringify({ enableAllProjectMcpServers: true }));
    expect((await runCommand(join(CLI_BIN, 'claude'), ['mcp', 'list'], { cwd: main, env, timeoutMs: 120_000 })).stdout).toMatch(/pwt: pwt mcp - ✔ Connected/);
    const doctor = await runCommand('pwt', ['doctor', '--json'], { cwd: main, env });
    expect(JSON.parse(doctor.stdout).checks.find((check: any) => check.name === 'mcp').detail).toBe(
      'registered for claude (.mcp.json), codex (.codex/config.toml), gemini (.gemini/settings.json), copilot (.mcp.json), opencode (opencode.json)',
    );
  }, 300_000);
});
