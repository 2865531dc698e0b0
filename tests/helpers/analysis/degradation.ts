// Does latency change over a run? The half-split figure (second-half P95 against
// first-half P95) plus tests that tell a real trend from noise. Pure.
import { errorFunction, sampleRankCorrelation, wilcoxonRankSum } from 'simple-statistics';
import type { LatencySeries } from '#engine';
import { percentChange, percentile, sortedValues } from '#engine';

export interface DegradationWindow {
  /** Intended start range covered, ms from the run start. */
  startMs: number;
  endMs: number;
  count: number;
  /** NaN when the window has no samples. */
  p95Ms: number;
}

export interface DegradationAnalysis {
  sampleCount: number;
  firstHalfP95Ms: number;
  secondHalfP95Ms: number;
  /** (second - first) / first * 100: the "performance degradation" of the half split. */
  degradationPercent: number;
  windows: DegradationWindow[];
  /** Spearman rank correlation of latency with time (-1..1; NaN when either is constant). */
  spearmanRho: number;
  firstThirdMedianMs: number;
  lastThirdMedianMs: number;
  /** Normal approximation of the Wilcoxon rank-sum statistic (tie-corrected), first vs last third. */
  wilcoxonZ: number;
  /** Two-sided p-value for "first and last thirds come from the same distribution". */
  pValue: number;
  /** p < alpha. */
  significant: boolean;
  trend: 'insufficient_data' | 'stable' | 'rising' | 'falling';
  verdict: string;
  /** Requests not analysed, by error class, and why (from analyzeDegradation; absent for a bare series). */
  leftOut?: { count: number; byClass: Record<string, number>; reason: string };
}

export interface DegradationOptions {
  /** Number of equal-time windows in the P95 series. Default 10. */
  windows?: number;
  /** Significance level. Default 0.01. */
  alpha?: number;
}

/** Fewer samples per third than this give no verdict (the normal approximation needs some). */
const MIN_PER_THIRD = 8;

/** Results or anything with their latency series. */
export interface HasLatencySeries {
  latencySeries(of: 'accepted'): LatencySeries;
}

/**
 * Degradation over the accepted requests only: a rate limiter's fast 429s early in a run
 * (or errors) would otherwise look like latency rising. What was left out is reported.
 */
export function analyzeDegradation(results: HasLatencySeries, options: DegradationOptions = {}): DegradationAnalysis {
  const { timesMs, latenciesMs, leftOut } = results.latencySeries('accepted');
  const analysis = analyzeLatencySeries(timesMs, latenciesMs, options);
  const count = Object.values(leftOut).reduce((sum, n) => sum + n, 0);
  if (count === 0) return { ...analysis, leftOut: { count, byClass: leftOut, reason: 'none left out' } };
  const classes = Object.entries(leftOut)
    .map(([name, n]) => `${name} x${n}`)
    .join(', ');
  const reason = `${count} answers left out (${classes}): only successes measure the service's processing time`;
  return { ...analysis, verdict: `${analysis.verdict}; ${reason}`, leftOut: { count, byClass: leftOut, reason } };
}

/** Standard normal CDF. */
function normalCdf(z: number): number {
  return 0.5 * (1 + errorFunction(z / Math.SQRT2));
}

/**
 * Wilcoxon rank-sum (Mann-Whitney) test, normal approximation with tie and
 * continuity corrections. Returns z (positive when `y` tends to be larger) and
 * the two-sided p-value.
 */
export function rankSumTest(x: readonly number[], y: readonly number[]): { z: number; pValue: number } {
  const n1 = x.length;
  const n2 = y.length;
  const n = n1 + n2;
  const rankSumX = wilcoxonRankSum([...x], [...y]);
  const expected = (n1 * (n + 1)) / 2;
  // Tie correction: sum of t^3 - t over groups of equal values.
  const pooled = sortedValues([...x, ...y]);
  let ties = 0;
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && pooled[j] === pooled[i]) j++;
    const t = j - i;
    ties += t * t * t - t;
    i = j;
  }
  const variance = ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1)));
  if (!(variance > 0)) return { z: 0, pValue: 1 };
  const diff = expected - rankSumX; // > 0 when x ranks low, i.e. y is larger
  const corrected = Math.sign(diff) * Math.max(0, Math.abs(diff) - 0.5);
  const z = corrected / Math.sqrt(variance);
  const pValue = Math.min(1, Math.max(0, 2 * (1 - normalCdf(Math.abs(z)))));
  return { z, pValue };
}

