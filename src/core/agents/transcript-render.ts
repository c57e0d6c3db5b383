import type { ToolCall, Transcript, TranscriptMessage } from './vendors/types.js';

/**
 * Markdown for normalized transcripts, shared by the handoff section and
 * `pwt agent transcript --markdown`: one block per message, each tool call
 * summarised on one line, and a cut that keeps the most recent messages
 * whole (at a message boundary) within a character budget.
 */

function squash(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The part of a tool's input a reader needs: the command, the path, or compact JSON. */
function inputSummary(input: unknown): string {
  if (typeof input === 'string') return input;
  if (input && typeof input === 'object') {
    const fields = input as Record<string, unknown>;
    for (const key of ['command', 'cmd', 'file_path', 'filePath', 'path', 'pattern', 'query', 'url']) {
      const value = fields[key];
      if (typeof value === 'string') return value;
      if (Array.isArray(value) && value.every((part) => typeof part === 'string')) return value.join(' ');
    }
  }
  return JSON.stringify(input) ?? '';
}

/** `- tool bash: echo hi → hi (3 lines)`: one line whatever the call's size. */
export function summarizeTool(tool: ToolCall): string {
  const output = tool.output.trim();
  const lines = output ? output.split('\n').length : 0;
  const result = output ? ` → ${squash(output.split('\n')[0] ?? '', 50)}${lines > 1 ? ` (${lines} lines)` : ''}` : '';
  return `- tool ${tool.name}: ${squash(inputSummary(tool.input), 100)}${result}`;
}

function heading(message: TranscriptMessage): string {
  const who = message.role === 'user' ? 'User' : 'Assistant';
  return message.at ? `### ${who} (${message.at.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC')})` : `### ${who}`;
}

export function renderMessage(message: TranscriptMessage): string {
  const body = [message.text.trim(), ...message.tools.map(summarizeTool)].filter(Boolean).join('\n');
  return `${heading(message)}\n${body}\n`;
}

export const omittedMarker = (count: number) => `[... ${count} earlier message${count === 1 ? '' : 's'} left out ...]\n`;
const TRUNCATED = '[... the start of this message was left out ...]\n';

export interface Cut {
  /** The rendered blocks kept, oldest first, joined with blank lines (with the omitted marker first when any was left out). */
  text: string;
  kept: number;
  omitted: number;
  /** The newest message alone was over budget and was cut inside (its end kept). */
  truncated: boolean;
}

/**
 * Keeps the most recent messages whose blocks fit in `budget` characters,
 * cutting between messages. When not even the newest fits, its heading and
 * the end of its text are kept (a handoff is useless without the last word).
 */
export function cutRecent(messages: TranscriptMessage[], budget: number): Cut {
  const blocks = messages.map(renderMessage);
  const reserve = omittedMarker(messages.length).length + 1;
  const kept: string[] = [];
  let used = 0;
  for (let i = blocks.length - 1; i >= 0; i--) {
    const block = blocks[i] as string;
    const cost = block.length + 1 + (i > 0 ? reserve : 0);
    if (used + cost > budget) break;
    kept.unshift(block);
    used += block.length + 1;
  }
  const omitted = messages.length - kept.length;
  if (kept.length === 0 && messages.length > 0) {
    const newest = messages[messages.length - 1] as TranscriptMessage;
    const head = `${heading(newest)}\n${TRUNCATED}`;
    const body = renderMessage(newest).slice(heading(newest).length + 1);
    const room = Math.max(0, budget - reserve - head.length - 1);
    const block = `${head}${body.slice(body.length - room)}`;
    const marker = omitted > 1 ? `${omittedMarker(omitted - 1)}\n` : '';
    return { text: `${marker}${block}`, kept: 1, omitted: omitted - 1, truncated: true };
  }
  const text = (omitted > 0 ? [omittedMarker(omitted), ...kept] : kept).join('\n');
  return { text, kept: kept.length, omitted, truncated: false };
}

/** The most recent messages whose JSON fits in maxChars (at least the newest), and how many were left out (`--json --max-chars`, the MCP read_transcript). */
export function recentJson(transcript: Transcript, maxChars: number | null): Transcript & { omitted: number } {
  let start = transcript.messages.length;
  let used = 0;
  while (start > 0) {
    const size = JSON.stringify(transcript.messages[start - 1]).length;
    if (maxChars !== null && used + size > maxChars && start < transcript.messages.length) break;
    used += size;
    start--;
  }
  return { ...transcript, messages: transcript.messages.slice(start), omitted: start };
}
