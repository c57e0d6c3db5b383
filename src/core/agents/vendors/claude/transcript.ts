import { readJsonl } from '../jsonl.js';
import { inChainOrder } from './order.js';
import { isRecord, textOf, toIso } from '../common.js';
import type { ToolCall, TranscriptMessage } from '../types.js';

/**
 * Claude Code session files (`<config>/projects/<enc>/<id>.jsonl`, measured
 * with 2.1.197, see shared/agents/real-sessions/claude): one record per line;
 * `type: user|assistant` records carry an Anthropic-shaped `message`. An
 * assistant reply is split into one record per content block (text,
 * tool_use) sharing `message.id`; tool results come back as `user` records of
 * `tool_result` blocks. Everything else (mode, permission-mode,
 * file-history-snapshot, attachment, system, queue-operation, last-prompt,
 * summary, progress) is bookkeeping. Sidechains (subagents) and meta lines
 * (`isMeta`, compact summaries) are not the conversation. Records are read in
 * their uuid chain order (./order.ts), not file order.
 */
export interface ClaudeSessionRead {
  messages: TranscriptMessage[];
  /** The `cwd` of the first record that has one. */
  cwd: string | null;
  sessionId: string | null;
  startedAt: string | null;
  updatedAt: string | null;
}

/** Slash commands and `!` shell runs are stored as user text wrapped in these tags. */
const COMMAND_TAGS = new RegExp(
  String.raw`^\s*<(` +
    [
      'command-name',
      'command-message',
      'command-args',
      'local-command-stdout',
      'local-command-stderr',
      'local-command-caveat',
      'bash-input',
      'bash-stdout',
      'bash-stderr',
      'user-prompt-submit-hook',
    ].join('|') +
    ')>',
);

/** The user's own words: injected <system-reminder> blocks and interrupt markers removed. */
export function cleanUserText(text: string): string {
  const withoutReminders = text.replace(/<system-reminder>[\s\S]*?<\/system-reminder>/g, '');
  if (COMMAND_TAGS.test(withoutReminders)) return '';
  return withoutReminders
    .split('\n')
    .filter((line) => !/^\[Request interrupted by user[^\]]*\]$/.test(line.trim()))
    .join('\n')
    .trim();
}

function skip(record: Record<string, unknown>): boolean {
  return record.isSidechain === true || record.isMeta === true || record.isCompactSummary === true || record.isVisibleInTranscriptOnly === true;
}

/**
 * Lines outside the uuid chain that need no parsing (they start with their
 * type). Every record with a uuid is parsed: it may be a link in the chain.
 */
const UNCHAINED = /^\{"type":"(file-history-snapshot|queue-operation|last-prompt|mode|permission-mode|custom-title|agent-name|summary)"/;
function worthParsing(line: string): boolean {
  return !UNCHAINED.test(line);
}

export type ClaudeSessionMeta = Omit<ClaudeSessionRead, 'messages'>;

/**
 * Yields each message once it is complete (when the next one starts), so a
 * caller that keeps only the recent ones holds little memory. `meta` fills in
 * as the file is read.
 */
export async function* claudeMessages(file: string, meta: ClaudeSessionMeta): AsyncGenerator<TranscriptMessage> {
  // Tool calls waiting for their tool_result, by tool_use id (dropped once answered).
  const pendingTools = new Map<string, ToolCall>();
  let current: TranscriptMessage | null = null;
  // An assistant record with only thinking blocks would leave an empty message: not yielded.
  const finished = (message: TranscriptMessage | null) => message !== null && (message.text !== '' || message.tools.length > 0);

  for await (const record of inChainOrder(readJsonl(file, worthParsing))) {
    const at = toIso(record.timestamp);
    if (at) {
      meta.startedAt ??= at;
      meta.updatedAt = at;
    }
    if (typeof record.cwd === 'string') meta.cwd ??= record.cwd;
    if (typeof record.sessionId === 'string') meta.sessionId ??= record.sessionId;
    if ((record.type !== 'user' && record.type !== 'assistant') || skip(record) || !isRecord(record.message)) continue;
    const content = record.message.content;
    const blocks: Record<string, unknown>[] =
      typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? content.filter(isRecord) : [];

    if (record.type === 'user') {
      const texts: string[] = [];
      for (const block of blocks) {
        if (block.type === 'tool_result') {
          const call = pendingTools.get(String(block.tool_use_id));
          if (call) call.output = textOf(block.content);
          pendingTools.delete(String(block.tool_use_id));
        } else if (block.type === 'text' && typeof block.text === 'string') {
          const text = cleanUserText(block.text);
          if (text) texts.push(text);
        }
      }
      if (texts.length === 0) continue;
      if (finished(current)) yield current!;
      current = { role: 'user', text: texts.join('\n'), tools: [], at };
      continue;
    }

    // Replies claude makes up itself (API errors, "No response requested.") are not the model's.
    if (record.message.model === '<synthetic>') continue;
    // One assistant turn runs until the next user prompt: the records split by block
    // (same message.id) and the replies after tool results all belong to it.
    if (current?.role !== 'assistant') {
      if (finished(current)) yield current!;
      current = { role: 'assistant', text: '', tools: [], at };
    }
    const message: TranscriptMessage = current;
    for (const block of blocks) {
      if (block.type === 'text' && typeof block.text === 'string' && block.text.trim()) {
        message.text = message.text ? `${message.text}\n\n${block.text}` : block.text;
      } else if (block.type === 'tool_use') {
        const call: ToolCall = { name: String(block.name ?? 'tool'), input: block.input ?? null, output: '' };
        message.tools.push(call);
        if (typeof block.id === 'string') pendingTools.set(block.id, call);
      }
    }
  }
  if (finished(current)) yield current!;
}

export async function readClaudeSession(file: string): Promise<ClaudeSessionRead> {
  const meta: ClaudeSessionMeta = { cwd: null, sessionId: null, startedAt: null, updatedAt: null };
  const messages: TranscriptMessage[] = [];
  for await (const message of claudeMessages(file, meta)) messages.push(message);
  return { ...meta, messages };
}

/** The first record's cwd and time, without reading the whole file (for capture). */
export async function readClaudeHeader(file: string): Promise<{ cwd: string | null; startedAt: string | null; sessionId: string | null }> {
  let cwd: string | null = null;
  let startedAt: string | null = null;
  let sessionId: string | null = null;
  for await (const record of readJsonl(file)) {
    startedAt ??= toIso(record.timestamp);
    if (typeof record.cwd === 'string') cwd ??= record.cwd;
    if (typeof record.sessionId === 'string') sessionId ??= record.sessionId;
    if (cwd && startedAt && sessionId) break;
  }
  return { cwd, startedAt, sessionId };
}
