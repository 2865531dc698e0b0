// The benchmark's arithmetic: the figures in bench/README.md are only as good as these.
import { describe, expect, it } from 'vitest';
import { idealLatencies, median, quantile, rateErrorPercent, rateFromSpan } from '../../../bench/measures.ts';

describe('benchmark measures', () => {
  it('rates come from the span between the first and last arrival', () => {
    expect(rateFromSpan(101, 1000)).toBe(100); // 100 intervals in 1 s
    expect(rateFromSpan(1, 1000)).toBeNaN();
    expect(rateErrorPercent(101, 100)).toBeCloseTo(1);
    expect(rateErrorPercent(78, 100)).toBeCloseTo(-22);
  });

  it('medians and quantiles are exact', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(quantile([10, 20, 30, 40, 50], 0.5)).toBe(30);
  });

  it('ideal latencies: requests due inside the stall wait until it ends, the rest wait nothing', () => {
    // 100/s for 10 s, stall of 2 s at 4 s: requests 400..599 are due inside it.
    const ideal = idealLatencies({ requestsPerSecond: 100, totalRequests: 1000, stallAtMs: 4000, stallMs: 2000, baseMs: 0 });
    expect(ideal[399]).toBe(0);
    expect(ideal[400]).toBe(2000);
    expect(ideal[599]).toBeCloseTo(10);
    expect(ideal[600]).toBe(0);
    // P99 of the ideal: 20 % of requests stalled, linearly 2000..10 ms, so P99 is near the top of that ramp.
    expect(quantile(ideal, 0.99)).toBeGreaterThan(1880);
    expect(quantile(ideal, 0.99)).toBeLessThan(1920);
  });
});
