/**
 * What the test model "thinks", independent of the wire protocol. Each
 * protocol module turns its request into a `Conversation` (turns + offered
 * tools) and renders the `Reply` this returns in its own format.
 *
 * The script:
 * - the last real user message contains MARKER and no tool result came back
 *   after it -> ONE call of the shell tool the request offers, running
 *   `echo pwt-tool-output`;
 * - a tool result came back after the last user message -> text `Done: ...`;
 * - the user's text has CALL_MARKER lines (`PWT_CALL <tool> <json args>`):
 *   the Nth line is called once N-1 tool results came back, on the offered
 *   tool whose name is <tool> or ends with `__<tool>` (MCP tools come as
 *   `mcp__<server>__<tool>`); after the last one -> text `Done: ...` with
 *   the last result;
 * - otherwise -> text `Reply to: <first 40 chars of the user's text>`.
 */
export const MARKER = 'PWT_TOOL_MARKER';
export const TOOL_COMMAND = 'echo pwt-tool-output';
/**
 * Like MARKER, but the command writes a file, so CLIs that run read-only
 * commands unasked (codex under `-a untrusted`) ask for approval first.
 */
export const ASK_MARKER = 'PWT_ASK_MARKER';
export const ASK_COMMAND = 'touch pwt-asked.txt && echo pwt-tool-output';
export const TOOL_OUTPUT = 'pwt-tool-output';
/** `PWT_CALL <tool> <json args>` on its own line: the model calls that tool with those arguments. */
export const CALL_MARKER = 'PWT_CALL';
const WAIT_FOR_MCP = 'WaitForMcpServers';

/** The calls a user's text asks for, in order. */
export function scriptedCalls(text: string): { tool: string; args: Record<string, unknown> }[] {
  return [...text.matchAll(/^\s*PWT_CALL\s+(\S+)\s+(\{.*\})\s*$/gm)].map((match) => ({
    tool: match[1]!,
    args: JSON.parse(match[2]!) as Record<string, unknown>,
  }));
}

/** The offered tool `name` names: itself, or an MCP tool `<prefix>__<name>`. */
export function findNamedTool(tools: OfferedTool[], name: string): OfferedTool | undefined {
  return (
    tools.find((tool) => tool.name === name) ??
    tools.find((tool) => tool.name.endsWith(`__${name}`) || tool.name.endsWith(`-${name}`) || tool.name.endsWith(`.${name}`))
  );
}

export interface Turn {
  role: 'user' | 'assistant' | 'tool';
  text: string;
  /** The tools an assistant turn called, by name (where the protocol module records them). */
  calls?: string[];
}

export interface OfferedTool {
  name: string;
  /** JSON schema of the arguments (whatever the protocol calls it), or undefined. */
  schema?: JsonSchema;
  /** How a call names it on the wire, when that is not `name` (a tool inside a namespace). */
  call?: { name: string; namespace: string };
}

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  [key: string]: unknown;
}

export interface Conversation {
  turns: Turn[];
  tools: OfferedTool[];
}

export type Reply = { kind: 'text'; text: string } | { kind: 'tool'; name: string; args: Record<string, unknown>; call?: { name: string; namespace: string } };

/** The vendor's usage limit, hit: each protocol answers as its vendor does (429, body, headers); `resetsAt` in epoch ms. */
export interface LimitReply {
  kind: 'limit';
  resetsAt: number;
  /** `PWT_LIMIT_MARKER <seconds> retry-after`: the answer also says when to retry in a `retry-after` header (chat completions). */
  retryAfter?: boolean;
}

/**
 * `PWT_LIMIT_MARKER <seconds>` in the user's text: the account is out of
 * usage for that many seconds from the first request of that text; every
 * request that carries that line until then gets the vendor's limit answer,
 * later ones the usual reply (so a "continue" after the reset is answered).
 * With `x<N>` at the end, at least the first N requests of that text get the
 * limit answer, however long the CLI took to send them: a CLI that gives up
 * after a fixed number of retries (pi, opencode) does so even on a machine so
 * loaded that its back-off outlasts the window (each late answer names a
 * reset a few seconds on). Guessing N too high is harmless: after giving up
 * the CLI sends that text no more, and a continue is a text of its own.
 */
export const LIMIT_MARKER = 'PWT_LIMIT_MARKER';

/** How long a limit answered past its window still lasts (`x<N>`). */
const LATE_LIMIT_MS = 5_000;

/** Each limited user text's window (epoch ms) and how many limit answers it got, per server. */
export type LimitClock = Map<string, { until: number; answered: number }>;

/** The limit answer for this conversation now, or null: the marker in the last user text, within its window. */
export function limitOf(conversation: Conversation, clock: LimitClock, now = Date.now()): LimitReply | null {
  const text = lastUserText(conversation.turns);
  const match = text.match(new RegExp(`${LIMIT_MARKER}\\s+(\\d+(?:\\.\\d+)?)(\\s+retry-after\\b)?(?:\\s+x(\\d+)\\b)?`));
  if (!match) return null;
  // Keyed by the marker's line: a CLI that sends the limited message again with the next one (claude joins them) is past it.
  const line = text.split('\n').find((each) => each.includes(LIMIT_MARKER)) ?? text;
  let window = clock.get(line);
  if (window === undefined) {
    window = { until: now + Number(match[1]) * 1000, answered: 0 };
    clock.set(line, window);
  }
  if (now >= window.until) {
    if (!match[3] || window.answered >= Number(match[3])) return null;
    window.until = now + LATE_LIMIT_MS;
  }
  window.answered++;
  return match[2] ? { kind: 'limit', resetsAt: window.until, retryAfter: true } : { kind: 'limit', resetsAt: window.until };
}

