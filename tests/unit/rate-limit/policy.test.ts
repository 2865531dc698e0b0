import { describe, expect, it } from 'vitest';
import { describePolicy, formatPolicy, parseRateLimit } from '../../helpers/rate-limit/index.ts';

describe('parseRateLimit', () => {
  it('reads LIMIT/WINDOW with units, and none', () => {
    expect(parseRateLimit('100/60s')).toEqual({ limit: 100, windowMs: 60_000 });
    expect(parseRateLimit('100/60')).toEqual({ limit: 100, windowMs: 60_000 });
    expect(parseRateLimit('1000 / 1m')).toEqual({ limit: 1000, windowMs: 60_000 });
    expect(parseRateLimit('10/s')).toEqual({ limit: 10, windowMs: 1000 });
    expect(parseRateLimit('5/250ms')).toEqual({ limit: 5, windowMs: 250 });
    expect(parseRateLimit('3600/1h')).toEqual({ limit: 3600, windowMs: 3_600_000 });
    expect(parseRateLimit('none')).toBeNull();
  });

  it('says what is wrong', () => {
    expect(parseRateLimit('100')).toMatch(/expected LIMIT\/WINDOW/);
    expect(parseRateLimit('fast')).toMatch(/expected LIMIT\/WINDOW/);
    expect(parseRateLimit('0/60s')).toMatch(/limit must be a whole number/);
    expect(parseRateLimit('1/0s')).toMatch(/window must be/);
  });

  it('formats back', () => {
    expect(formatPolicy({ limit: 100, windowMs: 60_000 })).toBe('100/60s');
    expect(formatPolicy({ limit: 5, windowMs: 250 })).toBe('5/250ms');
    expect(formatPolicy(null)).toBe('none');
    expect(describePolicy({ limit: 100, windowMs: 60_000 })).toBe('100 requests per 60 s');
  });
});
