// The ramp figure's arithmetic: arrivals per one-second bucket against the integral of the rate.
import { describe, expect, it } from 'vitest';
import { BucketCounter, compareBuckets, dueBy, idealPerBucket, type RateSegment } from '../../../bench/buckets.ts';

const RAMP: RateSegment[] = [{ durationMs: 10_000, fromRps: 100, toRps: 2000 }];

describe('bench buckets', () => {
  it('counts events per bucket from the first, the last bucket edge belonging to the next', () => {
    const counter = new BucketCounter(1000, 3);
    for (const ms of [0, 999.999, 1000, 1500, 2999, 3000, 5000]) counter.add(ms);
    expect(counter.toArray()).toEqual([2, 2, 1]);
    expect(counter.beyond).toBe(2);
  });

  it('trims empty buckets at the end only', () => {
    const counter = new BucketCounter(1000, 10);
    counter.add(2500);
    expect(counter.toArray()).toEqual([0, 0, 1]);
    expect(new BucketCounter(1000, 10).toArray()).toEqual([]);
    expect(() => new BucketCounter(0, 10)).toThrow(/bucketMs/);
  });

  it('the ideal is the integral of the rate over each bucket', () => {
    // 100/s rising to 2000/s over 10 s: 190/s more each second, bucket k holds 100 + 190 (k + 0.5).
    const ideal = idealPerBucket(RAMP, 1000);
    expect(ideal).toHaveLength(10);
    ideal.forEach((value, k) => expect(value).toBeCloseTo(100 + 190 * (k + 0.5), 9));
    expect(dueBy(RAMP, 10_000)).toBeCloseTo(10_500, 9);
    expect(dueBy(RAMP, 20_000)).toBeCloseTo(10_500, 9); // nothing due after the ramp
    expect(dueBy(RAMP, -5)).toBe(0);
  });

  it('segments follow one another; a partial last bucket holds what is due in it', () => {
    const segments: RateSegment[] = [
      { durationMs: 1000, fromRps: 100, toRps: 100 },
      { durationMs: 1500, fromRps: 100, toRps: 400 },
    ];
    const ideal = idealPerBucket(segments, 1000);
    expect(ideal).toHaveLength(3);
    expect(ideal[0]).toBeCloseTo(100, 9);
    expect(ideal[1]).toBeCloseTo(200, 9); // 100 -> 300 over the second
    expect(ideal[2]).toBeCloseTo(175, 9); // 300 -> 400 over half a second
  });

  it('judges every bucket but the first, by its largest |error|, and counts what came after', () => {
    const ideal = [150, 300, 500];
    const result = compareBuckets([100, 303, 496, 2], ideal);
    expect(result.errorPercent[0]).toBeCloseTo(-33.33, 2); // reported, not judged
    expect(result.worst).toEqual({ bucket: 1, count: 303, ideal: 300, errorPercent: expect.closeTo(1, 9) as number });
    expect(result.extra).toBe(2);
    expect(compareBuckets([], [100]).worst).toBeNull();
    expect(compareBuckets([10], [100, 200]).worst?.errorPercent).toBe(-100); // a missing bucket counts as 0
  });
});
