// Rate limiting of POST /webhook/freshdesk, chosen by RATE_LIMIT_ALGORITHM:
//
// - `sliding-window` (default, the original service's): per client IP, a request is refused
//   when `limit` requests of that client were already admitted in the last `windowMs`
//   (the window is (t - windowMs, t]). Refused requests are not added to the window, so a
//   client that keeps sending while refused gets its next slot exactly `windowMs` after the
//   oldest admitted one. With the defaults (100 per 60 s) a load generator's whole traffic from
//   one host shares one window.
// - `token-bucket`: one bucket for the whole service: `capacity` requests may arrive at once,
//   then `refillPerSecond` keep flowing. With (20, 2/s) a steady 100 requests a minute (1.67/s)
//   never runs dry, while 50 requests inside one second always see some 429s.
// - `off`: every request passes.
//
// Pure and timer-free: the clock is injectable (ms from any fixed origin, monotonic), so tests
// are exact and instant. Memory is bounded: a client holds at most `limit` timestamps, a client
// whose newest entry has left the window is forgotten, and at most `maxClients` are tracked
// (past that the one with the oldest newest entry is forgotten, i.e. gets a fresh window).

export type RateLimitAlgorithm = 'sliding-window' | 'token-bucket' | 'off';
export const RATE_LIMIT_ALGORITHMS: readonly RateLimitAlgorithm[] = ['sliding-window', 'token-bucket', 'off'];

export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** Requests left (whole tokens, or free slots in the client's window) after this request. */
  remaining: number;
  /**
   * Seconds until more capacity comes back (X-RateLimit-Reset): token bucket, until it is full;
   * sliding window, until the client's oldest admitted request leaves the window.
   */
  resetSeconds: number;
  /** When refused, seconds until a request would be admitted (Retry-After, >= 1); else 0. */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  readonly algorithm: RateLimitAlgorithm;
  readonly enabled: boolean;
  /** The policy in words, for the 429 message: "100 requests per 60 seconds per client". */
  readonly policy: string;
  /** Clients with entries in memory (sliding window; 0 for the others). */
  readonly trackedClients: number;
  /** One arriving request from `client` (the client IP; the token bucket ignores it). */
  take(client: string): RateDecision;
}

type Clock = () => number;
const defaultClock: Clock = () => performance.now();
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export const disabledRateLimiter: RateLimiter = {
  algorithm: 'off',
  enabled: false,
  policy: 'no rate limit',
  trackedClients: 0,
  take: () => ({ allowed: true, limit: 0, remaining: 0, resetSeconds: 0, retryAfterSeconds: 0 }),
};

export interface TokenBucketOptions {
  /** Bucket size (burst allowance), >= 1. */
  capacity: number;
  /** Tokens added per second, > 0. */
  refillPerSecond: number;
  /** Milliseconds from any fixed origin; defaults to performance.now(). */
  now?: Clock;
}

