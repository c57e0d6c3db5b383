import type { ServerResponse } from 'node:http';
import { sendJson, startSse, type Protocol, type ProtocolContext, type RecordedRequest } from './index.js';
import { decide, limitOf, type Conversation, type Reply, type Turn } from './script.js';

/**
 * Anthropic Messages API as claude-code uses it: `POST /v1/messages?beta=true`
 * streamed as SSE (message_start, content_block_start/delta/stop,
 * message_delta, message_stop), plus `POST /v1/messages/count_tokens`.
 * Tool results come back as `user` messages of `tool_result` blocks.
 */
type Block = { type: string; text?: string; content?: unknown; [key: string]: unknown };
type Message = { role: string; content: string | Block[] };

function blockText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((b: Block) => (typeof b.text === 'string' ? b.text : '')).join('\n');
}

export function toConversation(body: any): Conversation {
  const turns: Turn[] = [];
  for (const message of (body?.messages ?? []) as Message[]) {
    // Interactive claude appends a `system` role message after the user's: not a turn.
    if (message.role !== 'user' && message.role !== 'assistant') continue;
    const blocks: Block[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    const texts: string[] = [];
    const calls: string[] = [];
    for (const block of blocks) {
      if (block.type === 'tool_result') turns.push({ role: 'tool', text: blockText(block.content) });
      else if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
      else if (block.type === 'tool_use' && typeof block.name === 'string') calls.push(block.name);
    }
    // Keep the typed text apart from injected <system-reminder> blocks.
    const typed = texts.filter((t) => !/^\s*<[a-z_-]+[\s>]/i.test(t));
    if (typed.length > 0 || texts.length > 0 || calls.length > 0)
      turns.push({ role: message.role, text: (typed.length > 0 ? typed : texts).join('\n'), ...(calls.length ? { calls } : {}) });
  }
  const tools = ((body?.tools ?? []) as any[]).map((t) => ({ name: String(t.name), schema: t.input_schema }));
  return { turns, tools };
}

function contentBlocks(reply: Reply, ctx: ProtocolContext): Block[] {
  if (reply.kind === 'text') return [{ type: 'text', text: reply.text }];
  return [{ type: 'tool_use', id: ctx.id('toolu'), name: reply.name, input: reply.args }];
}

function stream(res: ServerResponse, model: string, blocks: Block[], stopReason: string, ctx: ProtocolContext): void {
  const sse = startSse(res);
  const usage = { input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  sse.send('message_start', {
    type: 'message_start',
    message: { id: ctx.id('msg'), type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage },
  });
  blocks.forEach((block, index) => {
    if (block.type === 'text') {
      sse.send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      sse.send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } });
    } else {
      sse.send('content_block_start', { type: 'content_block_start', index, content_block: { ...block, input: {} } });
      const partial = JSON.stringify(block.input);
      sse.send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: partial } });
    }
    sse.send('content_block_stop', { type: 'content_block_stop', index });
  });
  sse.send('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 5 } });
  sse.send('message_stop', { type: 'message_stop' });
  sse.end();
}

/**
 * A subscription's usage limit as the Anthropic API answers it: 429, a
 * `rate_limit_error`, the unified rate-limit headers saying `rejected` with
 * the reset as epoch seconds (claude code words its message from these), and
 * `retry-after`.
 */
function sendLimit(res: ServerResponse, resetsAt: number): void {
  const reset = Math.ceil(resetsAt / 1000);
  res.writeHead(429, {
    'content-type': 'application/json',
    'retry-after': String(Math.max(1, Math.ceil((resetsAt - Date.now()) / 1000))),
    'anthropic-ratelimit-unified-status': 'rejected',
    'anthropic-ratelimit-unified-reset': String(reset),
    'anthropic-ratelimit-unified-representative-claim': 'five_hour',
    'anthropic-ratelimit-unified-5h-status': 'rejected',
    'anthropic-ratelimit-unified-5h-reset': String(reset),
    'x-should-retry': 'false',
  });
  res.end(
    JSON.stringify({
      type: 'error',
      error: { type: 'rate_limit_error', message: "This request would exceed your account's rate limit. Please try again later." },
    }),
  );
}

const anthropic: Protocol = {
  name: 'anthropic',
  matches: (method, path) => method === 'POST' && /^\/v1\/messages(\/count_tokens)?$/.test(path),
  handle(request: RecordedRequest, res: ServerResponse, ctx: ProtocolContext) {
    if (request.path.endsWith('/count_tokens')) {
      sendJson(res, 200, { input_tokens: 10 });
      return;
    }
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
    const blocks = contentBlocks(reply, ctx);
    const stopReason = reply.kind === 'tool' ? 'tool_use' : 'end_turn';
    const model = String(body.model ?? 'claude-test');
    if (body.stream) {
      stream(res, model, blocks, stopReason, ctx);
      return;
    }
    sendJson(res, 200, {
      id: ctx.id('msg'),
      type: 'message',
      role: 'assistant',
      model,
      content: blocks,
      stop_reason: stopReason,
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 5 },
    });
  },
};

export default anthropic;
