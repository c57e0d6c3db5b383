import type { ServerResponse } from 'node:http';
import { sendJson, startSse, type Protocol, type ProtocolContext, type RecordedRequest } from './index.js';
import { decide, limitOf, type Conversation, type JsonSchema, type Reply, type Turn } from './script.js';

/**
 * The Gemini API as gemini-cli uses it (GOOGLE_GEMINI_BASE_URL):
 * `POST /v1beta/models/<model>:generateContent`, `:streamGenerateContent?alt=sse`
 * (`data: <GenerateContentResponse>` events, no terminator) and `:countTokens`.
 * Requests carry `contents: [{role: user|model, parts}]` where parts are
 * `{text}`, `{functionCall}` or `{functionResponse}`, and `tools:
 * [{functionDeclarations: [{name, parameters | parametersJsonSchema}]}]`.
 * Side calls (model router, next-speaker check) ask for JSON through
 * `generationConfig.responseMimeType: application/json` plus a schema: they get
 * JSON built from that schema, or gemini-cli retries until it gives up.
 */
const ROUTE = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;

type Part = { text?: string; thought?: boolean; functionCall?: unknown; functionResponse?: { response?: unknown } };

export function toConversation(body: any): Conversation {
  const turns: Turn[] = [];
  for (const content of (body?.contents ?? []) as { role?: string; parts?: Part[] }[]) {
    const role = content.role === 'model' ? 'assistant' : 'user';
    for (const part of content.parts ?? []) {
      if (part.functionResponse) turns.push({ role: 'tool', text: JSON.stringify(part.functionResponse.response ?? {}) });
      else if (part.functionCall) turns.push({ role: 'assistant', text: '' });
      // One turn per text part: gemini-cli sends <session_context> as its own part.
      else if (typeof part.text === 'string' && !part.thought) turns.push({ role, text: part.text });
    }
  }
  const tools = ((body?.tools ?? []) as { functionDeclarations?: any[] }[])
    .flatMap((t) => t.functionDeclarations ?? [])
    .filter((d) => typeof d?.name === 'string')
    .map((d) => ({ name: d.name as string, schema: lowerTypes(d.parametersJsonSchema ?? d.parameters) }));
  return { turns, tools };
}

/** The Gemini SDK spells schema types in capitals (`OBJECT`, `STRING`); the script expects JSON Schema. */
function lowerTypes(schema: any): JsonSchema | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  const out: JsonSchema = { ...schema };
  if (typeof schema.type === 'string') out.type = schema.type.toLowerCase();
  if (schema.properties) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, lowerTypes(v) ?? {}]));
  if (schema.items) out.items = lowerTypes(schema.items);
  return out;
}

/** A value that fits the schema the side call asked for (every property filled, the first enum value). */
export function fromSchema(schema: JsonSchema | undefined, key = ''): unknown {
  // The next-speaker check must hear "user", or gemini-cli keeps the turn going.
  if (key === 'next_speaker') return 'user';
  if (schema?.enum && schema.enum.length > 0) return schema.enum[0];
  switch (typeof schema?.type === 'string' ? schema.type.toLowerCase() : undefined) {
    case 'object':
      return Object.fromEntries(Object.entries(schema?.properties ?? {}).map(([k, v]) => [k, fromSchema(v, k)]));
    case 'array':
      return [];
    case 'boolean':
      return false;
    case 'number':
    case 'integer':
      return 1;
    default:
      return /reason/i.test(key) ? 'pwt test model' : 'pwt';
  }
}

function jsonSchemaOf(body: any): JsonSchema | null {
  const config = body?.generationConfig ?? {};
  if (config.responseMimeType !== 'application/json') return null;
  return lowerTypes(config.responseJsonSchema ?? config.responseSchema) ?? { type: 'object' };
}

function parts(reply: Reply): unknown[] {
  return reply.kind === 'tool' ? [{ functionCall: { name: reply.name, args: reply.args } }] : [{ text: reply.text }];
}

const usageMetadata = { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 };

/**
 * A usage limit as Google answers gemini-cli: 429 `RESOURCE_EXHAUSTED` with
 * `google.rpc` details. This is the shape of the Code Assist quota (a Google
 * account's plan, the subscription path): an `ErrorInfo` of reason
 * `QUOTA_EXHAUSTED` in the cloudcode domain and a `RetryInfo` saying when it
 * resets. gemini-cli 0.61.0 classifies it as terminal (no retry, whatever the
 * delay) and keeps the delay, so it prints the reset. The Gemini API's own
 * daily quota (an API key: a `QuotaFailure` whose quotaId says `PerDay`) is
 * terminal too but gemini-cli drops its delay; per-minute quotas it retries
 * up to 10 times (docs/many-agents.md).
 */
function sendLimit(res: ServerResponse, resetsAt: number, model: string): void {
  const seconds = Math.max(1, Math.ceil((resetsAt - Date.now()) / 1000));
  sendJson(res, 429, {
    error: {
      code: 429,
      message: `You have exhausted your quota for ${model}. Your quota will reset after ${seconds}s.`,
      status: 'RESOURCE_EXHAUSTED',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'QUOTA_EXHAUSTED',
          domain: 'cloudcode-pa.googleapis.com',
          metadata: { model, quotaResetDelay: `${seconds}s`, quotaResetTimeStamp: new Date(resetsAt).toISOString() },
        },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${seconds}s` },
      ],
    },
  });
}

const gemini: Protocol = {
  name: 'gemini',
  matches: (method, path) => method === 'POST' && ROUTE.test(path),
  handle(request: RecordedRequest, res: ServerResponse, ctx: ProtocolContext) {
    const [, model, action] = ROUTE.exec(request.path)!;
    const body = request.body ?? {};
    if (action === 'countTokens') {
      sendJson(res, 200, { totalTokens: 10 });
      return;
    }
    const schema = jsonSchemaOf(body);
    let responseParts: unknown[];
    if (schema) {
      responseParts = [{ text: JSON.stringify(fromSchema(schema)) }];
    } else {
      const conversation = toConversation(body);
      const limit = limitOf(conversation, ctx.limits);
      if (limit) {
        request.reply = limit;
        sendLimit(res, limit.resetsAt, model!);
        return;
      }
      const reply = decide(conversation);
      request.reply = reply;
      responseParts = parts(reply);
    }
    const response = {
      candidates: [{ content: { role: 'model', parts: responseParts }, finishReason: 'STOP', index: 0 }],
      usageMetadata,
      modelVersion: model,
    };
    if (action === 'generateContent') {
      sendJson(res, 200, response);
      return;
    }
    const sse = startSse(res);
    sse.send(null, response);
    sse.end();
  },
};

export default gemini;
