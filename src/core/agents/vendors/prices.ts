/**
 * A small price table for vendors whose files record tokens but no cost
 * (claude, codex, gemini). USD per million tokens, from the vendors' public
 * price lists as of PRICES_AS_OF; standard (not batch, not long-context)
 * rates. Cache writes are counted at the input rate. Update the table and the
 * date together; a model not listed here gets no cost rather than a guess.
 */
export const PRICES_AS_OF = '2025-11';

export interface Price {
  input: number;
  output: number;
  cached: number;
}

// Exact model names; a dated snapshot (`claude-sonnet-4-5-20250929`) or `-latest` counts as its model.
// A newer version of a family is not priced as an older one: it gets no cost until it is listed.
const TABLE: Record<string, Price> = {
  'claude-opus-4-5': { input: 5, output: 25, cached: 0.5 },
  'claude-opus-4-1': { input: 15, output: 75, cached: 1.5 },
  'claude-opus-4': { input: 15, output: 75, cached: 1.5 },
  'claude-sonnet-4-5': { input: 3, output: 15, cached: 0.3 },
  'claude-sonnet-4': { input: 3, output: 15, cached: 0.3 },
  'claude-3-7-sonnet': { input: 3, output: 15, cached: 0.3 },
  'claude-3-5-sonnet': { input: 3, output: 15, cached: 0.3 },
  'claude-haiku-4-5': { input: 1, output: 5, cached: 0.1 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cached: 0.08 },
  'gpt-5': { input: 1.25, output: 10, cached: 0.125 },
  'gpt-5-codex': { input: 1.25, output: 10, cached: 0.125 },
  'gpt-5.1': { input: 1.25, output: 10, cached: 0.125 },
  'gpt-5.1-codex': { input: 1.25, output: 10, cached: 0.125 },
  'gpt-5-mini': { input: 0.25, output: 2, cached: 0.025 },
  'gpt-5-nano': { input: 0.05, output: 0.4, cached: 0.005 },
  'gpt-4.1': { input: 2, output: 8, cached: 0.5 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cached: 0.1 },
  o3: { input: 2, output: 8, cached: 0.5 },
  'o4-mini': { input: 1.1, output: 4.4, cached: 0.275 },
  'gemini-2.5-pro': { input: 1.25, output: 10, cached: 0.31 },
  'gemini-2.5-flash': { input: 0.3, output: 2.5, cached: 0.075 },
  'gemini-2.5-flash-lite': { input: 0.1, output: 0.4, cached: 0.025 },
};

/** The price of a model by its name as a vendor recorded it (`anthropic/claude-sonnet-4-5-20250929` and the like), or null. */
export function priceOf(model: string): Price | null {
  const name = model.toLowerCase().replace(/^.*\//, '');
  const base = name.replace(/(?:-\d{8}|@\d{8}|-latest)$/, '');
  return Object.hasOwn(TABLE, base) ? TABLE[base]! : null;
}
