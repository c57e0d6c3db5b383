import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from './server/index.js';
import { toConversation as chatConversation } from './server/chat-completions.js';
import { fromSchema, toConversation as geminiConversation } from './server/gemini.js';
import { LIMIT_MARKER, MARKER, TOOL_COMMAND } from './server/script.js';

/** The Chat Completions and Gemini protocols of the test model server, over real HTTP. */
const bashTool = {
  type: 'function',
  function: { name: 'bash', parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } },
};
const shellDecl = { name: 'run_shell_command', parameters: { type: 'OBJECT', properties: { command: { type: 'STRING' } }, required: ['command'] } };

/** The `data:` payloads of an SSE body. */
function sseData(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice('data: '.length));
}

describe('chat completions and gemini conversations', () => {
  it('splits injected blocks off the front of a user message (copilot)', () => {
    const conversation = chatConversation({
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: `<current_datetime>now</current_datetime>\n\nrun ${MARKER}` },
      ],
    });
    expect(conversation.turns).toEqual([
      { role: 'user', text: '<current_datetime>now</current_datetime>' },
      { role: 'user', text: `run ${MARKER}` },
    ]);
  });

  it('reads gemini contents: text parts, calls and responses, capitalised schema types', () => {
    const conversation = geminiConversation({
      contents: [
        { role: 'user', parts: [{ text: '<session_context>x</session_context>' }, { text: `go ${MARKER}` }] },
        { role: 'model', parts: [{ functionCall: { name: 'run_shell_command', args: {} } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'run_shell_command', response: { output: 'pwt-tool-output' } } }] },
      ],
      tools: [{ functionDeclarations: [shellDecl] }],
    });
    expect(conversation.turns.map((t) => t.role)).toEqual(['user', 'user', 'assistant', 'tool']);
    expect(conversation.tools[0]).toMatchObject({ name: 'run_shell_command', schema: { type: 'object', properties: { command: { type: 'string' } } } });
  });

  it('builds JSON from a side call schema; next_speaker is always "user"', () => {
    const schema = {
      type: 'OBJECT',
      properties: {
        reasoning: { type: 'STRING' },
        next_speaker: { type: 'STRING', enum: ['model', 'user'] },
        model_choice: { type: 'STRING', enum: ['flash', 'pro'] },
      },
    };
    expect(fromSchema(schema as never)).toEqual({ reasoning: 'pwt test model', next_speaker: 'user', model_choice: 'flash' });
  });
});

describe('chat completions and gemini over HTTP', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const post = (path: string, body: unknown) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('chat completions: streams one tool call for the marker, then text after the tool result, then [DONE]', async () => {
    const first = await post('/v1/chat/completions', {
      model: 'm',
      stream: true,
      stream_options: { include_usage: true },
      tools: [bashTool],
      messages: [{ role: 'user', content: `run ${MARKER}` }],
    });
    const chunks = sseData(await first.text());
    expect(chunks.at(-1)).toBe('[DONE]');
    const parsed = chunks.slice(0, -1).map((c) => JSON.parse(c));
    const call = parsed[0].choices[0].delta.tool_calls[0];
    expect(call).toMatchObject({ index: 0, type: 'function', function: { name: 'bash' } });
    const args = parsed
      .flatMap((c) => c.choices.flatMap((ch: any) => ch.delta.tool_calls ?? []))
      .map((t: any) => t.function.arguments)
      .join('');
    expect(JSON.parse(args)).toEqual({ command: TOOL_COMMAND });
    expect(parsed.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe('tool_calls');
    expect(parsed.at(-1).usage).toMatchObject({ total_tokens: 15 });

    const second = await post('/v1/chat/completions', {
      model: 'm',
      stream: false,
      tools: [bashTool],
      messages: [
        { role: 'user', content: [{ type: 'text', text: `run ${MARKER}` }] },
        { role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: { name: 'bash', arguments: args } }] },
        { role: 'tool', tool_call_id: call.id, content: 'pwt-tool-output\n' },
      ],
    });
    const json = (await second.json()) as any;
    expect(json.choices[0]).toMatchObject({ message: { role: 'assistant', content: 'Done: the tool printed pwt-tool-output' }, finish_reason: 'stop' });
    expect(server.requests.at(-1)).toMatchObject({ protocol: 'chat-completions', reply: { kind: 'text' } });
  });

  it('gemini: streamGenerateContent answers the marker with a functionCall; generateContent answers text', async () => {
    const stream = await post('/v1beta/models/gemini-test:streamGenerateContent?alt=sse', {
      contents: [{ role: 'user', parts: [{ text: `please ${MARKER}` }] }],
      tools: [{ functionDeclarations: [shellDecl] }],
    });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const events = sseData(await stream.text()).map((d) => JSON.parse(d));
    expect(events).toHaveLength(1);
    expect(events[0].candidates[0]).toMatchObject({
      finishReason: 'STOP',
      content: { role: 'model', parts: [{ functionCall: { name: 'run_shell_command', args: { command: TOOL_COMMAND } } }] },
    });

    const plain = await post('/v1beta/models/gemini-test:generateContent', { contents: [{ role: 'user', parts: [{ text: 'hello gemini' }] }] });
    expect(((await plain.json()) as any).candidates[0].content.parts).toEqual([{ text: 'Reply to: hello gemini' }]);
  });

  it('gemini: JSON side calls get schema-shaped JSON; countTokens answers a count', async () => {
    const router = await post('/v1beta/models/gemini-test:generateContent', {
      contents: [{ role: 'user', parts: [{ text: 'route this' }] }],
      generationConfig: {
        responseMimeType: 'application/json',
        responseJsonSchema: {
          type: 'object',
          properties: { reasoning: { type: 'string' }, model_choice: { type: 'string', enum: ['flash', 'pro'] } },
          required: ['reasoning', 'model_choice'],
        },
      },
    });
    const text = ((await router.json()) as any).candidates[0].content.parts[0].text;
    expect(JSON.parse(text)).toEqual({ reasoning: 'pwt test model', model_choice: 'flash' });

    const count = await post('/v1beta/models/gemini-test:countTokens', { contents: [] });
    expect(await count.json()).toEqual({ totalTokens: 10 });
  });
  it("gemini over a scripted limit: Google's 429 RESOURCE_EXHAUSTED, QUOTA_EXHAUSTED with its RetryInfo, until the window ends", async () => {
    const limited = { contents: [{ role: 'user', parts: [{ text: `capped ${LIMIT_MARKER} 30` }] }] };
    const answer = await post('/v1beta/models/gemini-test:streamGenerateContent?alt=sse', limited);
    expect(answer.status).toBe(429);
    const body = (await answer.json()) as any;
    expect(body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    expect(body.error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'QUOTA_EXHAUSTED' }),
        expect.objectContaining({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: expect.stringMatching(/^(29|30)s$/) }),
      ]),
    );
    expect(server.requests.at(-1)?.reply).toMatchObject({ kind: 'limit' });
    // The router's side call (JSON) is answered as usual.
    const router = await post('/v1beta/models/gemini-test:generateContent', { ...limited, generationConfig: { responseMimeType: 'application/json' } });
    expect(router.status).toBe(200);
  });
});
