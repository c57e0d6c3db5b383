import type { Readable, Writable } from 'node:stream';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { setAsk } from '../infra/ask.js';
import { userProblem } from '../infra/door-errors.js';
import { cancelledError, Exit, preconditionError, usageError } from '../infra/errors.js';
import { setNoteSink } from '../infra/notes.js';
import { packageVersion } from '../infra/package-root.js';
import { describeContext } from '../project/context.js';
import { openProject } from '../project/project.js';
import { requireRepo } from '../git/repo.js';
import { checkArgs, jsonSchemaOf } from './args.js';
import { TOOLS, toolByName, type ToolContext } from './tools.js';

/**
 * `pwt mcp`: the Model Context Protocol over stdio, on the official SDK's
 * low-level server (pwt checks each tool's arguments itself, so a bad one is
 * a refusal with pwt's words and exit code 2). Results are JSON twice: as
 * structuredContent and as text; a refusal is a tool error whose JSON is
 * { error, hint?, exitCode } with the exit code the CLI would give.
 *
 * The client's disconnecting never cuts an operation short: calls in flight
 * finish (or roll back as the CLI's would) before the server returns, and
 * nothing more is written to a client that is gone.
 */
export interface ServeOptions {
  /** The repository (any of its worktrees); default: the current directory's. */
  repo?: string;
  allowEnd: boolean;
  checks: string[];
  input: Readable;
  output: Writable;
}

const INSTRUCTIONS =
  'pwt runs coding agents (claude, codex, gemini, copilot, cursor, opencode, pi) in parallel git ' +
  'worktree sessions. To try one task with several agents: start_run, wait_for_agent on each session, ' +
  'compare_run (and session_diff, read_transcript), then pick_run once the user chose. end_session, ' +
  "pick_run and land change the user's branches and ask the user first.";

function refusal(error: unknown): CallToolResult {
  let body: { error: string; hint?: string; exitCode: number };
  const problem = userProblem(error);
  body = problem
    ? { error: problem.message, ...(problem.hint ? { hint: problem.hint } : {}), exitCode: problem.exitCode }
    : { error: `unexpected error (a bug, please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, exitCode: Exit.bug };
  return { isError: true, content: [{ type: 'text', text: JSON.stringify(body) }], structuredContent: body };
}

export async function serveMcp(opts: ServeOptions): Promise<void> {
  const here = opts.repo ?? process.cwd();
  const repo = await requireRepo(here);
  const project = await openProject(repo.mainPath);
  const context = await describeContext(repo.worktreePath);
  const caller = context.kind === 'session' && context.session ? { id: context.session.id, branch: context.session.branch } : null;

  const server = new Server({ name: 'pwt', version: packageVersion() }, { capabilities: { tools: {}, logging: {} }, instructions: INSTRUCTIONS });
  let connected = true;
  const safely = (send: () => Promise<void>) => {
    if (connected) send().catch(() => undefined);
  };
  // Core's notes become log messages for the client; nobody can answer a question from a terminal here.
  setNoteSink((note) =>
    safely(() =>
      server.sendLoggingMessage({ level: note.level === 'warn' ? 'warning' : note.level === 'trace' ? 'debug' : 'info', logger: 'pwt', data: note.text }),
    ),
  );
  const nobody = () =>
    Promise.reject(preconditionError('This needs an answer from a person, and pwt mcp has no terminal to ask on.', 'Run the same pwt command in a terminal.'));
  setAsk({ select: nobody, confirm: nobody, text: nobody });

  const canAsk = () => Boolean(server.getClientCapabilities()?.elicitation);
  const confirm: ToolContext['confirm'] = async (question, refused) => {
    if (opts.allowEnd) return true;
    if (!canAsk()) {
      throw preconditionError(
        `${refused.action} changes the user's branches and needs their yes, but this MCP client cannot ask ` +
          `them (it does not support elicitation). Nothing was changed.`,
        `The user can run it themselves: ${refused.cli}; or start the server with pwt mcp --allow-end to let agents do it without asking.`,
      );
    }
    try {
      const answer = await server.elicitInput(
        {
          message: question,
          requestedSchema: {
            type: 'object',
            properties: { confirm: { type: 'boolean', title: 'Go ahead', description: question, default: false } },
            required: ['confirm'],
          },
        },
        { timeout: 15 * 60_000 },
      );
      return answer.action === 'accept' && answer.content?.confirm === true;
    } catch (error) {
      throw cancelledError(`No answer from the user (${error instanceof Error ? error.message : String(error)}); nothing was changed.`);
    }
  };

  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: TOOLS.map((tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: jsonSchemaOf(tool.args),
      annotations: { readOnlyHint: Boolean(tool.readOnly), destructiveHint: Boolean(tool.destructive), openWorldHint: false },
    })),
  }));

  const inFlight = new Set<Promise<unknown>>();
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const call = (async (): Promise<CallToolResult> => {
      const tool = toolByName.get(request.params.name);
      try {
        if (!tool) throw usageError(`pwt has no tool "${request.params.name}".`, `Its tools: ${TOOLS.map((each) => each.name).join(', ')}.`);
        const args = checkArgs(tool.name, tool.args, request.params.arguments);
        const token = extra._meta?.progressToken;
        let step = 0;
        // Sent in order, and all before the result (the client stops listening once it has the result).
        let sent = Promise.resolve();
        const progress = (message: string) => {
          step++;
          const params = { progressToken: token as string | number, progress: step, message };
          if (token !== undefined)
            sent = sent.then(() => (connected ? extra.sendNotification({ method: 'notifications/progress', params }) : undefined)).catch(() => undefined);
        };
        const value = await tool.run(args, { project, caller, checks: opts.checks, allowEnd: opts.allowEnd, progress, confirm, signal: extra.signal });
        await sent;
        return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }], structuredContent: value };
      } catch (error) {
        return refusal(error);
      }
    })();
    inFlight.add(call);
    try {
      return await call;
    } finally {
      inFlight.delete(call);
    }
  });

  const transport = new StdioServerTransport(opts.input, opts.output);
  const closed = new Promise<void>((resolve) => {
    opts.input.once('end', resolve);
    opts.input.once('close', resolve);
    transport.onclose = () => resolve();
  });
  await server.connect(transport);
  await closed;
  connected = false;
  await Promise.allSettled([...inFlight]);
  await server.close().catch(() => undefined);
}
