import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { priceOf } from '../../../../src/core/agents/vendors/prices.js';
import {
  claudeUsageRecord,
  codexUsage,
  copilotUsage,
  geminiUsageRecord,
  lastPerId,
  opencodeUsage,
  piUsage,
  sumUsage,
  totalUsage,
} from '../../../../src/core/agents/vendors/usage.js';
import { FIXTURES, tempHome, type TempHome } from './fixture-home.js';

/**
 * Token usage read from the files the real CLIs wrote (test/fixtures/agents/*: each mock reply
 * there used 10 input and 5 output tokens), and the rules for adding records up and pricing them.
 */
let world: TempHome | undefined;
afterEach(() => {
  world?.cleanup();
  world = undefined;
});

function file(name: string, lines: object[]): string {
  world ??= tempHome();
  const path = join(world.home, name);
  mkdirSync(world.home, { recursive: true });
  writeFileSync(path, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
  return path;
}

describe("usage read from the real CLIs' files", () => {
  it('claude: one figure per reply (message.id), the last line of a reply winning', async () => {
    const usage = totalUsage(await lastPerId(join(FIXTURES, 'claude/interactive-resumed.jsonl'), claudeUsageRecord));
    expect(usage).toEqual({ input: 40, output: 20, cached: 0, models: ['claude-opus-4-8'] });
  });

  it('codex: the last running total of the rollout, resumes included, priced by model', async () => {
    const usage = await codexUsage(join(FIXTURES, 'codex/interactive-with-exec_command-then-resumed.jsonl'));
    expect(usage).toEqual({ input: 30, output: 15, cached: 0, models: ['gpt-5'], costUsd: (30 * 1.25 + 15 * 10) / 1e6 });
  });

  it('gemini: each message id once, though the file rewrites it', async () => {
    const usage = totalUsage(await lastPerId(join(FIXTURES, 'gemini/real/print-mode-resumed-3x-with-shell-tool.jsonl'), geminiUsageRecord));
    expect(usage).toEqual({ input: 50, output: 25, cached: 0, models: ['gemini-3.8-flash'] });
  });

  it('copilot: every usage record, never a USD cost (billed by subscription)', async () => {
    const usage = await copilotUsage(join(FIXTURES, 'copilot/real/session-state/8eda0a9e-e471-451d-af2a-6b7fea82c54d/events.jsonl'));
    expect(usage).toEqual({ input: 30, output: 15, cached: 0, models: ['gpt-4.1'] });
  });

  it('pi: every assistant message with the cost pi itself recorded', async () => {
    const usage = await piUsage(join(FIXTURES, 'pi/real/print-mode-resumed-with-bash-tool.jsonl'));
    expect(usage).toEqual({ input: 40, output: 20, cached: 0, models: ['mock-model'], costUsd: 0 });
  });

  it('opencode: tokens and cost of each assistant message', async () => {
    const { readFileSync } = await import('node:fs');
    const exported = JSON.parse(readFileSync(join(FIXTURES, 'opencode/real/export-interactive-tool-then-resumed.json'), 'utf8')) as {
      messages: { info: Record<string, unknown> }[];
    };
    expect(opencodeUsage(exported.messages)).toEqual({ input: 30, output: 15, cached: 0, models: ['mock-model'], costUsd: 0 });
  });
});

describe('usage rules', () => {
  it('cached prompt tokens are counted apart from the rest (codex and gemini include them in input)', async () => {
    const rollout = file('rollout.jsonl', [
      { type: 'turn_context', payload: { model: 'gpt-5-mini' } },
      { type: 'event_msg', payload: { type: 'token_count', info: { total_token_usage: { input_tokens: 1000, cached_input_tokens: 800, output_tokens: 50 } } } },
    ]);
    expect(await codexUsage(rollout)).toMatchObject({ input: 200, cached: 800, output: 50 });
    const chat = file('chat.jsonl', [{ type: 'gemini', id: 'm1', model: 'gemini-2.5-pro', tokens: { input: 100, cached: 60, output: 7, thoughts: 3 } }]);
    expect(totalUsage(await lastPerId(chat, geminiUsageRecord))).toMatchObject({ input: 40, cached: 60, output: 10 });
  });

  it('claude cache writes count as input, cache reads as cached', async () => {
    const session = file('claude.jsonl', [
      {
        type: 'assistant',
        message: {
          id: 'a',
          model: 'claude-sonnet-4-5-20250929',
          usage: { input_tokens: 5, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000, output_tokens: 1 },
        },
      },
      {
        type: 'assistant',
        message: {
          id: 'a',
          model: 'claude-sonnet-4-5-20250929',
          usage: { input_tokens: 5, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000, output_tokens: 40 },
        },
      },
    ]);
    const usage = totalUsage(await lastPerId(session, claudeUsageRecord));
    expect(usage).toEqual({ input: 105, cached: 1000, output: 40, models: ['claude-sonnet-4-5-20250929'], costUsd: (105 * 3 + 40 * 15 + 1000 * 0.3) / 1e6 });
  });

  it('no cost when one model of the session is not in the price table (never a partial sum)', () => {
    const usage = totalUsage([
      { model: 'gpt-5', input: 10, output: 1, cached: 0 },
      { model: 'some-new-model', input: 10, output: 1, cached: 0 },
    ]);
    expect(usage.costUsd).toBeUndefined();
    expect(usage.input).toBe(20);
  });

  it("a run total has a cost only when every agent's has one", () => {
    const priced = { input: 1, output: 1, cached: 0, models: ['a'], costUsd: 0.5 };
    const unpriced = { input: 2, output: 2, cached: 1, models: ['b'] };
    expect(sumUsage([priced, priced])).toEqual({ input: 2, output: 2, cached: 0, models: ['a'], costUsd: 1 });
    expect(sumUsage([priced, unpriced])).toEqual({ input: 3, output: 3, cached: 1, models: ['a', 'b'] });
  });

  it.each([
    ['claude-sonnet-4-5-20250929', 3],
    ['anthropic/claude-opus-4-1', 15],
    ['claude-opus-4-5', 5],
    ['gpt-5-mini', 0.25],
    ['gpt-5', 1.25],
    ['gemini-2.5-flash-lite', 0.1],
    ['claude-opus-4-8', null],
    ['constructor', null],
  ])('prices %s by its exact name (input %s per million)', (model, input) => {
    expect(priceOf(model)?.input ?? null).toBe(input);
  });
});
