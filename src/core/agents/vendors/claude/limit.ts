import { readJsonl } from '../jsonl.js';
import { isRecord, textOf, toIso } from '../common.js';
import type { RecordedLimit } from '../types.js';

/**
 * The usage limit that ended a claude session's last turn, from its session
 * file. Measured with 2.1.197 against the test model server answering as
 * Anthropic does for a subscription out of usage (429 `rate_limit_error`,
 * `anthropic-ratelimit-unified-status: rejected`; test/fixtures/agents/claude/
 * limit-*.jsonl): claude records the limit as a synthetic assistant message,
 * `"isApiErrorMessage": true, "error": "rate_limit", "apiErrorStatus": 429`,
 * model `<synthetic>`, whose text is what its screen prints
 * ("You've hit your session limit · resets 12:01am (UTC)"). It keeps no reset
 * time of its own: `until` stays null and the reader reads the message's.
 * Any user or assistant record after it (a reply, the next prompt) means the
 * limit no longer holds.
 */
export async function claudeLimit(file: string): Promise<RecordedLimit | null> {
  let limit: RecordedLimit | null = null;
  for await (const record of readJsonl(file, (line) => line.includes('"type":"user"') || line.includes('"type":"assistant"'))) {
    if ((record.type !== 'user' && record.type !== 'assistant') || record.isSidechain === true || record.isMeta === true) continue;
    limit = record.type === 'assistant' && isLimit(record) ? limitOf(record) : null;
  }
  return limit;
}

function isLimit(record: Record<string, unknown>): boolean {
  return record.isApiErrorMessage === true && (record.error === 'rate_limit' || record.apiErrorStatus === 429);
}

function limitOf(record: Record<string, unknown>): RecordedLimit {
  const message = isRecord(record.message) ? textOf(record.message.content) : '';
  return { at: toIso(record.timestamp), until: null, message: message.replace(/\s+/g, ' ').trim() };
}
