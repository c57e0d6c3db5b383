import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

/**
 * Streams a JSONL file (or any readable, e.g. a decompressed .jsonl.zst)
 * record by record without loading it whole. A raw line break cannot occur
 * inside a JSON string, so splitting lines is safe; a line that does not
 * parse (a half-written last line, a file still growing) is skipped.
 * `keep` can reject a line before it is parsed: on large files, not parsing
 * the bookkeeping records saves most of the time and garbage.
 */
export async function* readJsonl(source: string | Readable, keep?: (line: string) => boolean): AsyncGenerator<Record<string, unknown>> {
  // Loaded here, not at the top: `pwt agent list` loads this module and most calls find no transcript to read.
  const { createInterface } = await import('node:readline');
  const input = typeof source === 'string' ? createReadStream(source, { encoding: 'utf8' }) : source;
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (!line.trim() || (keep && !keep(line))) continue;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        continue;
      }
      if (typeof record === 'object' && record !== null && !Array.isArray(record)) yield record as Record<string, unknown>;
    }
  } finally {
    // A caller that stops early (only the header wanted) must not leave the file open.
    lines.close();
    input.destroy();
  }
}