function lastUserText(turns: Turn[]): string {
  for (let i = turns.length - 1; i >= 0; i--) {
    const turn = turns[i]!;
    if (turn.role === 'user' && turn.text.trim() && !isInjected(turn.text)) return turn.text.trim();
  }
  return '';
}

/** Names the CLIs give their shell tool, best first (claude, pi, codex, codex legacy, gemini, copilot, opencode). */
const SHELL_TOOL_NAMES = ['Bash', 'bash', 'exec_command', 'shell', 'run_shell_command', 'shell_command', 'local_shell'];

export function findShellTool(tools: OfferedTool[]): OfferedTool | undefined {
  for (const name of SHELL_TOOL_NAMES) {
    const tool = tools.find((t) => t.name === name);
    if (tool) return tool;
  }
  return tools.find((t) => /bash|shell/i.test(t.name) && !/output|kill|read|write/i.test(t.name));
}

/**
 * Text the CLIs inject into user turns (claude's <system-reminder>, codex's
 * <environment_context>, ...) starts with a tag: it is not what the user typed.
 */
export function isInjected(text: string): boolean {
  return /^\s*<[a-z_-]+[\s>]/i.test(text);
}

export function decide(conversation: Conversation): Reply {
  const { turns } = conversation;
  let lastUser = -1;
  for (let i = turns.length - 1; i >= 0; i--) {
    const turn = turns[i]!;
    if (turn.role === 'user' && turn.text.trim() && !isInjected(turn.text)) {
      lastUser = i;
      break;
    }
  }
  const userText = lastUser >= 0 ? turns[lastUser]!.text.trim() : '';
  const toolResults = turns.slice(lastUser + 1).filter((t) => t.role === 'tool');
  const calls = scriptedCalls(userText);
  if (calls.length > 0) {
    // Calls made so far: counted by name where the protocol records them (a wait for MCP servers is not one of the script's).
    const after = turns.slice(lastUser + 1);
    const named = after.some((t) => t.calls);
    const made = named ? after.flatMap((t) => t.calls ?? []).filter((name) => name !== WAIT_FOR_MCP).length : toolResults.length;
    const next = calls[made];
    const tool = next ? findNamedTool(conversation.tools, next.tool) : undefined;
    if (next && tool) return { kind: 'tool', name: tool.name, args: next.args, ...(tool.call ? { call: tool.call } : {}) };
    // claude connects its MCP servers in the background and offers a tool that waits for them.
    const wait = conversation.tools.find((t) => t.name === WAIT_FOR_MCP);
    if (next && wait)
      return {
        kind: 'tool',
        name: wait.name,
        args: Object.fromEntries((wait.schema?.required ?? []).map((key) => [key, placeholder(key, wait.schema?.properties?.[key])])),
      };
    if (next) return { kind: 'text', text: `No tool ${next.tool} offered (tools: ${conversation.tools.map((t) => t.name).join(', ')})` };
    return { kind: 'text', text: `Done: ${oneLine(toolResults.at(-1)?.text ?? '', 200)}` };
  }
  if (toolResults.length > 0) {
    const output = toolResults.map((t) => t.text).join('\n');
    const shown = output.includes(TOOL_OUTPUT) ? TOOL_OUTPUT : oneLine(output, 40);
    return { kind: 'text', text: `Done: the tool printed ${shown}` };
  }
  const shell = findShellTool(conversation.tools);
  if (userText.includes(ASK_MARKER) && shell) return { kind: 'tool', name: shell.name, args: shellArgs(shell, ASK_COMMAND) };
  if (userText.includes(MARKER) && shell) return { kind: 'tool', name: shell.name, args: shellArgs(shell) };
  return { kind: 'text', text: `Reply to: ${oneLine(userText, 40)}` };
}

function oneLine(text: string, max: number): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, max);
}

/**
 * Arguments for the shell tool, shaped by its schema: `cmd` (codex
 * exec_command), `command` as argv (codex legacy `shell`) or as a string
 * (claude Bash, gemini, pi, copilot, opencode); any other required field
 * gets a harmless value so the CLI's validation passes.
 */
export function shellArgs(tool: OfferedTool, command = TOOL_COMMAND): Record<string, unknown> {
  const props = tool.schema?.properties ?? {};
  const args: Record<string, unknown> = {};
  if ('cmd' in props) args.cmd = command;
  else if (typeOf(props.command) === 'array') args.command = ['bash', '-lc', command];
  else args.command = command;
  // codex's exec_command lets the model ask to run outside the sandbox: under `-a on-request` the user must approve that.
  if (command === ASK_COMMAND && 'sandbox_permissions' in props) {
    args.sandbox_permissions = 'require_escalated';
    if ('justification' in props) args.justification = 'The pwt test asks for approval';
  }
  for (const key of tool.schema?.required ?? []) {
    if (key in args) continue;
    args[key] = placeholder(key, props[key]);
  }
  return args;
}

function typeOf(schema: JsonSchema | undefined): string | undefined {
  if (!schema) return undefined;
  return Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
}

function placeholder(key: string, schema: JsonSchema | undefined): unknown {
  if (schema?.enum && schema.enum.length > 0) return schema.enum[0];
  switch (typeOf(schema)) {
    case 'boolean':
      return false;
    case 'number':
    case 'integer':
      return Math.max(schema?.minimum ?? 0, /timeout/i.test(key) ? 30_000 : 1);
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return /desc/i.test(key) ? 'Print a marker line' : 'pwt';
  }
}
