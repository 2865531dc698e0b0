import { describe, expect, it } from 'vitest';
import { describePolicy, formatPolicy, parseRateLimit, sustainedPerSecond } from '../../helpers/rate-limit/index.ts';

describe('parseRateLimit', () => {
  it('reads a sliding window with units (the default algorithm), and none', () => {
    expect(parseRateLimit('100/60s')).toEqual({ algorithm: 'sliding', limit: 100, windowMs: 60_000 });
    expect(parseRateLimit('sliding:100/60')).toEqual({ algorithm: 'sliding', limit: 100, windowMs: 60_000 });
    expect(parseRateLimit('1000 / 1m')).toEqual({ algorithm: 'sliding', limit: 1000, windowMs: 60_000 });
    expect(parseRateLimit('10/s')).toEqual({ algorithm: 'sliding', limit: 10, windowMs: 1000 });
    expect(parseRateLimit('5/250ms')).toEqual({ algorithm: 'sliding', limit: 5, windowMs: 250 });
    expect(parseRateLimit('3600/1h')).toEqual({ algorithm: 'sliding', limit: 3600, windowMs: 3_600_000 });
    expect(parseRateLimit('none')).toBeNull();
  });

  it('reads a fixed window, a token bucket as nginx declares it, and auto', () => {
    expect(parseRateLimit('fixed:100/60s')).toEqual({ algorithm: 'fixed', limit: 100, windowMs: 60_000 });
    expect(parseRateLimit('FIXED: 50/1m')).toEqual({ algorithm: 'fixed', limit: 50, windowMs: 60_000 });
    // nginx limit_req rate=2r/s burst=20 nodelay admits 21 at once: a bucket of 21, full again after 10.5 s.
    expect(parseRateLimit('bucket:20@2/s')).toEqual({ algorithm: 'bucket', limit: 21, windowMs: 10_500, refillPerSecond: 2 });
    expect(parseRateLimit('bucket:20@2r/s')).toEqual(parseRateLimit('bucket:20@2/s'));
    expect(parseRateLimit('bucket:0@120/min')).toEqual({ algorithm: 'bucket', limit: 1, windowMs: 500, refillPerSecond: 2 });
    expect(parseRateLimit('auto')).toEqual({ algorithm: 'auto' });
  });

  it('says what is wrong, with the forms it reads', () => {
    expect(parseRateLimit('100')).toMatch(/^expected 100\/60s or sliding:100\/60s .*bucket:20@2\/s .*auto .*none$/);
    expect(parseRateLimit('fast')).toMatch(/^expected 100\/60s/);
    expect(parseRateLimit('leaky:100/60s')).toMatch(/^expected 100\/60s/);
    expect(parseRateLimit('0/60s')).toMatch(/limit must be a whole number/);
    expect(parseRateLimit('1/0s')).toMatch(/window must be/);
    expect(parseRateLimit('bucket:20')).toMatch(/^expected bucket:BURST@RATE such as bucket:20@2\/s \(nginx limit_req burst=20 rate=2r\/s/);
    expect(parseRateLimit('bucket:20@0/s')).toMatch(/the rate must be above 0/);
  });

  it('formats back to the form it reads, and describes each kind', () => {
    for (const text of ['100/60s', '5/250ms', 'fixed:100/60s', 'bucket:20@2/s', 'bucket:5@0.5/s', 'bucket:20@1/min']) {
      const policy = parseRateLimit(text);
      expect(typeof policy === 'object' && policy !== null && policy.algorithm !== 'auto' ? formatPolicy(policy) : policy).toBe(text);
    }
    expect(formatPolicy({ limit: 100, windowMs: 60_000 })).toBe('100/60s'); // a report without the algorithm: sliding
    expect(formatPolicy(null)).toBe('none');
    expect(describePolicy({ limit: 100, windowMs: 60_000 })).toBe('100 requests per 60 s');
    expect(describePolicy({ algorithm: 'fixed', limit: 100, windowMs: 60_000 })).toBe('a fixed window of 100 requests per 60 s');
    expect(describePolicy({ algorithm: 'bucket', limit: 21, windowMs: 10_500, refillPerSecond: 2 })).toBe(
      'a token bucket of 21 (burst 20) refilled at 2/s',
    );
  });

  it('the rate each sustains: the limit per window, a bucket its refill', () => {
    expect(sustainedPerSecond({ limit: 100, windowMs: 60_000 })).toBeCloseTo(1.667, 3);
    expect(sustainedPerSecond({ algorithm: 'bucket', limit: 21, windowMs: 10_500, refillPerSecond: 2 })).toBe(2);
  });
});
