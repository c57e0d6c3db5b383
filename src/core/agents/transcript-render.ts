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
  /** Messages kept, the one cut inside included. */
  kept: number;
  omitted: number;
  /** The oldest message kept did not fit whole and was cut inside (its end kept, marked). */
  truncated: boolean;
}

/** Below this many characters of room, the end of a message that does not fit is not worth keeping (unless it is the newest). */
const MIN_PART = 2_000;

/**
 * Keeps the most recent messages whose blocks fit in `budget` characters,
 * cutting between messages. The first message (going back) that does not
 * fit whole keeps its heading and the end of its text, marked as cut, in the
 * room left: a long task message followed by a short reply must not leave
 * only the reply (a handoff is useless without the task), and when not even
 * the newest fits, its end is kept (nor without the last word).
 */
export function cutRecent(messages: TranscriptMessage[], budget: number): Cut {
  const blocks = messages.map(renderMessage);
  const reserve = omittedMarker(messages.length).length + 1;
  const kept: string[] = [];
  let used = 0;
  let i = blocks.length - 1;
  for (; i >= 0; i--) {
    const block = blocks[i] as string;
    const cost = block.length + 1 + (i > 0 ? reserve : 0);
    if (used + cost > budget) break;
    kept.unshift(block);
    used += block.length + 1;
  }
  let truncated = false;
  if (i >= 0) {
    const message = messages[i] as TranscriptMessage;
    const head = `${heading(message)}\n${TRUNCATED}`;
    const body = (blocks[i] as string).slice(heading(message).length + 1);
    const room = budget - used - (i > 0 ? reserve : 0) - head.length - 1;
    if (kept.length === 0 || room >= MIN_PART) {
      kept.unshift(`${head}${body.slice(body.length - Math.max(0, room))}`);
      truncated = true;
      i--;
    }
  }
  const omitted = i + 1;
  const text = (omitted > 0 ? [omittedMarker(omitted), ...kept] : kept).join('\n');
  return { text, kept: kept.length, omitted, truncated };
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
