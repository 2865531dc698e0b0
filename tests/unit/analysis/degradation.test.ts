import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../helpers/analysis/bootstrap.ts';
import {
  analyzeDegradation,
  analyzeLatencySeries,
  DEGRADATION_FLOOR_MS,
  rankSumTest,
  theilSen,
} from '../../helpers/analysis/degradation.ts';
import { evaluateThresholds } from '../../helpers/analysis/thresholds.ts';
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
  it('finds a rising series: the change start to end, windows, correlation and a significant rise', () => {
    // 300 requests whose latency climbs from about 100 to 400 ms, with +-25 ms noise.
    const { times, latencies } = series(300, (i, r) => 100 + i + (r - 0.5) * 50);
    const a = analyzeLatencySeries(times, latencies);
    expect(a.sampleCount).toBe(300);
    // 100 ms at the start, 399 ms at the end: +299 %
    expect(a.trendStartMs).toBeGreaterThan(95);
    expect(a.trendStartMs).toBeLessThan(105);
    expect(a.trendEndMs).toBeGreaterThan(394);
    expect(a.trendEndMs).toBeLessThan(404);
    expect(a.degradationPercent).toBe(a.changePercent);
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

  it('calls a flat noisy series stable, with a small change', () => {
    const { times, latencies } = series(300, (_i, r) => 200 + (r - 0.5) * 80, 7);
    const a = analyzeLatencySeries(times, latencies);
    expect(Math.abs(a.degradationPercent)).toBeLessThan(5);
    expect(Math.abs(a.halfSplitP95Percent)).toBeLessThan(15);
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

/** 0 ms, 600 ms, ...: a sustained run's intended starts at 100 requests a minute. */
function run(n: number, latencyAt: (fraction: number, r: number) => number, seed = 1) {
  return series(n, (i, r) => latencyAt(i / (n - 1), r), seed);
}

/** The sustained spec's criterion on an analysis: does degradationPercent < 50 hold? */
function meets50(degradationPercent: number): boolean {
  return evaluateThresholds([{ metric: 'degradationPercent', phase: 'load', op: '<', value: 50 }], {}, { degradationPercent })[0]!.passed;
}

describe('degradationPercent: the change from the start of the run to its end', () => {
  it('fits a clean line exactly (Theil–Sen)', () => {
    const { slope, intercept } = theilSen([0, 1, 2, 3, 4], [10, 12, 14, 16, 18]);
    expect(slope).toBe(2);
    expect(intercept).toBe(10);
    expect(theilSen([5, 5], [1, 2]).slope).toBeNaN(); // no two distinct times: no trend
  });

  it('a latency that doubles steadily over the run (30-40 ms to 60-80 ms): about +100 %, and the < 50 % bound fails', () => {
    for (const n of [100, 200]) {
      for (const seed of [1, 2, 3]) {
        const { times, latencies } = run(n, (f, r) => (30 + 10 * r) * (1 + f), seed);
        const a = analyzeLatencySeries(times, latencies);
        expect(a.degradationPercent).toBeGreaterThan(85);
        expect(a.degradationPercent).toBeLessThan(120);
        expect(a.changeMs).toBeGreaterThan(28);
        expect(meets50(a.degradationPercent)).toBe(false);
        // The former figure, second-half P95 against the first half's, dilutes the doubling to about a third.
        expect(a.halfSplitP95Percent).toBeLessThan(50);
        expect(a.trend).toBe('rising');
        expect(a.verdict).toMatch(/^latency rises over the run, beyond noise \(start to end 3\d\.\d ms -> [67]\d\.\d ms \(\+\d+\.\d%/);
        expect(a.verdict).toMatch(/former figure: second-half P95 \+\d+\.\d% vs first half/);
      }
    }
  });

  it('stable 30-40 ms (uniform noise): a change of a few percent at most, passes', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { times, latencies } = run(100, (_f, r) => 30 + 10 * r, seed);
      const a = analyzeLatencySeries(times, latencies);
      expect(Math.abs(a.changePercent)).toBeLessThan(10);
      expect(meets50(a.degradationPercent)).toBe(true);
      expect(a.verdict).toMatch(/^stable/);
    }
  });

  it('stable 1-3 ms: passes; a fast service that moves by less than the floor is not degraded, whatever the percentage', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { times, latencies } = run(100, (_f, r) => 1 + 2 * r, seed);
      expect(meets50(analyzeLatencySeries(times, latencies).degradationPercent)).toBe(true);
    }
    // 1 ms at the start, 2.5 ms at the end: +150 %, but 1.5 ms, under the 5 ms floor.
    const { times, latencies } = run(100, (f) => 1 + 1.5 * f);
    const a = analyzeLatencySeries(times, latencies);
    expect(DEGRADATION_FLOOR_MS).toBe(5);
    expect(a.floorMs).toBe(5);
    expect(a.changePercent).toBeCloseTo(150, 6);
    expect(a.changeMs).toBeCloseTo(1.5, 6);
    expect(a.degradationPercent).toBe(0);
    expect(meets50(a.degradationPercent)).toBe(true);
    expect(a.trend).toBe('rising'); // the rise is real, and said so: it is only too small to count
    expect(a.verdict).toContain('1.0 ms -> 2.5 ms (+150.0%, +1.5 ms) on the fitted trend, under the 5 ms floor: counted as no change (0%)');
    // Without a floor the same run fails; past the floor it fails whatever the floor.
    expect(meets50(analyzeLatencySeries(times, latencies, { floorMs: 0 }).degradationPercent)).toBe(false);
    const past = run(100, (f) => 1 + 6 * f);
    expect(analyzeLatencySeries(past.times, past.latencies).degradationPercent).toBeCloseTo(600, 6);
    expect(() => analyzeLatencySeries(times, latencies, { floorMs: -1 })).toThrow(/floorMs/);
  });

  it('a step up in the last third (35 ms to 70 ms) fails; so does one of +60 %', () => {
    for (const [factor, seed] of [
      [2, 1],
      [2, 2],
      [1.6, 1],
      [1.6, 2],
    ] as const) {
      const { times, latencies } = run(100, (f, r) => (30 + 10 * r) * (f >= 2 / 3 ? factor : 1), seed);
      const a = analyzeLatencySeries(times, latencies);
      expect(a.degradationPercent).toBeGreaterThan(50);
      expect(meets50(a.degradationPercent)).toBe(false);
      expect(a.trend).toBe('rising');
    }
  });

  it('a few very slow requests (a pause) do not move it', () => {
    // Stable 30-40 ms, and 10 % of the requests at 2 s, most of them late in the run.
    const { times, latencies } = run(200, (f, r) => (f > 0.5 && r < 0.15 ? 2000 : 30 + 10 * r));
    const a = analyzeLatencySeries(times, latencies);
    expect(Math.abs(a.changePercent)).toBeLessThan(15);
    expect(meets50(a.degradationPercent)).toBe(true);
  });

  it('keeps within the latencies seen, and samples the pairs of a long run (deterministic)', () => {
    const { times, latencies } = run(3000, (f, r) => (30 + 10 * r) * (1 + f), 9);
    const a = analyzeLatencySeries(times, latencies);
    expect(a.degradationPercent).toBeGreaterThan(90);
    expect(a.degradationPercent).toBeLessThan(110);
    expect(analyzeLatencySeries(times, latencies).degradationPercent).toBe(a.degradationPercent);
    const oneRequest = analyzeLatencySeries([0], [12]);
    expect(oneRequest.degradationPercent).toBeNaN(); // not measured: the criterion does not hold
    expect(oneRequest.verdict).toContain('not measured');
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

  it("leaves out the fast 429s of a rate limiter's window edge: successes only", () => {
    // 120 requests, 600 ms apart, stable 30-40 ms; the first 30 meet a full window and are refused at once (2 ms).
    const random = noise(3);
    const store = new SampleStore(120, 1);
    const all: { times: number[]; latencies: number[] } = { times: [], latencies: [] };
    for (let i = 0; i < 120; i++) {
      const intended = i * 600;
      const latency = i < 30 ? 2 : 30 + 10 * random();
      store.recordSend(i, intended, intended + 1);
      store.recordEnd(i, intended + latency, i < 30 ? 429 : 200, i < 30 ? ErrorCode.http : ErrorCode.none);
      all.times.push(intended);
      all.latencies.push(latency);
    }
    const info = {
      url: 'http://127.0.0.1:1/',
      plannedRequests: 120,
      requestsPerSecond: 100 / 60,
      concurrency: 4,
      ticketIdStart: 1,
      startedAt: '',
      durationMs: 72_000,
      endReason: 'completed' as const,
      slotWaits: 0,
    };
    const a = analyzeDegradation(new LoadTestResults(info, store, [], []));
    expect(a.sampleCount).toBe(90);
    expect(Math.abs(a.changePercent)).toBeLessThan(10);
    expect(a.leftOut).toMatchObject({ count: 30, byClass: { http_429: 30 } });
    expect(a.verdict).toMatch(/30 answers left out \(http_429 x30\): only successes measure the service's processing time$/);
    // Counted with the successes, the refusals would have faked a rise and failed the run.
    expect(meets50(analyzeLatencySeries(all.times, all.latencies).degradationPercent)).toBe(false);
  });
});
