import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../helpers/engine/errors.ts';
import { SampleStore } from '../../helpers/engine/samples.ts';
import { latencyStats, percentChange, percentile } from '../../helpers/engine/statistics.ts';
import { buildSummary, type SummaryInput } from '../../helpers/engine/summary.ts';

describe('latencyStats', () => {
  it('gives exact, interpolated percentiles on hand-computed data', () => {
    // Unsorted 1..10 (times 10). Type-7 quantile: index (n-1)p.
    const s = latencyStats([70, 10, 100, 40, 20, 90, 30, 60, 50, 80]);
    expect(s.count).toBe(10);
    expect(s.minMs).toBe(10);
    expect(s.maxMs).toBe(100);
    expect(s.meanMs).toBe(55);
    expect(s.medianMs).toBe(55); // between 50 and 60
    expect(s.p50Ms).toBe(55);
    expect(s.p90Ms).toBeCloseTo(91, 10); // index 8.1: 90 + 0.1 * 10
    expect(s.p95Ms).toBeCloseTo(95.5, 10); // index 8.55: 90 + 0.55 * 10
    expect(s.p99Ms).toBeCloseTo(99.1, 10); // index 8.91
  });

  it('does not use the naive sorted[int(n*p)] rule', () => {
    // With 20 values 1..20, sorted[int(20*0.95)] = 20 (the max); type 7 gives 19.05.
    const values = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(latencyStats(values).p95Ms).toBeCloseTo(19.05, 10);
  });

  it('returns NaN fields for no data and handles one value', () => {
    expect(latencyStats([]).p95Ms).toBeNaN();
    expect(latencyStats([]).count).toBe(0);
    expect(latencyStats([42])).toMatchObject({ minMs: 42, p99Ms: 42, maxMs: 42, meanMs: 42 });
    expect(percentile([], 0.5)).toBeNaN();
  });

  it('computes percentage change', () => {
    expect(percentChange(200, 300)).toBe(50);
    expect(percentChange(200, 100)).toBe(-50);
    expect(percentChange(0, 100)).toBeNaN();
  });
});

function input(store: SampleStore, info: Partial<SummaryInput['info']> = {}): SummaryInput {
  return {
    store,
    info: {
      plannedRequests: store.capacity,
      requestsPerSecond: 10,
      concurrency: 4,
      durationMs: 1000,
      endReason: 'completed',
      slotWaits: 0,
      ...info,
    },
    errors: [],
    runWarnings: [],
  };
}

describe('buildSummary', () => {
  // Five requests at 10/s (due 0, 100, ..., 400 ms).
  function fiveRequests(): SampleStore {
    const store = new SampleStore(5, 5000);
    const rows: [number, number, number, number, ErrorCode][] = [
      // intended, actual, end, status, code
      [0, 1, 51, 200, ErrorCode.none],
      [100, 102, 132, 200, ErrorCode.none],
      [200, 200, 400, 500, ErrorCode.http],
      [300, 330, 340, 0, ErrorCode.connectionRefused],
      [400, 401, 1000, 0, ErrorCode.timeout],
    ];
    rows.forEach(([intended, actual, end, status, code], i) => {
      store.recordSend(i, intended, actual);
      store.recordEnd(i, end, status, code);
    });
    return store;
  }

  it('counts outcomes, statuses and classes', () => {
    const s = buildSummary(input(fiveRequests()));
    expect(s.sentRequests).toBe(5);
    expect(s.completedRequests).toBe(5);
    expect(s.plannedRequests).toBe(5);
    expect(s.successCount).toBe(2);
    expect(s.failureCount).toBe(3);
    expect(s.successRatePercent).toBe(40);
    expect(s.statusCodes).toEqual({ '200': 2, '500': 1, '0': 2 });
    expect(s.errorClasses).toEqual({ http_500: 1, connection_refused: 1, timeout: 1 });
    expect(s.durationSeconds).toBe(1);
    expect(s.achievedRps).toBe(5); // 5 sent over 1 s
    expect(s.schedule.targetRps).toBe(10);
    expect(s.cancelledCount).toBe(0);
    expect(s.notSentCount).toBe(0);
  });

  it('takes latency from the intended start, and service time from the send, excluding refused requests', () => {
    const s = buildSummary(input(fiveRequests()));
    // responses: 51, 32, 200, (refused excluded), timeout 600
    expect(s.responseTimes.count).toBe(4);
    expect(s.responseTimes.minMs).toBe(32);
    expect(s.responseTimes.maxMs).toBe(600);
    expect(s.responseTimes.meanMs).toBeCloseTo((51 + 32 + 200 + 600) / 4, 10);
    expect(s.responseTimes.medianMs).toBeCloseTo((51 + 200) / 2, 10);
    // service: 50, 30, 200, 599
    expect(s.serviceTimes.minMs).toBe(30);
    expect(s.serviceTimes.maxMs).toBe(599);
  });

  it('reports schedule lag and send rate', () => {
    const s = buildSummary(input(fiveRequests()));
    // lags 1, 2, 0, 30, 1 -> sorted 0 1 1 2 30
    expect(s.schedule.lagP50Ms).toBe(1);
    expect(s.schedule.lagMaxMs).toBe(30);
    expect(s.schedule.lagP99Ms).toBeCloseTo(2 + 0.96 * 28, 10); // index 3.96
    expect(s.schedule.achievedSendRps).toBeCloseTo((4 * 1000) / 400, 10);
    expect(s.schedule.mode).toBe('rate');
    expect(s.warnings.some((w) => w.includes('generator, not the server'))).toBe(true);
  });

  it('warns about nothing on a clean run, and about the stop on an early end', () => {
    const store = new SampleStore(4, 1);
    for (let i = 0; i < 3; i++) {
      store.recordSend(i, i * 100, i * 100 + 1);
      store.recordEnd(i, i * 100 + 20, 200, ErrorCode.none);
    }
    expect(buildSummary(input(store, { endReason: 'completed' })).warnings).toEqual([]);
    store.recordSend(3, 300, 301);
    store.recordEnd(3, 310, 0, ErrorCode.aborted);
    const stopped = buildSummary(input(store, { plannedRequests: 10, endReason: 'max_duration' }));
    expect(stopped.cancelledCount).toBe(1);
    expect(stopped.sentRequests).toBe(4);
    expect(stopped.completedRequests).toBe(3); // the cancelled one is sent, not completed
    expect(stopped.notSentCount).toBe(6);
    expect(stopped.responseTimes.count).toBe(3); // the cancelled one has no latency
    expect(stopped.warnings.join(' ')).toMatch(/maxDurationMs was reached: 6 of 10 planned requests were not sent and 1/);
  });

  it('keeps 27 bytes per request in the sample columns', () => {
    const store = new SampleStore(1000, 0);
    const bytes = [store.intendedMs, store.actualMs, store.endMs, store.status, store.errorCode].reduce(
      (sum, column) => sum + column.byteLength,
      0,
    );
    expect(bytes / 1000).toBe(27);
  });
});
