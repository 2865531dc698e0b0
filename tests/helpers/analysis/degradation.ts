// Does latency change over a run? The figure judged, `degradationPercent`, is the change
// from the run's start to its end: a straight line fitted to latency against intended start
// time over the successes, by Theil–Sen (the slope is the median of the slopes between every
// two requests, the line goes through the median of what is left), read at the first and the
// last intended start, the change relative to the start. A line, because degradation is a
// change over time, and a line read at both ends measures all of it: a latency that doubles
// over the run reads +100 %, where the second half's P95 against the first half's (what this
// figure used to be) reads about +35 % and the last tenth of the run against the first about
// +85 %. Theil–Sen rather than least squares because it follows the bulk of the requests: up
// to 29 % of them may be arbitrarily slow (a pause, a few timeouts' neighbours) without moving
// it, and on a stable service it stays closer to zero than window medians do. It measures the
// typical request, not the tail: the per-window P95 series and the half-split P95 (kept, as
// the former figure) show the tail.
// A change smaller than a floor in milliseconds (DEGRADATION_FLOOR_MS, 5 ms by default) is
// not degradation, whatever its percentage: a 1 ms service that answers in 2.5 ms by the end
// has moved by less than what the client's own scheduling adds. Beside the figure, tests that
// tell a real trend from noise (Spearman's rank correlation with time, a rank-sum test of the
// first third against the last). Pure.
import { errorFunction, medianSorted, sampleRankCorrelation, wilcoxonRankSum } from 'simple-statistics';
import type { LatencySeries } from '#engine';
import { percentChange, percentile, sortedValues } from '#engine';
import { mulberry32 } from './bootstrap.ts';

/** A change of latency from the run's start to its end smaller than this (ms) is not degradation. */
export const DEGRADATION_FLOOR_MS = 5;

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
  /** The fitted trend (Theil–Sen) at the first intended start: latency at the run's start, ms (NaN without two distinct times). */
  trendStartMs: number;
  /** The fitted trend at the last intended start: latency at the run's end, ms. */
  trendEndMs: number;
  /** Slope of the trend, ms of latency per minute of run. */
  trendSlopeMsPerMinute: number;
  /** trendEndMs - trendStartMs. */
  changeMs: number;
  /** changeMs / trendStartMs * 100, as measured, whatever the floor. */
  changePercent: number;
  /** A change (either way) of fewer ms than this counts as none. */
  floorMs: number;
  /** The verdict's figure: changePercent, or 0 when |changeMs| is under floorMs (NaN when not measured). */
  degradationPercent: number;
  /** The former figure, kept for comparison with earlier reports: P95 of the run's first half of the successes. */
  firstHalfP95Ms: number;
  secondHalfP95Ms: number;
  /** The former figure: (secondHalfP95Ms - firstHalfP95Ms) / firstHalfP95Ms * 100 (halves dilute a trend: not judged). */
  halfSplitP95Percent: number;
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
  /** A change from start to end smaller than this many ms is not degradation. Default DEGRADATION_FLOOR_MS. */
  floorMs?: number;
}

/** Up to this many successes, Theil–Sen takes the slope of every pair; beyond, of SAMPLED_PAIRS pairs drawn with a fixed seed. */
const MAX_EXACT_POINTS = 1000;
const SAMPLED_PAIRS = 500_000;

/** Median of numbers (NaN for none). */
function medianOf(values: Float64Array): number {
  return values.length === 0 ? Number.NaN : medianSorted(Array.from(values.sort()));
}

/**
 * Theil–Sen line through (x, y): the slope is the median of the pairwise slopes (pairs with
 * equal x left out), the intercept the median of y - slope * x. Exact up to MAX_EXACT_POINTS
 * points; beyond, the slopes of SAMPLED_PAIRS random pairs (deterministic). NaN without two
 * distinct x.
 */
