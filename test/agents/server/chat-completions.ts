import type { ServerResponse } from 'node:http';
import { sendJson, startSse, type Protocol, type ProtocolContext, type RecordedRequest } from './index.js';
import { decide, limitOf, type Conversation, type LimitReply, type Reply, type Turn } from './script.js';

/**
 * OpenAI Chat Completions as copilot (COPILOT_PROVIDER_TYPE=openai), opencode
 * (@ai-sdk/openai-compatible) and pi (`api: openai-completions`) use it:
 * `POST /v1/chat/completions` with `messages` (system/developer, user,
 * assistant with `tool_calls`, `tool` results) and `tools: [{type: 'function',
 * function: {name, parameters}}]`. Streamed as `data: <chunk>` lines
 * (`chat.completion.chunk` with `choices[0].delta`), a usage chunk when
 * `stream_options.include_usage` asks for it, then `data: [DONE]`.
 */
type Message = { role?: string; content?: unknown; tool_calls?: unknown[] };

function textParts(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  return content.filter((p: any) => typeof p?.text === 'string').map((p: any) => p.text as string);
}

/**
 * Some CLIs put injected blocks in front of what the user typed, in the same
 * string (copilot: `<current_datetime>...</current_datetime>\n\nthe prompt`).
 * Split leading complete tag blocks off, so the script sees the typed text.
 */
const LEADING_BLOCK = /^\s*<([a-z_-]+)[^>]*>[\s\S]*?<\/\1>\s*/i;

function userTurns(text: string): Turn[] {
  const turns: Turn[] = [];
  let rest = text;
  for (let match = LEADING_BLOCK.exec(rest); match && rest.length > match[0].length; match = LEADING_BLOCK.exec(rest)) {
    turns.push({ role: 'user', text: match[0].trim() });
    rest = rest.slice(match[0].length);
  }
  turns.push({ role: 'user', text: rest });
  return turns;
}

export function toConversation(body: any): Conversation {
  const turns: Turn[] = [];
  for (const message of (body?.messages ?? []) as Message[]) {
    if (message.role === 'user') {
      for (const text of textParts(message.content)) turns.push(...userTurns(text));
    } else if (message.role === 'assistant') {
      turns.push({ role: 'assistant', text: textParts(message.content).join('\n') });
    } else if (message.role === 'tool') {
      turns.push({ role: 'tool', text: textParts(message.content).join('\n') });
    }
  }
  const tools = ((body?.tools ?? []) as any[])
    .filter((t) => t?.type === 'function' && typeof t.function?.name === 'string')
    .map((t) => ({ name: t.function.name as string, schema: t.function.parameters }));
  return { turns, tools };
}

const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

function toolCall(reply: Extract<Reply, { kind: 'tool' }>, ctx: ProtocolContext) {
  return { id: ctx.id('call'), type: 'function', function: { name: reply.name, arguments: JSON.stringify(reply.args) } };
}

/**
 * OpenAI's answer when an account is over its rate limit: 429 with
 * `rate_limit_exceeded`, the wait in the message ("Please try again in 20s.")
 * and the `x-ratelimit-*` headers; with `retryAfter` also a `retry-after`
 * header (seconds), which opencode and pi's OpenAI client honour in full: they
 * wait the limit out by themselves.
 */
function sendLimit(res: ServerResponse, limit: LimitReply): void {
  const seconds = Math.max(1, Math.ceil((limit.resetsAt - Date.now()) / 1000));
  res.writeHead(429, {
    'content-type': 'application/json',
    ...(limit.retryAfter ? { 'retry-after': String(seconds) } : {}),
    'x-ratelimit-limit-requests': '60',
    'x-ratelimit-remaining-requests': '0',
    'x-ratelimit-reset-requests': `${seconds}s`,
  });
  res.end(
    JSON.stringify({
      error: {
        message: `Rate limit reached for requests per min (RPM): Limit 60, Used 60, Requested 1. Please try again in ${seconds}s.`,
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      },
    }),
  );
}

const chatCompletions: Protocol = {
  name: 'chat-completions',
  matches: (method, path) => method === 'POST' && /^(\/v1)?\/chat\/completions$/.test(path),
  handle(request: RecordedRequest, res: ServerResponse, ctx: ProtocolContext) {
    const body = request.body ?? {};
    const conversation = toConversation(body);
    const limit = limitOf(conversation, ctx.limits);
    if (limit) {
      request.reply = limit;
      sendLimit(res, limit);
      return;
    }
    const reply = decide(conversation);
    request.reply = reply;
    const id = ctx.id('chatcmpl');
    const created = Math.floor(Date.now() / 1000);
    const model = String(body.model ?? 'pwt-test-model');
    const call = reply.kind === 'tool' ? toolCall(reply, ctx) : null;
    const finish = call ? 'tool_calls' : 'stop';
    if (!body.stream) {
      const message = call ? { role: 'assistant', content: null, tool_calls: [call] } : { role: 'assistant', content: (reply as { text: string }).text };
      sendJson(res, 200, { id, object: 'chat.completion', created, model, choices: [{ index: 0, message, finish_reason: finish }], usage });
      return;
    }
    const sse = startSse(res);
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      sse.send(null, { id, object: 'chat.completion.chunk', created, model, choices, ...extra });
    if (call) {
      chunk([
        {
          index: 0,
          delta: { role: 'assistant', content: null, tool_calls: [{ index: 0, ...call, function: { name: call.function.name, arguments: '' } }] },
          finish_reason: null,
        },
      ]);
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: call.function.arguments } }] }, finish_reason: null }]);
    } else {
      chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
      chunk([{ index: 0, delta: { content: (reply as { text: string }).text }, finish_reason: null }]);
    }
    chunk([{ index: 0, delta: {}, finish_reason: finish }]);
    if (body.stream_options?.include_usage) chunk([], { usage });
    sse.end('data: [DONE]\n\n');
  },
};

export default chatCompletions;
