import type { ToolCall, TranscriptMessage } from '../types.js';
import type { GeminiConversation, GeminiRecord } from './records.js';

/**
 * Turns a replayed gemini chat into normalized messages.
 *
 * Message `type`s are `user`, `gemini`, `info`, `error`, `warning`; only the
 * first two are conversation. `content` is a string or a list of Gemini API
 * parts (`{text}`, `{functionCall}`, `{functionResponse}`, `{thought: true}`).
 * A tool call is recorded in two ways depending on how the message was
 * written: live turns keep `toolCalls: [{id, name, args, result: [parts]}]`
 * on the gemini message; histories synced back after a resume carry
 * `{functionCall}` parts on the gemini message and the results as a `user`
 * message made only of `{functionResponse}` parts (sometimes twice, under two
 * ids). Those user messages are tool results, not something the user said.
 */

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Blocks gemini-cli injects into user messages: the environment and folder
 * listing of the first one, and (in versions without `displayContent`) the
 * files an `@path` mention pulled in, appended after what the user typed.
 */
const INJECTED = [/^\s*<session_context>[\s\S]*?<\/session_context>\s*/, /\n*--- Content from referenced files ---[\s\S]*$/];
/** gemini-cli wraps tool output for the model in this marker; it is not the tool's output. */
const UNTRUSTED = /^<untrusted_context>\n?([\s\S]*?)\n?<\/untrusted_context>$/;

function parts(content: unknown): Record<string, unknown>[] {
  if (typeof content === 'string') return [{ text: content }];
  if (Array.isArray(content)) return content.filter(isObject);
  if (isObject(content)) return [content];
  return [];
}

function textOf(content: unknown): string {
  return parts(content)
    .filter((part) => typeof part.text === 'string' && part.thought !== true)
    .map((part) => part.text as string)
    .join('');
}

function stripInjected(text: string): string {
  let result = text;
  for (const pattern of INJECTED) result = result.replace(pattern, '');
  return result.trim();
}

/** The text of a functionResponse's `response` (`{output}`, `{error}` or anything else). */
function responseText(response: unknown): string {
  if (typeof response === 'string') return response;
  if (!isObject(response)) return '';
  const text =
    typeof response.output === 'string' ? response.output : typeof response.error === 'string' ? `Error: ${response.error}` : JSON.stringify(response);
  return UNTRUSTED.exec(text)?.[1] ?? text;
}

/** Every functionResponse in the chat, by call id: results may sit on the call or in a later message. */
function collectOutputs(messages: GeminiRecord[]): Map<string, string> {
  const outputs = new Map<string, string>();
  const take = (content: unknown) => {
    for (const part of parts(content)) {
      const response = part.functionResponse;
      if (isObject(response) && typeof response.id === 'string') outputs.set(response.id, responseText(response.response));
    }
  };
  for (const message of messages) {
    take(message.content);
    if (Array.isArray(message.toolCalls)) for (const call of message.toolCalls) if (isObject(call)) take(call.result);
  }
  return outputs;
}

function ownResult(result: unknown): string | null {
  const texts = parts(result)
    .map((part) => part.functionResponse)
    .filter(isObject)
    .map((response) => responseText(response.response));
  return texts.length > 0 ? texts.join('\n') : null;
}

function toolsOf(message: GeminiRecord, outputs: Map<string, string>): ToolCall[] {
  const tools: ToolCall[] = [];
  const seen = new Set<string>();
  const add = (id: unknown, name: unknown, input: unknown, own: string | null = null, display = '') => {
    if (typeof name !== 'string') return;
    if (typeof id === 'string') {
      if (seen.has(id)) return;
      seen.add(id);
    }
    tools.push({ name, input: input ?? {}, output: own ?? (typeof id === 'string' ? outputs.get(id) : undefined) ?? display });
  };
  if (Array.isArray(message.toolCalls)) {
    for (const call of message.toolCalls) {
      // The result recorded on the call itself comes first; its ids need not match the call's.
      if (isObject(call)) add(call.id, call.name, call.args, ownResult(call.result), typeof call.resultDisplay === 'string' ? call.resultDisplay : '');
    }
  }
  for (const part of parts(message.content)) {
    const call = part.functionCall;
    if (isObject(call)) add(call.id, call.name, call.args);
  }
  return tools;
}

export function geminiMessages(chat: GeminiConversation): TranscriptMessage[] {
  const outputs = collectOutputs(chat.messages);
  const result: TranscriptMessage[] = [];
  for (const message of chat.messages) {
    const at = chat.firstSeen.get(message.id) ?? message.timestamp ?? null;
    if (message.type === 'user') {
      // displayContent is what the user typed; content may have @file expansions added.
      const text = stripInjected(textOf(message.displayContent ?? message.content));
      if (text) result.push({ role: 'user', text, tools: [], at });
    } else if (message.type === 'gemini') {
      const text = textOf(message.content).trim();
      const tools = toolsOf(message, outputs);
      if (text || tools.length > 0) result.push({ role: 'assistant', text, tools, at });
    }
  }
  return result;
}
