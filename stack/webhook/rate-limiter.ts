// A single token bucket for the whole service: `capacity` requests may arrive at once, then
// `refillPerSecond` keep flowing. With the defaults (20, 2/s) a steady 100 requests a minute
// (1.67/s) never runs dry, while 50 requests inside one second always see some 429s, even on a
// freshly started service. The clock is injectable so tests are exact and instant.

export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Seconds until the bucket is full again (X-RateLimit-Reset). */
  resetSeconds: number;
  /** Seconds until the next token, when refused (Retry-After). */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  readonly enabled: boolean;
  take(): RateDecision;
}

export interface RateLimiterOptions {
  capacity: number;
  refillPerSecond: number;
  /** Milliseconds from any fixed origin; defaults to performance.now(). */
  now?: () => number;
}

export function createRateLimiter({ capacity, refillPerSecond, now = () => performance.now() }: RateLimiterOptions): RateLimiter {
  if (capacity <= 0) {
    return {
      enabled: false,
      take: () => ({ allowed: true, limit: 0, remaining: 0, resetSeconds: 0, retryAfterSeconds: 0 }),
    };
  }
  if (!(refillPerSecond > 0)) throw new RangeError(`refillPerSecond must be > 0 when capacity > 0 (got ${refillPerSecond})`);

  let tokens = capacity;
  let updatedAt = now();

  return {
    enabled: true,
    take() {
      const t = now();
      tokens = Math.min(capacity, tokens + ((t - updatedAt) / 1000) * refillPerSecond);
      updatedAt = t;
      const allowed = tokens >= 1;
      if (allowed) tokens -= 1;
      return {
        allowed,
        limit: capacity,
        remaining: Math.floor(tokens),
        resetSeconds: Math.ceil((capacity - tokens) / refillPerSecond),
        retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) / refillPerSecond)),
      };
    },
  };
}
