import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { CLI, NODE } from './helpers/sandbox.js';

/**
 * The MCP SDK's own client, talking to the built `pwt mcp` over stdio (what
 * an agent CLI does). `elicit` answers the server's questions; without it the
 * client does not offer elicitation at all.
 */
export interface McpSession {
  client: Client;
  transport: StdioClientTransport;
  /** Calls a tool; returns its JSON (structuredContent) and whether it was an error. */
  call(name: string, args?: Record<string, unknown>, onProgress?: (message: string) => void): Promise<{ isError: boolean; json: any; text: string }>;
  /** What the server wrote on stderr so far. */
  stderr(): string;
  /** The questions the server asked. */
  asked: string[];
  close(): Promise<void>;
}

export async function connectMcp(
  cwd: string,
  env: NodeJS.ProcessEnv,
  opts: { args?: string[]; elicit?: (message: string) => ElicitResult } = {},
): Promise<McpSession> {
  const transport = new StdioClientTransport({
    command: NODE,
    args: [CLI, 'mcp', ...(opts.args ?? [])],
    cwd,
    env: env as Record<string, string>,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const client = new Client({ name: 'pwt-test', version: '1.0.0' }, { capabilities: opts.elicit ? { elicitation: {} } : {} });
  const asked: string[] = [];
  if (opts.elicit) {
    const answer = opts.elicit;
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params.message);
      return answer(request.params.message);
    });
  }
  await client.connect(transport);
  return {
    client,
    transport,
    asked,
    stderr: () => stderr,
    async call(name, args = {}, onProgress) {
      const result = await client.callTool({ name, arguments: args }, undefined, {
        timeout: 600_000,
        ...(onProgress ? { onprogress: (progress) => onProgress(progress.message ?? '') } : {}),
      });
      const content = result.content as { type: string; text: string }[];
      const text = content.map((part) => part.text).join('');
      const json = result.structuredContent ?? JSON.parse(text);
      // The text is the same JSON as structuredContent.
      if (JSON.stringify(JSON.parse(text)) !== JSON.stringify(json)) throw new Error(`text and structuredContent differ for ${name}: ${text}`);
      return { isError: Boolean(result.isError), json, text };
    },
    close: () => client.close(),
  };
}

export const yes = (): ElicitResult => ({ action: 'accept', content: { confirm: true } });
export const no = (): ElicitResult => ({ action: 'decline' });
