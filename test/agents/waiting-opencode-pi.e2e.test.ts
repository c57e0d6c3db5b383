import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { poll } from './harness.js';
import { useModelServer } from './e2e.js';
import { screenOf, useRuntimeWorlds, waitForRequest, type RuntimeWorld } from './runtime-world.js';
import { ASK_MARKER, TOOL_OUTPUT } from './server/script.js';

/**
 * `waiting` for opencode and pi, with the real CLIs in pwt's tmux against the
 * model server, which answers ASK_MARKER with one shell call that writes a
 * file (`touch pwt-asked.txt`).
 *
 * - opencode asks where its permission config says `ask` (its default allows
 *   commands in the project): the user's config here asks for every shell
 *   command. pwt's plugin reports the question (activity source `hook`),
 *   `agent send` refuses, `agent stop` dismisses it; the file never exists.
 * - pi has no permission prompt at all ("No permission popups", its own
 *   README): it runs the writing command unasked, so `waiting` never happens.
 * - cursor: its CLI is not on npm, so it is not here; its screen pattern is
 *   checked on a hand-written fixture in test/core/agents/runtime/activity/screen.test.ts.
 */
const server = useModelServer();
const worlds = useRuntimeWorlds(server, ['opencode', 'pi']);

const toolResults = (from: number) =>
  server.requests.slice(from).filter((request) => request.reply?.kind === 'text' && request.reply.text.includes(`printed ${TOOL_OUTPUT}`));

const paneOf = (world: RuntimeWorld, agentId: string) =>
  world
    .tmux('list-panes', '-a', '-F', '#{pane_id} #{@pwt-agent}')
    .stdout.split('\n')
    .find((line) => line.endsWith(` ${agentId}`))
    ?.split(' ')[0] ?? '';

/** The user's own opencode config asks before every shell command. */
function opencodeAsks(world: RuntimeWorld): void {
  const file = join(world.env.XDG_CONFIG_HOME!, 'opencode', 'opencode.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), permission: { bash: 'ask' } }));
}

describe('waiting for opencode and pi', () => {
  it("opencode asks to run a command that writes a file: its plugin reports waiting (source hook), send refuses, stop dismisses it; the file never exists; the user's OPENCODE_CONFIG_CONTENT is kept", async () => {
    const world = worlds.make();
    opencodeAsks(world);
    // The user's own config text: pwt appends its plugin to it, never replaces it.
    world.env.OPENCODE_CONFIG_CONTENT = JSON.stringify({ autoupdate: false });
    const cwd = await world.session('ask');
    const at = (args: string[]) => world.pwt(args, cwd);
    const mark = server.requests.length;
    await world.ok(['agent', 'start', 'opencode', '--prompt', `please ${ASK_MARKER}`, '--detach'], cwd);
    await waitForRequest(server, ASK_MARKER, mark, 150_000);
    const waited = await at(['agent', 'wait', '--for', 'waiting', '--timeout', '120']);
    expect(waited.code, `${waited.stderr}\n--- screen ---\n${screenOf(world, paneOf(world, 'ask-opencode'))}`).toBe(0);
    const [agent] = await world.agents('ask');
    expect(agent).toMatchObject({ id: 'ask-opencode', activity: 'waiting', activitySource: 'hook' });
    const pid = world
      .tmux('list-panes', '-a', '-F', '#{pane_pid} #{@pwt-agent}')
      .stdout.split('\n')
      .find((line) => line.endsWith(' ask-opencode'))!
      .split(' ')[0];
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    const content = JSON.parse(environ.find((each) => each.startsWith('OPENCODE_CONFIG_CONTENT='))!.slice('OPENCODE_CONFIG_CONTENT='.length));
    expect(content).toMatchObject({ autoupdate: false, plugin: [expect.stringMatching(/^file:\/\/.*ask-opencode\.opencode-plugin\.js$/)] });
    const hook = JSON.parse(readFileSync(join(world.project.sessionsDir, '.pwt', 'agents', 'ask-opencode.hook.json'), 'utf8'));
    expect(hook).toMatchObject({ event: 'opencode:asked', activity: 'waiting' });

    const sent = await at(['agent', 'send', 'go on then']);
    expect(sent.code, sent.stderr).toBe(3);
    expect(sent.stderr).toMatch(/is waiting on a question: △ Permission required \(touch pwt-asked\.txt/);

    const stopped = await at(['agent', 'stop']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect((await world.agents('ask'))[0]).toMatchObject({ status: 'stopped' });
    await poll('the agent window to be gone', () => paneOf(world, 'ask-opencode') === '', 10_000);
    expect(existsSync(join(cwd, 'pwt-asked.txt'))).toBe(false);
    expect(toolResults(mark)).toEqual([]);
  }, 300_000);

  it('opencode with its default permissions runs the command unasked; its plugin reports the turn over (idle, source hook)', async () => {
    const world = worlds.make();
    const cwd = await world.session('free');
    const mark = server.requests.length;
    await world.ok(['agent', 'start', 'opencode', '--prompt', `please ${ASK_MARKER}`, '--detach'], cwd);
    await poll('the tool result to reach the model', () => toolResults(mark).length > 0, 150_000);
    expect(existsSync(join(cwd, 'pwt-asked.txt'))).toBe(true);
    const idle = await world.pwt(['agent', 'wait', '--for', 'idle', '--timeout', '90'], cwd);
    expect(idle.code, idle.stderr).toBe(0);
    expect((await world.agents('free'))[0]).toMatchObject({ activity: 'idle', activitySource: 'hook' });
    await world.ok(['agent', 'stop'], cwd);
  }, 300_000);

  it('pi never asks: it runs a command that writes a file without a question, so its activity is never waiting', async () => {
    const world = worlds.make();
    const cwd = await world.session('pi');
    const mark = server.requests.length;
    await world.ok(['agent', 'start', 'pi', '--prompt', `please ${ASK_MARKER}`, '--detach'], cwd);
    await poll('the tool result to reach the model', () => toolResults(mark).length > 0, 90_000);
    // Nobody answered anything: the command ran and wrote its file.
    expect(existsSync(join(cwd, 'pwt-asked.txt'))).toBe(true);
    expect((await world.pwt(['agent', 'wait', '--for', 'idle', '--timeout', '60'], cwd)).code).toBe(0);
    const never = await world.pwt(['agent', 'wait', '--for', 'waiting', '--timeout', '3'], cwd);
    expect(never.code).toBe(3);
    expect(never.stderr).toContain('was not waiting within 3 s (it is idle)');
    await world.ok(['agent', 'stop'], cwd);
  }, 240_000);
});
