// Pure arithmetic behind the benchmark figures.
import { percentile, sortedValues } from '#engine';

/** Median of the values (NaN for none); figures are quoted as the median of their repetitions. */
export function median(values: readonly number[]): number {
  return percentile(sortedValues(values), 0.5);
}

/** Rate between the first and the last event: (count - 1) / span. NaN below two events. */
export function rateFromSpan(count: number, spanMs: number): number {
  return count >= 2 && spanMs > 0 ? ((count - 1) * 1000) / spanMs : Number.NaN;
}

/** Signed error of `achieved` against `target`, in percent. */
export function rateErrorPercent(achieved: number, target: number): number {
  return ((achieved - target) / target) * 100;
}

export interface StallPlan {
  requestsPerSecond: number;
  totalRequests: number;
  /** The stall starts this long after the first request... */
  stallAtMs: number;
  /** ...and holds every answer due in it until it ends. */
  stallMs: number;
  /** What an unstalled request takes (0 to ignore). */
  baseMs: number;
}

/**
 * Latencies an ideal (coordinated-omission-free) measurement reports for an open
 * model at `requestsPerSecond` when the server holds every request arriving in the
 * stall until it ends: request i, due at i / rate, waits stallEnd - due if it falls
 * in the stall, nothing more otherwise.
 */
export function idealLatencies(plan: StallPlan): Float64Array {
  const stallEnd = plan.stallAtMs + plan.stallMs;
  const latencies = new Float64Array(plan.totalRequests);
  for (let i = 0; i < plan.totalRequests; i++) {
    const due = (i * 1000) / plan.requestsPerSecond;
    latencies[i] = plan.baseMs + (due >= plan.stallAtMs && due < stallEnd ? stallEnd - due : 0);
  }
  return latencies;
}

/** Quantile p (0..1) of unsorted values, type 7 like the engine's summary. */
export function quantile(values: ArrayLike<number>, p: number): number {
  return percentile(sortedValues(values), p);
}

/** A deterministic pseudo-random stream in [0, 1) (mulberry32), so a figure or a failure reproduces. */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` log-normal latencies around `medianMs` with a slow tail, as a service answers; the same for the same seed. */
export function lognormalLatencies(count: number, medianMs: number, seed: number): number[] {
  const next = seededRandom(seed);
  return Array.from(
    { length: count },
    () => medianMs * Math.exp(0.6 * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())),
  );
}
