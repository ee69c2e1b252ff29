/**
 * Percentiles by nearest rank: the smallest observed value with at least p % of the values at
 * or below it. Unlike interpolation, the answer is always a real item's time, so "85 % of cards
 * finished within N days" is literally true of the data.
 */
export function percentile(sortedAsc: readonly number[], p: number): number | null {
  if (sortedAsc.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sortedAsc.length));
  return sortedAsc[rank - 1];
}

export interface Percentiles {
  count: number;
  p50: number | null;
  p70: number | null;
  p85: number | null;
  p95: number | null;
}

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p70: percentile(sorted, 70),
    p85: percentile(sorted, 85),
    p95: percentile(sorted, 95)
  };
}