export function createTokenBucket({ capacity, refillPerSecond, now = defaultClock }: TokenBucketOptions): RateLimiter {
  if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`capacity must be an integer >= 1 (got ${capacity})`);
  if (!(refillPerSecond > 0)) throw new RangeError(`refillPerSecond must be > 0 (got ${refillPerSecond})`);

  let tokens = capacity;
  let updatedAt = now();

  return {
    algorithm: 'token-bucket',
    enabled: true,
    policy: `bursts of ${plural(capacity, 'request')}, refilled at ${refillPerSecond} per second, shared by all clients`,
    trackedClients: 0,
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

/** A client's admitted timestamps, oldest first: a ring that grows on demand up to `limit`. */
class Timestamps {
  private ring: Float64Array;
  private head = 0;
  size = 0;

  constructor(private readonly limit: number) {
    this.ring = new Float64Array(Math.min(limit, 8));
  }

  get capacity(): number {
    return this.ring.length;
  }

  oldest(): number {
    return this.ring[this.head]!;
  }

  newest(): number {
    return this.ring[(this.head + this.size - 1) % this.ring.length]!;
  }

  /** Drops the entries at or before `cutoff` (they have left the window). */
  expire(cutoff: number): void {
    while (this.size > 0 && this.ring[this.head]! <= cutoff) {
      this.head = (this.head + 1) % this.ring.length;
      this.size -= 1;
    }
  }

  /** Only called with size < limit. */
  push(t: number): void {
    if (this.size === this.ring.length) {
      const grown = new Float64Array(Math.min(this.limit, this.ring.length * 2));
      for (let i = 0; i < this.size; i += 1) grown[i] = this.ring[(this.head + i) % this.ring.length]!;
      this.ring = grown;
      this.head = 0;
    }
    this.ring[(this.head + this.size) % this.ring.length] = t;
    this.size += 1;
  }
}

export interface SlidingWindowOptions {
  /** Requests admitted per client within one window, >= 1. */
  limit: number;
  /** Window length in ms, > 0. */
  windowMs: number;
  /** Hard cap on tracked clients; past it the least recently admitted client is forgotten. */
  maxClients?: number;
  now?: Clock;
}

export const DEFAULT_MAX_CLIENTS = 10_000;

export function createSlidingWindow({
  limit,
  windowMs,
  maxClients = DEFAULT_MAX_CLIENTS,
  now = defaultClock,
}: SlidingWindowOptions): RateLimiter & {
  /** Timestamps held for `client` (its ring's size in memory), for memory checks. */
  heldFor(client: string): number;
} {
  if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError(`limit must be an integer >= 1 (got ${limit})`);
  if (!(windowMs > 0)) throw new RangeError(`windowMs must be > 0 (got ${windowMs})`);
  if (!(Number.isInteger(maxClients) && maxClients >= 1)) throw new RangeError(`maxClients must be an integer >= 1 (got ${maxClients})`);

  // Map order is the order of each client's newest admitted entry (a client is moved to the end
  // on every admission), so clients that left the window, and the cap's victims, are at the front.
  const clients = new Map<string, Timestamps>();
  const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

  return {
    algorithm: 'sliding-window',
    enabled: true,
    policy: `${plural(limit, 'request')} per ${plural(windowMs / 1000, 'second')} per client`,
    get trackedClients() {
      return clients.size;
    },
    heldFor(client) {
      return clients.get(client)?.capacity ?? 0;
    },
    take(client) {
      const t = now();
      const cutoff = t - windowMs;
      for (const [key, entries] of clients) {
        if (entries.newest() > cutoff) break;
        clients.delete(key);
      }
      let entries = clients.get(client);
      entries?.expire(cutoff);
      const allowed = (entries?.size ?? 0) < limit;
      if (allowed) {
        if (entries) clients.delete(client);
        else entries = new Timestamps(limit);
        entries.push(t);
        clients.set(client, entries);
        for (const key of clients.keys()) {
          if (clients.size <= maxClients) break;
          clients.delete(key);
        }
      }
      // Admitted or refused, the client now has at least one entry in its window.
      const untilOldestLeavesMs = entries!.oldest() + windowMs - t;
      return {
        allowed,
        limit,
        remaining: limit - entries!.size,
        resetSeconds: seconds(untilOldestLeavesMs),
        retryAfterSeconds: allowed ? 0 : seconds(untilOldestLeavesMs),
      };
    },
  };
}

export type RateLimiterOptions =
  { algorithm: 'off' } | ({ algorithm: 'sliding-window' } & SlidingWindowOptions) | ({ algorithm: 'token-bucket' } & TokenBucketOptions);

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  switch (options.algorithm) {
    case 'off':
      return disabledRateLimiter;
    case 'sliding-window':
      return createSlidingWindow(options);
    case 'token-bucket':
      return createTokenBucket(options);
  }
}
