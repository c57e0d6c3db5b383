import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { poll, runCommand } from './harness.js';
import { CLI, NODE } from '../helpers/sandbox.js';
import { useModelServer } from './e2e.js';
import { requestText, screenOf, useRuntimeWorlds, waitForRequest } from './runtime-world.js';
import { ASK_MARKER, TOOL_OUTPUT } from './server/script.js';

/**
 * An agent that asks the user something (a permission question for a
 * command that writes a file) must never get an answer from pwt: neither
 * from `agent stop` (claude's typed `/exit` + Enter would confirm "1. Yes")
 * nor from `agent send` (its Enter would too). The proof is the worktree
 * (the file never exists) and the model server (no tool result ever came
 * back).
 */
const server = useModelServer();
const worlds = useRuntimeWorlds(server, ['claude', 'codex', 'gemini', 'copilot']);

/** Requests after `from` that carried the command's output back (the script then answers "Done: the tool printed pwt-tool-output"). */
const toolResults = (from: number) =>
  server.requests.slice(from).filter((request) => request.reply?.kind === 'text' && request.reply.text.includes(`printed ${TOOL_OUTPUT}`));

const paneOf = (world: ReturnType<typeof worlds.make>, agentId: string) =>
  world
    .tmux('list-panes', '-a', '-F', '#{pane_id} #{@pwt-agent}')
    .stdout.split('\n')
    .find((line) => line.endsWith(` ${agentId}`))
    ?.split(' ')[0] ?? '';

describe('an agent waiting on a question gets no answer from pwt', () => {
  // opencode and pi run commands without asking; cursor is not installable here.
  for (const provider of ['claude', 'codex', 'gemini', 'copilot'] as const) {
    it(`${provider} asks to run a command that writes a file: send refuses, stop dismisses the question; the file never exists, no tool result reaches the model`, async () => {
      const world = worlds.make();
      const cwd = await world.session('ask');
      const at = (args: string[]) => world.pwt(args, cwd);
      const mark = server.requests.length;
      const started = await at(['agent', 'start', provider, '--prompt', `please ${ASK_MARKER}`]);
      expect(started.code, started.stderr).toBe(0);
      await waitForRequest(server, ASK_MARKER, mark);
      const waited = await at(['agent', 'wait', '--for', 'waiting', '--timeout', '90']);
      expect(waited.code, `${waited.stderr}\n--- screen ---\n${screenOf(world, paneOf(world, `ask-${provider}`))}`).toBe(0);

      // send refuses while the question is open: exit 3, what it asks, how to answer.
      const sent = await at(['agent', 'send', 'go on then']);
      expect(sent.code, sent.stderr).toBe(3);
      expect(sent.stderr).toMatch(/is waiting on a question/);
      expect(sent.stderr).toMatch(/pwt agent attach ask-/);
      expect(screenOf(world, paneOf(world, `ask-${provider}`))).not.toContain('go on then');

      const stopped = await at(['agent', 'stop']);
      expect(stopped.code, stopped.stderr).toBe(0);
      const [agent] = await world.agents('ask');
      expect(agent).toMatchObject({ id: `ask-${provider}`, status: 'stopped' });
      // The question was never answered: nothing ran, nothing came back to the model.
      expect(existsSync(join(cwd, 'pwt-asked.txt'))).toBe(false);
      expect(toolResults(mark)).toEqual([]);
      // And it stays so: the process is gone, so nothing can run later.
      await poll('the agent window to be gone', () => paneOf(world, `ask-${provider}`) === '', 10_000);
      expect(existsSync(join(cwd, 'pwt-asked.txt'))).toBe(false);
    }, 300_000);
  }

  for (const provider of ['claude', 'codex'] as const) {
    it(`${provider}: a 20 KB text with tabs and newlines sent while it is idle arrives as one message, whole`, async () => {
      const world = worlds.make();
      const cwd = await world.session('long');
      const at = (args: string[]) => world.pwt(args, cwd);
      const started = await at(['agent', 'start', provider, '--prompt', 'warm up']);
      expect(started.code, started.stderr).toBe(0);
      await waitForRequest(server, 'warm up');
      const idle = await at(['agent', 'wait', '--for', 'idle', '--timeout', '90']);
      expect(idle.code, idle.stderr).toBe(0);
      const body = Array.from({ length: 400 }, (_, i) => `line ${i}\tcell ${i}\tmore text to make it long`).join('\n');
      const text = `SEND-START ${provider}\n${body}\nSEND-END`;
      expect(text.length).toBeGreaterThan(15_000);
      const mark = server.requests.length;
      const sent = await at(['agent', 'send', text]);
      expect(sent.code, sent.stderr).toBe(0);
      // One user turn holds it all, newlines as sent (claude shows a pasted tab as four spaces, and sends that).
      const whole = (request: { body?: unknown }) =>
        [JSON.stringify(text), JSON.stringify(text.replaceAll('\t', '    '))].some((each) => requestText(request as never).includes(each.slice(1, -1)));
      await poll('the whole text in one request', () => server.requests.slice(mark).find(whole), 90_000);
      await at(['agent', 'wait', '--for', 'idle', '--timeout', '90']);
      // The model answered that one turn; no part of it became a turn of its own (a split would be answered "Reply to: line ...").
      const replies = server.requests
        .slice(mark)
        .flatMap((each) => (each.reply?.kind === 'text' && each.reply.text.startsWith('Reply to:') ? [each.reply.text] : []));
      expect(replies).toContainEqual(expect.stringMatching(new RegExp(`^Reply to: SEND-START ${provider} line 0 cell 0`)));
      expect(replies.filter((reply) => /^Reply to: (line \d|SEND-END|cell)/.test(reply))).toEqual([]);
    }, 300_000);
  }

  it('codex: a 150 KB text from stdin (more than one command-line argument holds) arrives whole, as one message', async () => {
    const world = worlds.make();
    const cwd = await world.session('stdin');
    await world.ok(['agent', 'start', 'codex', '--prompt', 'warm up stdin'], cwd);
    await waitForRequest(server, 'warm up stdin');
    expect((await world.pwt(['agent', 'wait', '--for', 'idle', '--timeout', '90'], cwd)).code).toBe(0);
    const text = `STDIN-START\n${Array.from({ length: 3000 }, (_, i) => `row ${i}: ${'z'.repeat(40)}`).join('\n')}\nSTDIN-END`;
    expect(Buffer.byteLength(text)).toBeGreaterThan(140_000);
    const mark = server.requests.length;
    const sent = await runCommand(NODE, [CLI, 'agent', 'send', '-'], { cwd, env: world.env, input: `${text}\n`, timeoutMs: 120_000 });
    expect(sent.code, sent.stderr).toBe(0);
    await poll(
      'the whole text in one request',
      () => server.requests.slice(mark).find((each) => requestText(each).includes(JSON.stringify(text).slice(1, -1))),
      90_000,
    );
  }, 300_000);
});