export function theilSen(x: ArrayLike<number>, y: ArrayLike<number>): { slope: number; intercept: number } {
  const n = x.length;
  const slopes: number[] = [];
  const slopeOf = (i: number, j: number) => {
    const dx = (x[j] as number) - (x[i] as number);
    if (dx !== 0) slopes.push(((y[j] as number) - (y[i] as number)) / dx);
  };
  if (n <= MAX_EXACT_POINTS) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) slopeOf(i, j);
  } else {
    const random = mulberry32(1);
    for (let k = 0; k < SAMPLED_PAIRS; k++) slopeOf(Math.floor(random() * n), Math.floor(random() * n));
  }
  if (slopes.length === 0) return { slope: Number.NaN, intercept: Number.NaN };
  const slope = medianOf(Float64Array.from(slopes));
  const residuals = new Float64Array(n);
  for (let i = 0; i < n; i++) residuals[i] = (y[i] as number) - slope * (x[i] as number);
  return { slope, intercept: medianOf(residuals) };
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
  const floorMs = options.floorMs ?? DEGRADATION_FLOOR_MS;
  if (!(floorMs >= 0 && Number.isFinite(floorMs))) throw new RangeError(`floorMs must be a number of ms >= 0, got ${floorMs}`);

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

  const trend = startToEnd(times, latencies, floorMs);
  const third = Math.floor(n / 3);
  const first = latencies.slice(0, third);
  const last = latencies.slice(n - third);
  const base = {
    sampleCount: n,
    ...trend,
    firstHalfP95Ms,
    secondHalfP95Ms,
    halfSplitP95Percent: percentChange(firstHalfP95Ms, secondHalfP95Ms),
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
      verdict:
        `insufficient data: ${n} latency samples (need at least ${3 * MIN_PER_THIRD} to test for a trend); ` +
        `start to end ${describeChange(base)}`,
    };
  }

  const spearmanRho = sampleRankCorrelation(times, latencies);
  const { z, pValue } = rankSumTest(first, last);
  const significant = pValue < alpha;
  const direction = !significant ? 'stable' : z > 0 ? 'rising' : 'falling';
  const figures =
    `start to end ${describeChange(base)}; ` +
    `first-third median ${base.firstThirdMedianMs.toFixed(1)} ms, last-third median ${base.lastThirdMedianMs.toFixed(1)} ms ` +
    `(Wilcoxon p=${formatP(pValue)}), Spearman rho=${Number.isNaN(spearmanRho) ? 'n/a' : spearmanRho.toFixed(2)}; ` +
    `former figure: second-half P95 ${signed(base.halfSplitP95Percent)} vs first half`;
  const verdict =
    direction === 'stable'
      ? `stable: no significant change in latency over the run (${figures})`
      : direction === 'rising'
        ? `latency rises over the run, beyond noise (${figures})`
        : `latency falls over the run, beyond noise (${figures})`;
  return { ...base, spearmanRho, wilcoxonZ: z, pValue, significant, trend: direction, verdict };
}

type StartToEnd = Pick<
  DegradationAnalysis,
  'trendStartMs' | 'trendEndMs' | 'trendSlopeMsPerMinute' | 'changeMs' | 'changePercent' | 'floorMs' | 'degradationPercent'
>;

/**
 * The Theil–Sen trend of latency over intended start time (sorted by time), read at the first
 * and last intended start and kept within the latencies seen (a line may not claim a latency
 * below the fastest answer or above the slowest); the change, and the figure under the floor.
 */
function startToEnd(times: readonly number[], latencies: readonly number[], floorMs: number): StartToEnd {
  const n = times.length;
  const t0 = n > 0 ? (times[0] as number) : 0;
  const { slope, intercept } = theilSen(
    times.map((t) => t - t0),
    latencies,
  );
  let lowest = Number.POSITIVE_INFINITY;
  let highest = Number.NEGATIVE_INFINITY;
  for (const latency of latencies) {
    lowest = Math.min(lowest, latency);
    highest = Math.max(highest, latency);
  }
  const at = (t: number) => Math.min(highest, Math.max(lowest, intercept + slope * (t - t0)));
  const trendStartMs = Number.isFinite(slope) ? at(t0) : Number.NaN;
  const trendEndMs = Number.isFinite(slope) ? at(times[n - 1] as number) : Number.NaN;
  const changeMs = trendEndMs - trendStartMs;
  const changePercent = percentChange(trendStartMs, trendEndMs);
  const degradationPercent = Number.isFinite(changePercent) && Math.abs(changeMs) < floorMs ? 0 : changePercent;
  return { trendStartMs, trendEndMs, trendSlopeMsPerMinute: slope * 60_000, changeMs, changePercent, floorMs, degradationPercent };
}

/** "35.2 ms -> 70.4 ms (+100.0%, +35.2 ms), fitted trend", and what the floor made of it. */
function describeChange(c: StartToEnd): string {
  if (!Number.isFinite(c.changeMs)) return 'not measured (fewer than two requests at distinct times)';
  const ms = `${c.changeMs >= 0 ? '+' : ''}${c.changeMs.toFixed(1)} ms`;
  const text = `${c.trendStartMs.toFixed(1)} ms -> ${c.trendEndMs.toFixed(1)} ms (${signed(c.changePercent)}, ${ms}) on the fitted trend`;
  return Math.abs(c.changeMs) < c.floorMs && c.changePercent !== 0
    ? `${text}, under the ${c.floorMs} ms floor: counted as no change (0%)`
    : text;
}

function formatP(p: number): string {
  return p < 0.0001 ? '<0.0001' : p.toFixed(4);
}

function signed(percent: number): string {
  if (!Number.isFinite(percent)) return 'n/a';
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(1)}%`;
}
