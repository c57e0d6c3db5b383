import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { userCacheDir } from '../../infra/code-cache.js';
import { fingerprint } from '../../infra/fingerprint.js';
import { readJsonl } from './jsonl.js';
import { PRICES_AS_OF, priceOf } from './prices.js';
import { filesStamp, isRecord } from './common.js';
import type { Usage } from './types.js';

export type { Usage } from './types.js';

/** One model call's tokens, before they are added up. */
export interface UsageRecord {
  model: string | null;
  input: number;
  output: number;
  cached: number;
  /** What the vendor itself says this call cost, in USD. */
  costUsd?: number;
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0);
export { count as tokenCount };

/**
 * Adds the records up. The cost is the vendor's own when every record carries
 * one; otherwise the price table's when it knows every model; otherwise none
 * (never a partial sum presented as the total).
 */
export function totalUsage(records: Iterable<UsageRecord>, options: { priced: boolean } = { priced: true }): Usage {
  const usage: Usage = { input: 0, output: 0, cached: 0, models: [] };
  let vendorCost = 0;
  let allVendorCosts = true;
  let tableCost = 0;
  let allPriced = options.priced;
  let any = false;
  for (const record of records) {
    any = true;
    usage.input += record.input;
    usage.output += record.output;
    usage.cached += record.cached;
    if (record.model && !usage.models.includes(record.model)) usage.models.push(record.model);
    if (record.costUsd === undefined) allVendorCosts = false;
    else vendorCost += record.costUsd;
    const price = record.model ? priceOf(record.model) : null;
    if (!price) allPriced = false;
    else tableCost += (record.input * price.input + record.output * price.output + record.cached * price.cached) / 1_000_000;
  }
  if (any && allVendorCosts) usage.costUsd = round(vendorCost);
  else if (any && allPriced) usage.costUsd = round(tableCost);
  return usage;
}

function round(usd: number): number {
  return Math.round(usd * 1e8) / 1e8;
}

/** Adds several sessions' usage (a run's total). The cost is known only when every part's is. */
export function sumUsage(parts: Usage[]): Usage {
  const total: Usage = { input: 0, output: 0, cached: 0, models: [] };
  let cost = 0;
  let allCosted = parts.length > 0;
  for (const part of parts) {
    total.input += part.input;
    total.output += part.output;
    total.cached += part.cached;
    for (const model of part.models) if (!total.models.includes(model)) total.models.push(model);
    if (part.costUsd === undefined) allCosted = false;
    else cost += part.costUsd;
  }
  if (allCosted) total.costUsd = round(cost);
  return total;
}

/**
 * Records keyed by the vendor's message id, the last one winning: vendors
 * that stream a reply rewrite its usage as it grows (claude writes one line
 * per content block of a reply, gemini rewrites the message), and only the
 * final figure was billed.
 */
export async function lastPerId(
  file: string,
  pick: (record: Record<string, unknown>) => { id: string; usage: UsageRecord } | null,
  keep?: (line: string) => boolean,
): Promise<UsageRecord[]> {
  const byId = new Map<string, UsageRecord>();
  for await (const record of readJsonl(file, keep)) {
    const found = pick(record);
    if (found) byId.set(found.id, found.usage);
  }
  return [...byId.values()];
}

/** Claude Code: each assistant line's `message.usage` (Anthropic's shape), last per `message.id`. */
export function claudeUsageRecord(record: Record<string, unknown>): { id: string; usage: UsageRecord } | null {
  if (record.type !== 'assistant' || !isRecord(record.message)) return null;
  const message = record.message;
  const usage = isRecord(message.usage) ? message.usage : null;
  if (!usage || typeof message.id !== 'string') return null;
  return {
    id: message.id,
    usage: {
      model: typeof message.model === 'string' ? message.model : null,
      input: count(usage.input_tokens) + count(usage.cache_creation_input_tokens),
      cached: count(usage.cache_read_input_tokens),
      output: count(usage.output_tokens),
    },
  };
}

/**
 * Codex: `event_msg` records of type `token_count` carry the session's
 * running total (`info.total_token_usage`, OpenAI's shape, where
 * `input_tokens` includes the cached ones); the model is in `turn_context`.
 */
export async function codexUsage(file: string): Promise<Usage> {
  let total: Record<string, unknown> | null = null;
  let model: string | null = null;
  for await (const record of readJsonl(file, (line) => line.includes('"token_count"') || line.includes('"turn_context"'))) {
    const payload = isRecord(record.payload) ? record.payload : null;
    if (!payload) continue;
    if (record.type === 'turn_context' && typeof payload.model === 'string') model = payload.model;
    if (payload.type === 'token_count' && isRecord(payload.info) && isRecord(payload.info.total_token_usage)) total = payload.info.total_token_usage;
  }
  if (!total) return totalUsage([]);
  const cached = count(total.cached_input_tokens);
  return totalUsage([{ model, input: Math.max(0, count(total.input_tokens) - cached), cached, output: count(total.output_tokens) }]);
}

