import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CLI, NODE } from '../helpers/sandbox.js';
import { hostWorld, type HostWorld } from '../hosts-world.js';
import { CLI_BIN, poll, requireCli, runCommand } from './harness.js';
import { useModelServer } from './e2e.js';
import { requestText, waitForRequest } from './runtime-world.js';

/**
 * A real pi on a host: this machine through the test's own sshd, pwt there
 * run by `--pwt`, pi in the host's own tmux (its TMUX_TMPDIR) talking to the
 * model server. Started with `create --host --agent`, listed with a HOST
 * column, sent text, stopped, resumed and removed, every command given here.
 * Prompts and sent text hold quotes, $(...) and newlines: each must reach pi
 * as one message, and nothing of it may run on the host.
 */
const server = useModelServer();

const hostTmux = (world: HostWorld, ...args: string[]) =>
  spawnSync('tmux', ['-L', 'pwt', ...args], { env: { ...process.env, TMUX_TMPDIR: world.sshd.hostTmux, TMUX: '' }, encoding: 'utf8' });
const paneOf = (world: HostWorld, agentId: string) =>
  hostTmux(world, 'list-panes', '-a', '-F', '#{pane_id} #{@pwt-agent}')
    .stdout.split('\n')
    .find((line) => line.endsWith(` ${agentId}`))
    ?.split(' ')[0] ?? '';
/** How a text appears in a request body as the model server records it (JSON). */
const inJson = (text: string) => JSON.stringify(text).slice(1, -1);
const screenOf = (world: HostWorld, pane: string) => hostTmux(world, 'capture-pane', '-p', '-J', '-t', pane, '-S', '-200').stdout;

/** pi on the host talks to the model server (its HOME there is the host's). */
function writePiConfig(world: HostWorld): void {
  const piDir = join(world.sshd.hostHome, '.pi', 'agent');
  mkdirSync(piDir, { recursive: true });
  const model = { id: 'mock-model', name: 'Mock', reasoning: false, input: ['text'], contextWindow: 128000, maxTokens: 4096 };
  writeFileSync(
    join(piDir, 'models.json'),
    JSON.stringify({
      providers: {
        mock: {
          baseUrl: `${server.url}/v1`,
          api: 'openai-completions',
          apiKey: 'sk-fake',
          compat: { supportsDeveloperRole: false, supportsReasoningEffort: false },
          models: [model],
        },
      },
    }),
  );
  writeFileSync(join(piDir, 'settings.json'), JSON.stringify({ defaultProvider: 'mock', defaultModel: 'mock-model', lastChangelogVersion: '0.73.1' }));
}

