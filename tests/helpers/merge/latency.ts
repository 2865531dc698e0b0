// A latency distribution that merges exactly: its count, sum, min and max as
// numbers, the values themselves when they fit (exact percentiles), and an
// HdrHistogram (hdr-histogram-js, microseconds, 3 significant digits: every value
// within 0.1 % of its bucket) that merges by adding buckets, for any count. Pure.
import * as hdr from 'hdr-histogram-js';
import { latencyStats, type LatencyStats } from '#engine';

/** Values kept one by one up to this many per distribution; past it, only the histogram. */
export const MAX_KEPT_VALUES = 100_000;
/** The histogram's precision: 3 significant digits. */
export const SIGNIFICANT_DIGITS = 3;
/** Highest value the histogram tracks: one hour, in microseconds (higher values are clamped). */
const HIGHEST_US = 3_600_000_000;

/** One distribution as a result file keeps it (ms). */
export interface LatencyRecord {
  count: number;
  /** Sum of the values, ms (the mean merges exactly). */
  sumMs: number;
  /** null when count is 0. */
  minMs: number | null;
  maxMs: number | null;
  /** Every value, ms rounded to 1 µs; null when there were more than MAX_KEPT_VALUES. */
  valuesMs: number[] | null;
  /** The HdrHistogram of the values in µs, compressed (HdrHistogram's own encoding, base64). */
  histogram: string;
}

function newHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: SIGNIFICANT_DIGITS });
}

function micros(ms: number): number {
  return Math.min(HIGHEST_US, Math.max(0, Math.round(ms * 1000)));
}

const roundUs = (ms: number): number => Math.round(ms * 1000) / 1000;

/** The record of `values` (ms). */
export function latencyRecord(values: ArrayLike<number>): LatencyRecord {
  const histogram = newHistogram();
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    histogram.recordValue(micros(value));
    sum += value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const count = values.length;
  const record: LatencyRecord = {
    count,
    sumMs: sum,
    minMs: count === 0 ? null : min,
    maxMs: count === 0 ? null : max,
    valuesMs: count <= MAX_KEPT_VALUES ? Array.from(values, roundUs) : null,
    histogram: hdr.encodeIntoCompressedBase64(histogram),
  };
  histogram.destroy();
  return record;
}

/** One record of several: counts, sums and histograms added; the values joined while every part kept its own and they fit. */
export function mergeLatency(records: readonly LatencyRecord[]): LatencyRecord {
  const histogram = newHistogram();
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let values: number[] | null = [];
  for (const record of records) {
    const part = hdr.decodeFromCompressedBase64(record.histogram);
    histogram.add(part);
    part.destroy();
    count += record.count;
    sum += record.sumMs;
    if (record.minMs !== null && record.minMs < min) min = record.minMs;
    if (record.maxMs !== null && record.maxMs > max) max = record.maxMs;
    values =
      values === null || record.valuesMs === null || values.length + record.valuesMs.length > MAX_KEPT_VALUES
        ? null
        : values.concat(record.valuesMs);
  }
  const merged: LatencyRecord = {
    count,
    sumMs: sum,
    minMs: count === 0 ? null : min,
    maxMs: count === 0 ? null : max,
    valuesMs: values,
    histogram: hdr.encodeIntoCompressedBase64(histogram),
  };
  histogram.destroy();
  return merged;
}

/**
 * The summary's statistics of a record: exact (as the engine computes them) from the values when
 * they were kept; else count, mean, min and max exact and percentiles from the histogram (within
 * 0.1 % of the value at that rank, HdrHistogram's precision at 3 digits).
 */
export function statsOf(record: LatencyRecord): LatencyStats & { exact: boolean } {
  if (record.valuesMs !== null && record.valuesMs.length === record.count) return { ...latencyStats(record.valuesMs), exact: true };
  if (record.count === 0) return { ...latencyStats([]), exact: true };
  const histogram = hdr.decodeFromCompressedBase64(record.histogram);
  const at = (percent: number): number => histogram.getValueAtPercentile(percent) / 1000;
  const stats = {
    count: record.count,
    minMs: record.minMs as number,
    meanMs: record.sumMs / record.count,
    medianMs: at(50),
    p50Ms: at(50),
    p90Ms: at(90),
    p95Ms: at(95),
    p99Ms: at(99),
    maxMs: record.maxMs as number,
    exact: false,
  };
  histogram.destroy();
  return stats;
}
