// Exact statistics over all samples (no histograms, no sampling). Pure.
import { mean, medianSorted, quantileSorted } from 'simple-statistics';

/** Latency distribution in ms. Every field is NaN when count is 0. */
export interface LatencyStats {
  count: number;
  minMs: number;
  meanMs: number;
  medianMs: number;
  p50Ms: number;
  p90Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Ascending copy as a plain array (what simple-statistics expects), via a fast typed-array sort. */
export function sortedValues(values: ArrayLike<number>): number[] {
  return Array.from(Float64Array.from(values).sort());
}

/**
 * Quantile `p` (0..1) of ascending `sorted`, by linear interpolation between
 * closest ranks (R type 7, numpy's default). NaN for an empty list.
 */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? Number.NaN : quantileSorted(sorted, p);
}

export function latencyStats(values: ArrayLike<number>): LatencyStats {
  const sorted = sortedValues(values);
  const n = sorted.length;
  if (n === 0) {
    const nan = Number.NaN;
    return { count: 0, minMs: nan, meanMs: nan, medianMs: nan, p50Ms: nan, p90Ms: nan, p95Ms: nan, p99Ms: nan, maxMs: nan };
  }
  const median = medianSorted(sorted);
  return {
    count: n,
    minMs: sorted[0] as number,
    meanMs: mean(sorted),
    medianMs: median,
    p50Ms: median,
    p90Ms: quantileSorted(sorted, 0.9),
    p95Ms: quantileSorted(sorted, 0.95),
    p99Ms: quantileSorted(sorted, 0.99),
    maxMs: sorted[n - 1] as number,
  };
}

/** Percentage change from `before` to `after` (NaN when before is 0 or not finite). */
export function percentChange(before: number, after: number): number {
  return before > 0 && Number.isFinite(before) ? ((after - before) / before) * 100 : Number.NaN;
}