export function analyzeLatencySeries(
  timesMs: ArrayLike<number>,
  latenciesMs: ArrayLike<number>,
  options: DegradationOptions = {},
): DegradationAnalysis {
  const windowCount = options.windows ?? 10;
  const alpha = options.alpha ?? 0.01;
  if (timesMs.length !== latenciesMs.length) {
    throw new RangeError(`timesMs (${timesMs.length}) and latenciesMs (${latenciesMs.length}) must have the same length`);
  }
  if (!Number.isInteger(windowCount) || windowCount < 1) {
    throw new RangeError(`windows must be a positive integer, got ${windowCount}`);
  }
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be between 0 and 1, got ${alpha}`);

  // Order by time (send order already is; synthetic input may not be).
  const n = timesMs.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (timesMs[a] as number) - (timesMs[b] as number));
  const times = order.map((i) => timesMs[i] as number);
  const latencies = order.map((i) => latenciesMs[i] as number);

  const half = Math.floor(n / 2);
  const firstHalfP95Ms = percentile(sortedValues(latencies.slice(0, half)), 0.95);
  const secondHalfP95Ms = percentile(sortedValues(latencies.slice(half)), 0.95);

  const windows: DegradationWindow[] = [];
  if (n > 0) {
    const start = times[0] as number;
    const span = (times[n - 1] as number) - start;
    const width = span / windowCount;
    const buckets: number[][] = Array.from({ length: windowCount }, () => []);
    for (let i = 0; i < n; i++) {
      const w = width > 0 ? Math.min(windowCount - 1, Math.floor(((times[i] as number) - start) / width)) : 0;
      (buckets[w] as number[]).push(latencies[i] as number);
    }
    buckets.forEach((bucket, w) =>
      windows.push({
        startMs: start + w * width,
        endMs: start + (w + 1) * width,
        count: bucket.length,
        p95Ms: percentile(sortedValues(bucket), 0.95),
      }),
    );
  }

  const third = Math.floor(n / 3);
  const first = latencies.slice(0, third);
  const last = latencies.slice(n - third);
  const base = {
    sampleCount: n,
    firstHalfP95Ms,
    secondHalfP95Ms,
    degradationPercent: percentChange(firstHalfP95Ms, secondHalfP95Ms),
    windows,
    firstThirdMedianMs: percentile(sortedValues(first), 0.5),
    lastThirdMedianMs: percentile(sortedValues(last), 0.5),
  };
  if (third < MIN_PER_THIRD) {
    return {
      ...base,
      spearmanRho: Number.NaN,
      wilcoxonZ: Number.NaN,
      pValue: Number.NaN,
      significant: false,
      trend: 'insufficient_data',
      verdict: `insufficient data: ${n} latency samples (need at least ${3 * MIN_PER_THIRD} to test for a trend)`,
    };
  }

  const spearmanRho = sampleRankCorrelation(times, latencies);
  const { z, pValue } = rankSumTest(first, last);
  const significant = pValue < alpha;
  const trend = !significant ? 'stable' : z > 0 ? 'rising' : 'falling';
  const figures =
    `first-third median ${base.firstThirdMedianMs.toFixed(1)} ms, last-third median ${base.lastThirdMedianMs.toFixed(1)} ms ` +
    `(Wilcoxon p=${formatP(pValue)}), Spearman rho=${Number.isNaN(spearmanRho) ? 'n/a' : spearmanRho.toFixed(2)}, ` +
    `second-half P95 ${signed(base.degradationPercent)} vs first half`;
  const verdict =
    trend === 'stable'
      ? `stable: no significant change in latency over the run (${figures})`
      : trend === 'rising'
        ? `latency rises over the run, beyond noise (${figures})`
        : `latency falls over the run, beyond noise (${figures})`;
  return { ...base, spearmanRho, wilcoxonZ: z, pValue, significant, trend, verdict };
}

function formatP(p: number): string {
  return p < 0.0001 ? '<0.0001' : p.toFixed(4);
}

function signed(percent: number): string {
  if (!Number.isFinite(percent)) return 'n/a';
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(1)}%`;
}
