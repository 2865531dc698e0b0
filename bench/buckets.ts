// Arrivals per fixed-width time bucket, counted by the bench server on its own clock, and
// the ideal count per bucket for a piecewise-linear rate. Pure and dependency-free (the
// server process imports it).

/** Counts events per bucket of `bucketMs`, bucket 0 starting at the first event. */
export class BucketCounter {
  private readonly counts: Uint32Array;
  /** Events at or after the last bucket's end (counted, not bucketed). */
  beyond = 0;

  constructor(
    readonly bucketMs: number,
    maxBuckets: number,
  ) {
    if (!(bucketMs > 0) || !Number.isInteger(maxBuckets) || maxBuckets < 1) {
      throw new Error(`BucketCounter: bucketMs ${bucketMs} must be > 0 and maxBuckets ${maxBuckets} a positive integer`);
    }
    this.counts = new Uint32Array(maxBuckets);
  }

  /** One event, `msSinceFirst` after the first one (>= 0). */
  add(msSinceFirst: number): void {
    const k = Math.floor(msSinceFirst / this.bucketMs);
    if (k >= 0 && k < this.counts.length) this.counts[k] = (this.counts[k] as number) + 1;
    else this.beyond++;
  }

  /** Counts up to the last non-empty bucket. */
  toArray(): number[] {
    let end = this.counts.length;
    while (end > 0 && this.counts[end - 1] === 0) end--;
    return Array.from(this.counts.subarray(0, end));
  }
}

/** A linear piece of a rate: from `fromRps` to `toRps` over `durationMs`. */
export interface RateSegment {
  durationMs: number;
  fromRps: number;
  toRps: number;
}

/** Requests due between 0 and `ms` for the segments run one after another: the integral of the rate. */
export function dueBy(segments: readonly RateSegment[], ms: number): number {
  let start = 0;
  let total = 0;
  for (const { durationMs, fromRps, toRps } of segments) {
    const t = Math.min(Math.max(ms - start, 0), durationMs);
    // Integral of fromRps + (toRps - fromRps) * u / durationMs over u in [0, t], in requests (rates per second).
    total += (fromRps * t + ((toRps - fromRps) * t * t) / (2 * durationMs)) / 1000;
    start += durationMs;
  }
  return total;
}

/** The ideal count in each bucket [k * bucketMs, (k + 1) * bucketMs) over the segments' whole length. */
export function idealPerBucket(segments: readonly RateSegment[], bucketMs: number): number[] {
  const totalMs = segments.reduce((sum, s) => sum + s.durationMs, 0);
  const buckets = Math.ceil(totalMs / bucketMs - 1e-9);
  return Array.from({ length: buckets }, (_, k) => dueBy(segments, (k + 1) * bucketMs) - dueBy(segments, k * bucketMs));
}

export interface BucketComparison {
  counts: number[];
  ideal: number[];
  /** (count - ideal) / ideal in percent, per bucket of the ideal. */
  errorPercent: number[];
  /** The judged buckets (all but the first): the one with the largest |error|. */
  worst: { bucket: number; count: number; ideal: number; errorPercent: number } | null;
  /** Arrivals counted after the ideal's last bucket. */
  extra: number;
}

/** Compares counted arrivals per bucket with the ideal; the first bucket is reported, not judged. */
export function compareBuckets(counts: readonly number[], ideal: readonly number[]): BucketComparison {
  const errorPercent = ideal.map((want, k) => (((counts[k] ?? 0) - want) / want) * 100);
  let worst: BucketComparison['worst'] = null;
  for (let k = 1; k < ideal.length; k++) {
    const error = errorPercent[k] as number;
    if (worst === null || Math.abs(error) > Math.abs(worst.errorPercent)) {
      worst = { bucket: k, count: counts[k] ?? 0, ideal: ideal[k] as number, errorPercent: error };
    }
  }
  const extra = counts.slice(ideal.length).reduce((sum, c) => sum + c, 0);
  return { counts: [...counts], ideal: [...ideal], errorPercent, worst, extra };
}
