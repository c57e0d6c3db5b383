import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from './server/index.js';
import { ASK_COMMAND, ASK_MARKER, decide, LIMIT_MARKER, MARKER, shellArgs, TOOL_COMMAND } from './server/script.js';

/** The test model server itself: the script's rules, and the two protocols A owns over real HTTP. */
describe('model server script', () => {
  const bash = {
    name: 'Bash',
    schema: { type: 'object', properties: { command: { type: 'string' }, description: { type: 'string' } }, required: ['command'] },
  };

  it.each([
    ['plain prompt -> echo reply', [{ role: 'user', text: 'hello there' }], [bash], { kind: 'text', text: 'Reply to: hello there' }],
    ['marker -> one shell call', [{ role: 'user', text: `do ${MARKER}` }], [bash], { kind: 'tool', name: 'Bash', args: { command: TOOL_COMMAND } }],
    ['marker without a shell tool -> text', [{ role: 'user', text: `do ${MARKER}` }], [], { kind: 'text', text: `Reply to: do ${MARKER}` }],
    [
      'tool result back -> Done',
      [
        { role: 'user', text: `do ${MARKER}` },
        { role: 'assistant', text: '' },
        { role: 'tool', text: 'pwt-tool-output\n' },
      ],
      [bash],
      { kind: 'text', text: 'Done: the tool printed pwt-tool-output' },
    ],
    [
      'injected context after the prompt is not the user',
      [
        { role: 'user', text: `go ${MARKER}` },
        { role: 'user', text: '<system-reminder>x</system-reminder>' },
      ],
      [bash],
      { kind: 'tool', name: 'Bash', args: { command: TOOL_COMMAND } },
    ],
    [
      'a new prompt after an old tool result asks again',
      [
        { role: 'user', text: `a ${MARKER}` },
        { role: 'tool', text: 'x' },
        { role: 'assistant', text: 'Done' },
        { role: 'user', text: 'second' },
      ],
      [bash],
      { kind: 'text', text: 'Reply to: second' },
    ],
  ] as const)('%s', (_name, turns, tools, expected) => {
    expect(decide({ turns: [...turns], tools: [...tools] })).toEqual(expected);
  });

  it('shapes the arguments by the tool schema', () => {
    expect(shellArgs({ name: 'exec_command', schema: { properties: { cmd: { type: 'string' } }, required: ['cmd'] } })).toEqual({ cmd: TOOL_COMMAND });
    expect(shellArgs({ name: 'shell', schema: { properties: { command: { type: 'array' } }, required: ['command'] } })).toEqual({
      command: ['bash', '-lc', TOOL_COMMAND],
    });
    expect(
      shellArgs({
        name: 'bash',
        schema: {
          properties: { command: { type: 'string' }, description: { type: 'string' }, timeout: { type: 'number' } },
          required: ['command', 'description', 'timeout'],
        },
      }),
    ).toEqual({ command: TOOL_COMMAND, description: 'Print a marker line', timeout: 30_000 });
  });

  it('the ask marker: a command that writes, asked to run outside the sandbox where the tool can say so', () => {
    const exec = {
      name: 'exec_command',
      schema: { properties: { cmd: { type: 'string' }, sandbox_permissions: { type: 'string' }, justification: { type: 'string' } }, required: ['cmd'] },
    };
    expect(decide({ turns: [{ role: 'user', text: `go ${ASK_MARKER}` }], tools: [exec] })).toEqual({
      kind: 'tool',
      name: 'exec_command',
      args: { cmd: ASK_COMMAND, sandbox_permissions: 'require_escalated', justification: 'The pwt test asks for approval' },
    });
    expect(decide({ turns: [{ role: 'user', text: `go ${ASK_MARKER}` }], tools: [bash] })).toEqual({
      kind: 'tool',
      name: 'Bash',
      args: { command: ASK_COMMAND },
    });
  });
});

