import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { piUsage, usageOfFile, usageOfFiles, type Usage } from '../../../../src/core/agents/vendors/usage.js';

/** A session file's usage is parsed once and kept until the file changes (src/core/agents/vendors/usage.ts usageOfFile). */
const PI_SESSION = join(import.meta.dirname, '../../../fixtures/agents/pi/real/print-mode-resumed-with-bash-tool.jsonl');
const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function world() {
  const root = mkdtempSync(join(tmpdir(), 'pwt-usage-cache-'));
  roots.push(root);
  const file = join(root, 'session.jsonl');
  copyFileSync(PI_SESSION, file);
  const env = { HOME: join(root, 'home') };
  let parses = 0;
  const counted = async (path: string): Promise<Usage> => {
    parses++;
    return piUsage(path);
  };
  return { root, file, env, counted, parses: () => parses };
}

describe('usage of a session file, cached until it changes', () => {
  it('parses once while the file stays the same, and gives what the parser gives', async () => {
    const w = world();
    const direct = await piUsage(w.file);
    expect(direct.output).toBeGreaterThan(0);
    expect(await usageOfFile(w.file, w.counted, w.env)).toEqual(direct);
    expect(await usageOfFile(w.file, w.counted, w.env)).toEqual(direct);
    expect(w.parses()).toBe(1);
    expect(readdirSync(join(w.env.HOME, '.cache', 'pwt', 'usage'))).toHaveLength(1);
  });

  it('reads the file again once the vendor added to it', async () => {
    const w = world();
    const before = await usageOfFile(w.file, w.counted, w.env);
    const turn = {
      type: 'message',
      id: 'added',
      message: { role: 'assistant', model: 'm', usage: { input: 7, output: 5, cacheRead: 0, cacheWrite: 0, cost: { total: 0.5 } } },
    };
    appendFileSync(w.file, `${JSON.stringify(turn)}\n`);
    const after = await usageOfFile(w.file, w.counted, w.env);
    expect(w.parses()).toBe(2);
    expect(after.output).toBe(before.output + 5);
    expect(after.input).toBe(before.input + 7);
  });

  it('a torn cache file, or no cache folder at all, only costs the parse', async () => {
    const w = world();
    await usageOfFile(w.file, w.counted, w.env);
    const dir = join(w.env.HOME, '.cache', 'pwt', 'usage');
    writeFileSync(join(dir, readdirSync(dir)[0]!), '{"file": ');
    expect((await usageOfFile(w.file, w.counted, w.env)).output).toBeGreaterThan(0);
    expect(w.parses()).toBe(2);
    const noHome = await usageOfFile(w.file, w.counted, {});
    expect(noHome.output).toBeGreaterThan(0);
    expect(w.parses()).toBe(3);
    expect(existsSync(join(w.root, '.cache'))).toBe(false);
  });

  it('several files (a database and its log): parsed again when any of them changes, not when a missing one appears empty', async () => {
    const w = world();
    const log = join(w.root, 'session.jsonl-wal');
    const read = () => usageOfFiles('store session-1', [w.file, log], () => w.counted(w.file), w.env);
    const direct = await piUsage(w.file);
    expect(await read()).toEqual(direct);
    writeFileSync(log, '');
    expect(await read()).toEqual(direct);
    expect(w.parses()).toBe(1);
    writeFileSync(log, 'frame');
    await read();
    expect(w.parses()).toBe(2);
    // Kept by name: another session of the same files has its own figure.
    await usageOfFiles('store session-2', [w.file, log], () => w.counted(w.file), w.env);
    expect(w.parses()).toBe(3);
    await read();
    expect(w.parses()).toBe(3);
  });
});