describe('an agent on a host (real pi, real sshd)', () => {
  it('create --host --agent pi, list --all, send, stop, resume, remove, all from here; prompts arrive whole', async () => {
    requireCli('pi');
    const hostHome = { PATH: `${CLI_BIN}:${dirname(NODE)}:${process.env.PATH ?? '/usr/bin:/bin'}`, PI_OFFLINE: '1', TERM: 'xterm-256color', CI: '' };
    const world = await hostWorld({ hostEnv: hostHome });
    try {
      writePiConfig(world);
      const env = { ...world.project.sandbox.env, ...world.env };
      const pwt = (args: string[]) => runCommand(NODE, [CLI, ...args], { cwd: world.project.main, env, timeoutMs: 120_000 });
      const marker = join(world.project.sandbox.root, 'pwned');
      const first = `first "turn" it's $(touch ${marker}) \`touch ${marker}\`\nsecond line; touch ${marker}`;
      const created = await pwt(['create', 'far', '--host', 'box', '--agent', 'pi', '--prompt', first, '--json']);
      expect(created.code, created.stderr).toBe(0);
      expect(JSON.parse(created.stdout)).toMatchObject({ id: 'far', host: 'box', agents: [{ id: 'far-pi', provider: 'pi' }] });
      const asked = await waitForRequest(server, inJson(first), 0, 60_000).catch((error: Error) => {
        throw new Error(`${error.message}\nthe host's screen:\n${screenOf(world, paneOf(world, 'far-pi'))}`);
      });
      expect(requestText(asked)).toContain(inJson(first));
      await poll('pi to answer on the host', () => screenOf(world, paneOf(world, 'far-pi')).includes('Reply to: first'), 90_000);
      const idle = await pwt(['agent', 'wait', '--for', 'idle', '--timeout', '60', '--session', 'far', '--json']);
      expect(idle.code, idle.stderr).toBe(0);

      const listed = await pwt(['agent', 'list', '--all', '--json']);
      expect(listed.code, listed.stderr).toBe(0);
      expect(JSON.parse(listed.stdout).agents).toEqual([
        expect.objectContaining({ id: 'far-pi', session: 'far', provider: 'pi', status: 'running', host: 'box' }),
      ]);
      const human = await pwt(['agent', 'list', '--all']);
      expect(human.stdout).toMatch(/HOST\s+AGENT[\s\S]*box\s+far-pi/);

      const second = `second 'quoted' $(touch ${marker}); line two`;
      let mark = server.requests.length;
      const sent = await pwt(['agent', 'send', second, '--session', 'far']);
      expect(sent.code, sent.stderr).toBe(0);
      expect(requestText(await waitForRequest(server, inJson(second), mark))).toContain(inJson(second));
      await poll('pi to answer the sent text', () => screenOf(world, paneOf(world, 'far-pi')).includes('Reply to: second'), 90_000);

      await poll(
        'the vendor id',
        async () => JSON.parse((await pwt(['agent', 'list', '--session', 'far', '--json'])).stdout).agents[0]?.vendorSessionId,
        30_000,
      );
      const stopped = await pwt(['agent', 'stop', '--session', 'far']);
      expect(stopped.code, stopped.stderr).toBe(0);
      const afterStop = JSON.parse((await pwt(['agent', 'list', '--session', 'far', '--json'])).stdout).agents[0];
      expect(afterStop).toMatchObject({ status: 'stopped' });
      mark = server.requests.length;
      const resumed = await pwt(['agent', 'resume', 'pi', '--session', 'far']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toMatch(new RegExp(`Resumed pi conversation ${afterStop.vendorSessionId}`));
      const again = `after resume`;
      await pwt(['agent', 'send', again, '--session', 'far']);
      // The resumed conversation carries the first turn: the same pi session, not a new one.
      expect(requestText(await waitForRequest(server, again, mark))).toContain(inJson('first "turn"'));
      expect(existsSync(marker)).toBe(false);

      const removed = await pwt(['remove', 'far', '--strategy', 'abandon', '--yes']);
      expect(removed.code, removed.stderr).toBe(0);
      expect(paneOf(world, 'far-pi')).toBe('');
      expect(existsSync(join(world.hostSessions, 'far'))).toBe(false);
    } finally {
      await world.cleanup();
    }
  }, 400_000);

  it('run start --host: the run and its agents live on the host; list, show, path and rm from here', async () => {
    requireCli('pi');
    const world = await hostWorld({
      hostEnv: { PATH: `${CLI_BIN}:${dirname(NODE)}:${process.env.PATH ?? '/usr/bin:/bin'}`, PI_OFFLINE: '1', TERM: 'xterm-256color' },
    });
    try {
      writePiConfig(world);
      const env = { ...world.project.sandbox.env, ...world.env };
      const pwt = (args: string[]) => runCommand(NODE, [CLI, ...args], { cwd: world.project.main, env, timeoutMs: 120_000 });
      const prompt = `run prompt "q" $(echo no) it's`;
      const started = await pwt(['run', 'start', 'tune', '--host', 'box', '--agents', 'pi', '--prompt', prompt, '--json']);
      expect(started.code, started.stderr).toBe(0);
      expect(JSON.parse(started.stdout)).toMatchObject({ run: 'tune', host: 'box', started: [{ provider: 'pi', session: 'tune-pi' }] });
      await waitForRequest(server, inJson(prompt));
      const listed = await pwt(['run', 'list', '--json']);
      expect(JSON.parse(listed.stdout).runs).toEqual([expect.objectContaining({ name: 'tune', host: 'box' })]);
      expect((await pwt(['run', 'list'])).stdout).toMatch(/HOST\s+RUN[\s\S]*box\s+tune/);
      const shown = await pwt(['run', 'show', 'tune', '--json']);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toContain('tune-pi');
      expect((await pwt(['path', 'tune-pi'])).stdout.trim()).toBe(`box:${join(world.hostSessions, 'tune-pi')}`);
      const removed = await pwt(['run', 'rm', 'tune']);
      expect(removed.code, removed.stderr).toBe(0);
      expect((await pwt(['path', 'tune-pi'])).code).toBe(3);
      expect(JSON.parse((await pwt(['run', 'list', '--json'])).stdout).runs).toEqual([]);
    } finally {
      await world.cleanup();
    }
  }, 400_000);
});