/** Gemini CLI: `type: gemini` message lines carry `tokens` (prompt tokens include the cached ones); the same id is rewritten as it updates. */
export function geminiUsageRecord(record: Record<string, unknown>): { id: string; usage: UsageRecord } | null {
  if (record.type !== 'gemini' || typeof record.id !== 'string' || !isRecord(record.tokens)) return null;
  const tokens = record.tokens;
  const cached = count(tokens.cached);
  return {
    id: record.id,
    usage: {
      model: typeof record.model === 'string' ? record.model : null,
      input: Math.max(0, count(tokens.input) - cached),
      cached,
      output: count(tokens.output) + count(tokens.thoughts),
    },
  };
}

/** Copilot CLI: one `session.usage_record` event per model call. Copilot bills by subscription, so no USD cost is given. */
export async function copilotUsage(file: string): Promise<Usage> {
  const records: UsageRecord[] = [];
  for await (const record of readJsonl(file, (line) => line.includes('"session.usage_record"'))) {
    const data = isRecord(record.data) ? record.data : null;
    const usage = data && isRecord(data.usage) ? data.usage : null;
    if (record.type !== 'session.usage_record' || !usage) continue;
    records.push({
      model: typeof usage.model === 'string' ? usage.model : null,
      input: count(usage.inputTokens) + count(usage.cacheWriteTokens),
      cached: count(usage.cacheReadTokens),
      output: count(usage.outputTokens),
    });
  }
  return totalUsage(records, { priced: false });
}

/** pi: every assistant `message` entry carries `usage` with its own `cost.total` (USD); every branch of the tree was billed. */
export async function piUsage(file: string): Promise<Usage> {
  const records: UsageRecord[] = [];
  for await (const record of readJsonl(file, (line) => line.includes('"usage"'))) {
    const message = record.type === 'message' && isRecord(record.message) ? record.message : null;
    const usage = message && isRecord(message.usage) ? message.usage : null;
    if (!message || !usage) continue;
    const cost = isRecord(usage.cost) && typeof usage.cost.total === 'number' ? usage.cost.total : undefined;
    records.push({
      model: typeof message.model === 'string' ? message.model : null,
      input: count(usage.input) + count(usage.cacheWrite),
      cached: count(usage.cacheRead),
      output: count(usage.output),
      ...(cost === undefined ? {} : { costUsd: cost }),
    });
  }
  return totalUsage(records);
}

/** opencode: each assistant message's `tokens` and `cost` (USD), as stored in its database or legacy JSON tree. */
export function opencodeUsage(messages: { info: Record<string, unknown> }[]): Usage {
  const records: UsageRecord[] = [];
  for (const { info } of messages) {
    if (info.role !== 'assistant' || !isRecord(info.tokens)) continue;
    const tokens = info.tokens;
    const cache = isRecord(tokens.cache) ? tokens.cache : {};
    records.push({
      model: typeof info.modelID === 'string' ? info.modelID : null,
      input: count(tokens.input) + count(cache.write),
      cached: count(cache.read),
      output: count(tokens.output) + count(tokens.reasoning),
      ...(typeof info.cost === 'number' ? { costUsd: info.cost } : {}),
    });
  }
  return totalUsage(records);
}

/** Bumped when a parser below changes what it counts: usage cached by an older pwt is read again. */
const USAGE_CACHE_FORMAT = 1;

/**
 * A session file's usage, kept in the user's cache folder (`usage/`, one small
 * file per session file) until the file changes (its size or modification
 * time) or the price table or the parsers do: `pwt agent list` and `status`
 * show every agent's usage at each call, and a long session's file is
 * megabytes. The file is looked at before it is parsed, so a line the vendor
 * adds meanwhile is read again next time. Any failure to read or write the
 * cache only costs the parse.
 */
export async function usageOfFile(file: string, parse: (file: string) => Promise<Usage>, env: NodeJS.ProcessEnv = process.env): Promise<Usage> {
  return usageOfFiles(file, [file], () => parse(file), env);
}

/**
 * usageOfFile for a session read from several files (opencode: its database and
 * write-ahead log, or its legacy tree), cached under `name` until any of `files`
 * changes.
 */
export async function usageOfFiles(name: string, files: string[], parse: () => Promise<Usage>, env: NodeJS.ProcessEnv = process.env): Promise<Usage> {
  const dir = userCacheDir(env);
  let key: string;
  try {
    key = `${filesStamp(files)}\n${PRICES_AS_OF}:${USAGE_CACHE_FORMAT}`;
  } catch {
    return parse();
  }
  const cache = dir ? join(dir, 'usage', `${fingerprint(name)}.json`) : null;
  if (!cache) return parse();
  try {
    const kept = JSON.parse(readFileSync(cache, 'utf8')) as { file?: string; key?: string; usage?: Usage };
    if (kept.file === name && kept.key === key && kept.usage) return kept.usage;
  } catch {
    // Not cached yet (or a torn file): parsed below.
  }
  const usage = await parse();
  try {
    mkdirSync(dirname(cache), { recursive: true, mode: 0o700 });
    const temp = `${cache}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ file: name, key, usage }), { mode: 0o600 });
    renameSync(temp, cache);
  } catch {
    // A read-only or full disk: the next call parses again.
  }
  return usage;
}
