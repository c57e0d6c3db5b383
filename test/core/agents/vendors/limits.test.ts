import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claudeLimit } from '../../../../src/core/agents/vendors/claude/limit.js';
import { codexLimit } from '../../../../src/core/agents/vendors/codex/limit.js';
import { untilOf } from '../../../../src/core/agents/runtime/limited.js';

/**
 * The usage limit each vendor records in its own session file (Adapter.readLimit), read from files the
 * pinned CLIs wrote against the test model server answering as the vendor does when the account is out of
 * usage (test/fixtures/agents/<vendor>/README.md says how each was made): the limit while it is the last
 * thing recorded, none once the session went on after it.
 */
const FIXTURES = resolve(import.meta.dirname, '../../../fixtures/agents');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The fixture with its lines cut after the last one that `keep` accepts. */
function cutAfter(file: string, keep: (line: string) => boolean): string {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const fromEnd = [...lines].reverse().findIndex(keep);
  if (fromEnd < 0) throw new Error(`no such line in ${file}`);
  const last = lines.length - 1 - fromEnd;
  const dir = mkdtempSync(join(tmpdir(), 'pwt-limit-'));
  dirs.push(dir);
  const cut = join(dir, 'cut.jsonl');
  writeFileSync(cut, `${lines.slice(0, last + 1).join('\n')}\n`);
  return cut;
}

describe('claude session file', () => {
  it('a print run that hit the session limit: the synthetic API error message, its time, the reset its text names', async () => {
    const limit = await claudeLimit(join(FIXTURES, 'claude/limit-print.jsonl'));
    expect(limit).toEqual({ at: '2026-12-07T00:00:06.018Z', until: null, message: "You've hit your session limit · resets 12am (UTC)" });
    // The end of the minute it names.
    expect(untilOf({ provider: 'claude' }, limit!)).toBe('2026-12-07T00:01:00.000Z');
  });

  it('resumed after the reset and answered: no limit', async () => {
    expect(await claudeLimit(join(FIXTURES, 'claude/limit-print-then-resumed.jsonl'))).toBeNull();
    // Only the next prompt recorded (no answer yet): the limit no longer holds either.
    const prompted = cutAfter(
      join(FIXTURES, 'claude/limit-print-then-resumed.jsonl'),
      (line) => line.includes('Continue where you left off') && line.includes('"type":"user"'),
    );
    expect(await claudeLimit(prompted)).toBeNull();
  });

  it('a session with no limit: none', async () => {
    expect(await claudeLimit(join(FIXTURES, 'claude/print-mode-with-bash-tool.jsonl'))).toBeNull();
  });
});

describe('codex rollout', () => {
  it('an exec run that hit the usage limit: the task_complete error, its time, the reset its text names (local time, today)', async () => {
    const limit = await codexLimit(join(FIXTURES, 'codex/limit-exec.jsonl'));
    expect(limit).toMatchObject({ at: '2026-12-07T00:22:33.712Z', until: null });
    expect(limit!.message).toMatch(/^You’ve hit your usage limit\. .* try again at 12:22 AM\.$/);
    const zone = process.env.TZ;
    process.env.TZ = 'UTC';
    try {
      expect(untilOf({ provider: 'codex' }, limit!)).toBe('2026-12-07T00:23:00.000Z');
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('resumed after the reset and answered: no limit', async () => {
    expect(await codexLimit(join(FIXTURES, 'codex/limit-exec-then-resumed.jsonl'))).toBeNull();
  });

  it('a session with no limit: none', async () => {
    expect(await codexLimit(join(FIXTURES, 'codex/interactive-with-exec_command-then-resumed.jsonl'))).toBeNull();
  });
});
