import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect } from 'vitest';

/**
 * A snapshot kept as a plain file (test/snapshots/...), compared exactly.
 * Not vitest's toMatchSnapshot: bun test names its snapshot entries
 * differently, and one file per output reads better in a diff.
 * UPDATE_SNAPSHOTS=1 rewrites the file instead of comparing.
 */
export function expectToMatchFile(actual: string, file: string): void {
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`No snapshot ${file}: run the test once with UPDATE_SNAPSHOTS=1 and review the file.`);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}
