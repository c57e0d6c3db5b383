import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeAtomic } from '../../../manifest/store.js';

/** One of the per-agent state files (`.screen.json`, `.limit.json`, `.limit-seen.json`), or null when it is missing or torn. */
export function readStateFile<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Writes a per-agent state file: no fsync, and a failure is ignored (a lost or torn file only costs the next reader its source). */
export function writeStateFile(file: string, value: unknown): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeAtomic(file, `${JSON.stringify(value)}\n`, 0o644, { durable: false });
  } catch {
    // A vanished agents folder: the next call reads the source again.
  }
}
