import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync, brotliDecompressSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import anthropic from './anthropic.js';
import openaiResponses from './openai-responses.js';
import chatCompletions from './chat-completions.js';
import gemini from './gemini.js';
import type { LimitClock, LimitReply, Reply } from './script.js';

/**
 * The model server the e2e tests point the real agent CLIs at: node:http on
 * 127.0.0.1 with a random port, one module per wire protocol, the same
 * script behind all of them (./script.ts). Every request is recorded so a
 * test can say what the CLI asked for.
 */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Parsed JSON body, the raw text when it is not JSON, or null when empty. */
  body: any;
  /** Which protocol module answered ('none' for a 404). */
  protocol: string;
  /** What the script decided, for the requests that asked the model. */
  reply?: Reply | LimitReply;
  at: number;
}

export interface ProtocolContext {
  /** A fresh id for this server, e.g. ctx.id('msg') -> 'msg_pwt3'. */
  id(prefix: string): string;
  /** The scripted usage limits' windows (script.ts limitOf). */
  limits: LimitClock;
}

export interface Protocol {
  name: string;
  matches(method: string, path: string): boolean;
  /** Answers the request; sets `request.reply` when the script spoke. */
  handle(request: RecordedRequest, res: ServerResponse, ctx: ProtocolContext): void | Promise<void>;
}

export interface ModelServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /**
   * Holds every model answer until the returned release() is called (the
   * requests are recorded as they arrive): lets a test see an agent
   * "working" for as long as it needs, without a fixed delay.
   */
  hold(): () => void;
  close(): Promise<void>;
}

// Helpers B and C add their protocol here (one import + one entry).
const protocols: Protocol[] = [anthropic, openaiResponses, chatCompletions, gemini];

/** Model listings several CLIs fetch at start (codex, copilot, opencode): an OpenAI-style list. */
function isModelList(method: string, path: string): boolean {
  return method === 'GET' && /^(\/v1)?\/models\/?$/.test(path);
}

export async function startModelServer(): Promise<ModelServer> {
  const requests: RecordedRequest[] = [];
  let counter = 0;
  const ctx: ProtocolContext = { id: (prefix) => `${prefix}_pwt${++counter}`, limits: new Map() };
  let gate: Promise<void> | null = null;

  const server = createServer((req, res) => {
    void serve(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(error) } }));
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const request: RecordedRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: await readBody(req),
      protocol: 'none',
      at: Date.now(),
    };
    requests.push(request);
    // claude probes the base URL with HEAD / before its first request.
    if (method === 'HEAD' || (method === 'GET' && url.pathname === '/')) {
      res.writeHead(200).end();
      return;
    }
    if (isModelList(method, url.pathname)) {
      request.protocol = 'models';
      sendJson(res, 200, { object: 'list', data: [{ id: 'pwt-test-model', object: 'model', created: 0, owned_by: 'pwt' }] });
      return;
    }
    const protocol = protocols.find((p) => p.matches(method, url.pathname));
    if (!protocol) {
      sendJson(res, 404, { error: { message: `pwt test model server: no route for ${method} ${url.pathname}` } });
      return;
    }
    request.protocol = protocol.name;
    while (gate) await gate;
    await protocol.handle(request, res, ctx);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    hold() {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      gate = held;
      return () => {
        if (gate === held) gate = null;
        release();
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

/** Starts a text/event-stream response; `send(event?, data)` writes one event. */
export function startSse(res: ServerResponse): { send(event: string | null, data: unknown): void; end(raw?: string): void } {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  return {
    send(event, data) {
      res.write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
    },
    end(raw) {
      if (raw) res.write(raw);
      res.end();
    },
  };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let raw: Buffer = Buffer.concat(chunks);
  if (raw.length === 0) return null;
  raw = decode(raw, String(req.headers['content-encoding'] ?? ''));
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Request bodies may be compressed; Node 20 has no zstd in zlib, so that goes through the zstd CLI. */
function decode(raw: Buffer, encoding: string): Buffer {
  switch (encoding.trim().toLowerCase()) {
    case 'gzip':
      return gunzipSync(raw);
    case 'deflate':
      return inflateSync(raw);
    case 'br':
      return brotliDecompressSync(raw);
    case 'zstd': {
      const result = spawnSync('zstd', ['-d', '-c', '-q'], { input: raw, maxBuffer: 256 * 1024 * 1024 });
      if (result.status !== 0) throw new Error(`zstd request body: ${result.stderr?.toString() ?? 'zstd not found'}`);
      return result.stdout;
    }
    default:
      return raw;
  }
}
