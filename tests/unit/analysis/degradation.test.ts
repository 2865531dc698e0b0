import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../helpers/analysis/bootstrap.ts';
import { analyzeDegradation, analyzeLatencySeries, rankSumTest } from '../../helpers/analysis/degradation.ts';
import { ErrorCode } from '../../helpers/engine/errors.ts';
import { LoadTestResults } from '../../helpers/engine/results.ts';
import { SampleStore } from '../../helpers/engine/samples.ts';

/** Deterministic pseudo-random noise in [0, 1). */
const noise = mulberry32;

function series(n: number, latencyAt: (i: number, r: number) => number, seed = 1) {
  const random = noise(seed);
  const times = Array.from({ length: n }, (_, i) => i * 100);
  const latencies = times.map((_, i) => latencyAt(i, random()));
  return { times, latencies };
}

describe('rankSumTest', () => {
  it('matches a hand-computed normal approximation', () => {
    // x = 1..5, y = 6..10: W = 15, E = 27.5, var = 25/12 * 11; z = (12.5 - 0.5) / sqrt(22.9167) = 2.5067
    const { z, pValue } = rankSumTest([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(z).toBeCloseTo(2.5067, 3);
    expect(pValue).toBeCloseTo(0.0122, 3);
  });

  it('applies the tie correction and gives p = 1 for identical samples', () => {
    expect(rankSumTest([5, 5, 5], [5, 5, 5]).pValue).toBe(1);
    const tied = rankSumTest([1, 2, 2, 3], [2, 3, 3, 4]);
    expect(tied.pValue).toBeGreaterThan(0.05);
    expect(tied.z).toBeGreaterThan(0);
  });
});

describe('analyzeLatencySeries', () => {
  it('finds a rising series: seed figure, windows, correlation and a significant rise', () => {
    // 300 requests whose latency climbs from about 100 to 400 ms, with +-25 ms noise.
    const { times, latencies } = series(300, (i, r) => 100 + i + (r - 0.5) * 50);
    const a = analyzeLatencySeries(times, latencies);
    expect(a.sampleCount).toBe(300);
    expect(a.degradationPercent).toBeGreaterThan(50);
    expect(a.secondHalfP95Ms).toBeGreaterThan(a.firstHalfP95Ms);
    expect(a.spearmanRho).toBeGreaterThan(0.9);
    expect(a.pValue).toBeLessThan(1e-6);
    expect(a.trend).toBe('rising');
    expect(a.verdict).toMatch(/rises/);
    expect(a.windows).toHaveLength(10);
    expect(a.windows.reduce((n, w) => n + w.count, 0)).toBe(300);
    const p95s = a.windows.map((w) => w.p95Ms);
    expect(p95s[9]).toBeGreaterThan((p95s[0] as number) + 200);
  });

  it('calls a flat noisy series stable, with a small seed figure', () => {
    const { times, latencies } = series(300, (_i, r) => 200 + (r - 0.5) * 80, 7);
    const a = analyzeLatencySeries(times, latencies);
    expect(Math.abs(a.degradationPercent)).toBeLessThan(15);
    expect(Math.abs(a.spearmanRho)).toBeLessThan(0.2);
    expect(a.pValue).toBeGreaterThan(0.01);
    expect(a.significant).toBe(false);
    expect(a.trend).toBe('stable');
    expect(a.verdict).toMatch(/^stable/);
  });

  it('sees a falling series and orders unsorted input by time', () => {
    const { times, latencies } = series(90, (i) => 500 - i * 3);
    const order = times.map((_, i) => i).reverse();
    const a = analyzeLatencySeries(
      order.map((i) => times[i] as number),
      order.map((i) => latencies[i] as number),
    );
    expect(a.trend).toBe('falling');
    expect(a.degradationPercent).toBeLessThan(0);
    expect(a.spearmanRho).toBeCloseTo(-1, 10);
  });

  it('refuses a verdict on too little data', () => {
    const a = analyzeLatencySeries([0, 1, 2, 3, 4], [10, 20, 30, 40, 50]);
    expect(a.trend).toBe('insufficient_data');
    expect(a.pValue).toBeNaN();
    expect(a.degradationPercent).toBeGreaterThan(0);
  });

  it('rejects mismatched input and bad options', () => {
    expect(() => analyzeLatencySeries([1, 2], [1])).toThrow(/same length/);
    expect(() => analyzeLatencySeries([1], [1], { windows: 0 })).toThrow(/windows/);
  });
});

describe('analyzeDegradation', () => {
  it('reads corrected latencies of results, leaving out requests without a latency', () => {
    const store = new SampleStore(60, 1);
    for (let i = 0; i < 60; i++) {
      store.recordSend(i, i * 50, i * 50 + 1);
      // rising latency; every 10th request refused (no latency)
      if (i % 10 === 9) store.recordEnd(i, i * 50 + 2, 0, ErrorCode.connectionRefused);
      else store.recordEnd(i, i * 50 + 100 + i * 10, 200, ErrorCode.none);
    }
    const info = {
      url: 'http://127.0.0.1:1/',
      plannedRequests: 60,
      requestsPerSecond: 20,
      concurrency: 4,
      ticketIdStart: 1,
      startedAt: '',
      durationMs: 3000,
      endReason: 'completed' as const,
      slotWaits: 0,
    };
    const a = analyzeDegradation(new LoadTestResults(info, store, [], []));
    expect(a.sampleCount).toBe(54);
    expect(a.trend).toBe('rising');
    expect(a.spearmanRho).toBeCloseTo(1, 10);
  });
});