describe('model server over HTTP', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('listens on 127.0.0.1 and records requests; unknown routes get a 404', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/nowhere`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(server.requests.at(-1)).toMatchObject({ method: 'POST', path: '/nowhere', protocol: 'none' });
  });

  it('hold(): answers wait until release, requests are recorded as they come', async () => {
    const release = server.hold();
    let answered = false;
    const pending = fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'held' }] }),
    }).then(async (res) => {
      answered = true;
      return res.json();
    });
    const deadline = Date.now() + 5000;
    while (!server.requests.some((r) => r.body?.messages?.[0]?.content === 'held') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(server.requests.some((r) => r.body?.messages?.[0]?.content === 'held')).toBe(true);
    expect(answered).toBe(false);
    release();
    expect((await pending).content).toEqual([{ type: 'text', text: 'Reply to: held' }]);
  });

  it('anthropic: streams a tool_use for the marker, then text after the tool_result', async () => {
    const tools = [{ name: 'Bash', input_schema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } }];
    const first = await fetch(`${server.url}/v1/messages?beta=true`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', stream: true, tools, messages: [{ role: 'user', content: [{ type: 'text', text: `run ${MARKER}` }] }] }),
    });
    const sse = await first.text();
    expect(sse).toContain('event: message_start');
    expect(sse).toContain('"type":"tool_use"');
    expect(sse).toContain('"stop_reason":"tool_use"');
    const partial = /"partial_json":("(?:[^"\\]|\\.)*")/.exec(sse)![1]!;
    expect(JSON.parse(JSON.parse(partial))).toEqual({ command: TOOL_COMMAND });

    const second = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify({
        model: 'm',
        tools,
        messages: [
          { role: 'user', content: `run ${MARKER}` },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Bash', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'pwt-tool-output' }] },
        ],
      }),
    });
    const json = await second.json();
    expect(json.content).toEqual([{ type: 'text', text: 'Done: the tool printed pwt-tool-output' }]);
  });

  it('openai responses: function_call for the marker, then a message', async () => {
    const tools = [{ type: 'function', name: 'exec_command', parameters: { type: 'object', properties: { cmd: { type: 'string' } } } }];
    const input = [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: `please ${MARKER}` }] }];
    const first = await (await fetch(`${server.url}/v1/responses`, { method: 'POST', body: JSON.stringify({ stream: true, tools, input }) })).text();
    expect(first).toContain('event: response.completed');
    const done = first.split('\n').find((l) => l.includes('"response.output_item.done"'))!;
    const item = JSON.parse(done.slice('data: '.length)).item;
    expect(item).toMatchObject({ type: 'function_call', name: 'exec_command', arguments: JSON.stringify({ cmd: TOOL_COMMAND }) });

    const followUp = [
      ...input,
      { type: 'function_call', call_id: item.call_id, name: 'exec_command', arguments: item.arguments },
      { type: 'function_call_output', call_id: item.call_id, output: 'Output:\npwt-tool-output\n' },
    ];
    const second = await (
      await fetch(`${server.url}/v1/responses`, { method: 'POST', body: JSON.stringify({ stream: false, tools, input: followUp }) })
    ).json();
    expect(second.output[0].content[0].text).toBe('Done: the tool printed pwt-tool-output');
  });

  it("chat completions over a scripted limit: OpenAI's 429 rate_limit_exceeded with the wait, retry-after only when asked", async () => {
    const ask = (text: string) =>
      fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ stream: true, messages: [{ role: 'user', content: text }] }) });
    const plain = await ask(`${LIMIT_MARKER} 30`);
    expect(plain.status).toBe(429);
    expect(plain.headers.get('retry-after')).toBeNull();
    expect(plain.headers.get('x-ratelimit-reset-requests')).toMatch(/^(29|30)s$/);
    const body = await plain.json();
    expect(body.error).toMatchObject({ code: 'rate_limit_exceeded', message: expect.stringMatching(/Please try again in (29|30)s\.$/) });
    const told = await ask(`${LIMIT_MARKER} 30 retry-after`);
    expect(told.status).toBe(429);
    expect(told.headers.get('retry-after')).toMatch(/^(29|30)$/);
    // Past the window (0.2 s here), the usual reply.
    const short = await ask(`${LIMIT_MARKER} 0.2`);
    expect(short.status).toBe(429);
    await new Promise((done) => setTimeout(done, 300));
    expect((await ask(`${LIMIT_MARKER} 0.2`)).status).toBe(200);
    // x3: at least three limit answers, even past the window, each naming a reset a few seconds on, which holds.
    const counted = `${LIMIT_MARKER} 0.1 x3`;
    expect((await ask(counted)).status).toBe(429);
    await new Promise((done) => setTimeout(done, 200));
    const late = await ask(counted);
    expect(late.status).toBe(429);
    expect((await late.json()).error.message).toMatch(/Please try again in [45]s\.$/);
    expect((await ask(counted)).status).toBe(429);
    await new Promise((done) => setTimeout(done, 200));
    expect((await ask(counted)).status).toBe(429);
  });
});
