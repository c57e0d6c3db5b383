import type { Usage } from '../core/agents/usage.js';

const tokens = (n: number): string => (n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)}M` : n >= 1_000 ? `${(n / 1_000).toFixed(1)}k` : String(n));

/** "12.3k in, 4.5k out, 1.2k cached" for a table cell; '-' when unknown. */
export function usageTokens(usage: Usage | undefined): string {
  return usage ? `${tokens(usage.input)} in, ${tokens(usage.output)} out, ${tokens(usage.cached)} cached` : '-';
}

/** "$0.0512", or '-' when no cost is known (a model the price table lacks, or copilot's subscription). */
export function usageCost(usage: Usage | undefined): string {
  if (usage?.costUsd === undefined) return '-';
  return `$${usage.costUsd < 0.01 && usage.costUsd > 0 ? usage.costUsd.toFixed(4) : usage.costUsd.toFixed(2)}`;
}

/** The closing line of a run's table: what all its agents used together. */
export function usageTotalLine(usage: Usage | undefined): string | null {
  return usage ? `usage: ${usageTokens(usage)}${usage.costUsd === undefined ? '' : `, ${usageCost(usage)}`}` : null;
}
