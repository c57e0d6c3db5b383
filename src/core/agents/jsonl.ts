import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Streams a JSONL file record by record without loading it whole. A raw line
 * break cannot occur inside a JSON string, so splitting lines is safe; a line that does not
 * parse (a half-written last line, a file still growing) is skipped.
 */
export async function* readJsonl(file: string): AsyncGenerator<Record<string, unknown>> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof record === 'object' && record !== null && !Array.isArray(record)) yield record as Record<string, unknown>;
  }
}
