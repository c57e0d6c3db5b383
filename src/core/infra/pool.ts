import { availableParallelism } from 'node:os';

/** Runs fn over items with at most `limit` in flight; results keep the input order. */
export async function mapPool<T, R>(items: readonly T[], fn: (item: T) => Promise<R>, limit = defaultLimit()): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** git status is mostly I/O; a few more workers than cores keeps both busy. */
function defaultLimit(): number {
  return Math.max(2, Math.min(8, availableParallelism() * 2));
}
