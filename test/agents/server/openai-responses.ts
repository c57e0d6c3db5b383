import type { ServerResponse } from 'node:http';
import { sendJson, startSse, type Protocol, type ProtocolContext, type RecordedRequest } from './index.js';
import { decide, limitOf, type Conversation, type OfferedTool, type Reply, type Turn } from './script.js';

/**
 * OpenAI Responses API as codex uses it (`wire_api = "responses"`):
 * `POST /v1/responses` with `input` items (message, function_call,
 * function_call_output, ...), answered as SSE: response.created,
 * response.output_item.added, response.output_text.delta,
 * response.output_item.done, response.completed.
 */
function partsText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p: any) => (typeof p?.text === 'string' ? p.text : '')).join('\n');
}

export function toConversation(body: any): Conversation {
  const turns: Turn[] = [];
  const input: any[] = typeof body?.input === 'string' ? [{ type: 'message', role: 'user', content: body.input }] : (body?.input ?? []);
  for (const item of input) {
    const type = item?.type ?? (item?.role ? 'message' : undefined);
    if (type === 'message' && (item.role === 'user' || item.role === 'assistant')) {
      turns.push({ role: item.role, text: partsText(item.content) });
    } else if (type === 'function_call_output' || type === 'custom_tool_call_output') {
      turns.push({ role: 'tool', text: partsText(item.output) });
    } else if (type === 'function_call' || type === 'custom_tool_call') {
      turns.push({ role: 'assistant', text: '' });
    }
  }
  // Only function tools can be answered with a function_call item: plain ones, and those in a
  // namespace (codex sends each MCP server's tools as one, e.g. `mcp__pwt`), called with `namespace`.
  const tools: OfferedTool[] = [];
  for (const t of (body?.tools ?? []) as any[]) {
    if (t?.type === 'function' && typeof t.name === 'string') tools.push({ name: t.name, schema: t.parameters });
    if (t?.type === 'namespace' && typeof t.name === 'string' && Array.isArray(t.tools)) {
      for (const inner of t.tools) {
        if (inner?.type !== 'function' || typeof inner.name !== 'string') continue;
        tools.push({
          name: inner.name.startsWith(t.name) ? inner.name : `${t.name}__${inner.name}`,
          schema: inner.parameters,
          call: { name: inner.name, namespace: t.name },
        });
      }
    }
  }
  return { turns, tools };
}

function outputItem(reply: Reply, ctx: ProtocolContext): Record<string, unknown> {
  if (reply.kind === 'tool') {
    const name = reply.call ? { name: reply.call.name, namespace: reply.call.namespace } : { name: reply.name };
    return { type: 'function_call', id: ctx.id('fc'), call_id: ctx.id('call'), ...name, arguments: JSON.stringify(reply.args), status: 'completed' };
  }
  return { type: 'message', id: ctx.id('msg'), status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: reply.text, annotations: [] }] };
}

const usage = {
  input_tokens: 10,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: 5,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 15,
};

/**
 * A ChatGPT plan's usage limit as the Responses backend answers it: 429 with
 * an error of type `usage_limit_reached`, the reset as epoch seconds
 * (`resets_at`) and as a count (`resets_in_seconds`); codex words its message
 * from these and does not retry.
 */
function sendLimit(res: ServerResponse, resetsAt: number): void {
  const seconds = Math.max(1, Math.ceil((resetsAt - Date.now()) / 1000));
  sendJson(res, 429, {
    error: {
      type: 'usage_limit_reached',
      message: 'The usage limit has been reached',
      plan_type: 'pro',
      resets_at: Math.ceil(resetsAt / 1000),
      resets_in_seconds: seconds,
    },
  });
}

const openaiResponses: Protocol = {
  name: 'openai-responses',
  matches: (method, path) => method === 'POST' && /^(\/v1)?\/responses$/.test(path),
  handle(request: RecordedRequest, res: ServerResponse, ctx: ProtocolContext) {
    const body = request.body ?? {};
    const conversation = toConversation(body);
    const limit = limitOf(conversation, ctx.limits);
    if (limit) {
      request.reply = limit;
      sendLimit(res, limit.resetsAt);
      return;
    }
    const reply = decide(conversation);
    request.reply = reply;
    const item = outputItem(reply, ctx);
    const response = {
      id: ctx.id('resp'),
      object: 'response',
      created_at: Math.floor(Date.now() / 1000),
      model: String(body.model ?? 'gpt-test'),
      status: 'completed',
      output: [item],
      usage,
    };
    if (body.stream === false) {
      sendJson(res, 200, response);
      return;
    }
    const sse = startSse(res);
    let sequence = 0;
    const send = (type: string, data: Record<string, unknown>) => sse.send(type, { type, sequence_number: sequence++, ...data });
    send('response.created', { response: { ...response, status: 'in_progress', output: [] } });
    if (item.type === 'message') {
      send('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
      const text = (reply as { text: string }).text;
      send('response.output_text.delta', { item_id: item.id, output_index: 0, content_index: 0, delta: text });
      send('response.output_text.done', { item_id: item.id, output_index: 0, content_index: 0, text });
    } else {
      send('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', arguments: '' } });
      send('response.function_call_arguments.delta', { item_id: item.id, output_index: 0, delta: item.arguments });
      send('response.function_call_arguments.done', { item_id: item.id, output_index: 0, arguments: item.arguments });
    }
    send('response.output_item.done', { output_index: 0, item });
    send('response.completed', { response });
    sse.end();
  },
};

export default openaiResponses;
