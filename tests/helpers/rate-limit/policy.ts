// The service's declared rate-limit policy (RATE_LIMIT): per client, one of
// - a sliding window: `limit` admitted in any `windowMs` (the contract's service);
// - a fixed window: `limit` per window, a window starting at the client's first
//   request after the last one ended (express-rate-limit, @fastify/rate-limit,
//   slowapi/limits, Redis INCR+EXPIRE): exact within a window, up to twice the
//   limit across a boundary;
// - a token bucket as nginx's `limit_req rate=R burst=B nodelay` runs it: B + 1
//   admitted at once from rest, one more every 1/R s;
// or none. `auto` is read from the service's headers (headers.ts).

export type RateLimitAlgorithm = 'sliding' | 'fixed' | 'bucket';

export interface RateLimitPolicy {
  /** Absent: sliding (reports written before the algorithm was recorded). */
  algorithm?: RateLimitAlgorithm;
  /** The most admitted at once from rest: a window's limit, a bucket's capacity (nginx: burst + 1). */
  limit: number;
  /** A window's length; a bucket's time to refill from empty (limit / rate). */
  windowMs: number;
  /** A bucket's refill, requests per second. */
  refillPerSecond?: number;
  /** Where `auto` read the policy from (the headers, as the service sent them). */
  readFrom?: string;
}

/** RATE_LIMIT=auto before the service's headers are read (the global setup reads them). */
export interface AutoRateLimit {
  algorithm: 'auto';
}

/** What RATE_LIMIT declares: a policy, none (null), or auto. */
export type DeclaredRateLimit = RateLimitPolicy | null | AutoRateLimit;

export const isAutoRateLimit = (declared: DeclaredRateLimit): declared is AutoRateLimit => declared?.algorithm === 'auto';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 };
const UNITS = '(ms|s|sec|m|min|h)';

export const RATE_LIMIT_FORMS =
  '100/60s or sliding:100/60s (a sliding window), fixed:100/60s (a fixed window), bucket:20@2/s (nginx limit_req burst=20 rate=2r/s), auto (read from the service headers) or none';

/** The algorithm of a policy (a policy without one is a sliding window). */
export const algorithmOf = (policy: RateLimitPolicy): RateLimitAlgorithm => policy.algorithm ?? 'sliding';

/** The requests per second the policy sustains: limit per window, or a bucket's refill. */
export const sustainedPerSecond = (policy: RateLimitPolicy): number => policy.refillPerSecond ?? (policy.limit * 1000) / policy.windowMs;

/**
 * RATE_LIMIT -> the policy (null = no limiting, auto = read from the service), or a string
 * naming the problem. Windows: `100/60s`, `sliding:100/60`, `fixed:100/1m`, `5/500ms`; buckets:
 * `bucket:20@2/s`, `bucket:20@120/min`, `bucket:20@2r/s` (nginx's burst and rate).
 */
export function parseRateLimit(raw: string): DeclaredRateLimit | string {
  const text = raw.trim().toLowerCase();
  if (text === 'none' || text === 'off') return null;
  if (text === 'auto') return { algorithm: 'auto' };
  const bucket = /^bucket\s*:\s*(\d+)\s*@\s*(\d+(?:\.\d+)?)\s*r?\s*\/\s*(\d+(?:\.\d+)?)?\s*(ms|s|sec|m|min|h)$/.exec(text);
  if (bucket) return bucketPolicy(Number(bucket[1]), Number(bucket[2]), Number(bucket[3] ?? '1') * UNIT_MS[bucket[4]!]!);
  if (text.startsWith('bucket')) {
    return 'expected bucket:BURST@RATE such as bucket:20@2/s (nginx limit_req burst=20 rate=2r/s: 21 admitted at once, then 2 per second)';
  }
  const window = new RegExp(`^(?:(sliding|fixed)\\s*:\\s*)?(\\d+)\\s*/\\s*(\\d+(?:\\.\\d+)?)?\\s*${UNITS}?$`).exec(text);
  if (!window || (window[3] === undefined && window[4] === undefined)) return `expected ${RATE_LIMIT_FORMS}`;
  const limit = Number(window[2]);
  const windowMs = Number(window[3] ?? '1') * UNIT_MS[window[4] ?? 's']!;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1_000_000) return 'the limit must be a whole number from 1 to 1000000';
  if (!(windowMs >= 1) || windowMs > 86_400_000) return 'the window must be from 1 ms to 24 h';
  return { algorithm: window[1] === 'fixed' ? 'fixed' : 'sliding', limit, windowMs };
}

/** nginx's `burst` and `rate` per `perMs` as a policy: burst + 1 at once, then the rate. */
function bucketPolicy(burst: number, rate: number, perMs: number): RateLimitPolicy | string {
  if (!Number.isSafeInteger(burst) || burst < 0 || burst >= 1_000_000) return 'the burst must be a whole number from 0 to 999999';
  const refillPerSecond = (rate * 1000) / perMs;
  if (!(refillPerSecond > 0) || refillPerSecond > 1_000_000) return 'the rate must be above 0 and at most 1000000 per second';
  const limit = burst + 1;
  const windowMs = Math.ceil((limit / refillPerSecond) * 1000);
  if (windowMs > 86_400_000) return 'the bucket must refill within 24 h (burst / rate)';
  return { algorithm: 'bucket', limit, windowMs, refillPerSecond };
}

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);
const round3 = (n: number) => Math.round(n * 1000) / 1000;
/** A bucket's rate as RATE_LIMIT writes it: per second, or per minute when seconds would round it (`1/min`). */
const rateText = (perSecond: number) =>
  Math.abs(round3(perSecond) - perSecond) > 1e-9 ? `${round3(perSecond * 60)}/min` : `${round3(perSecond)}/s`;

/** The form parseRateLimit reads back (`100/60s`, `fixed:100/60s`, `bucket:20@2/s`), or `none`. */
export function formatPolicy(policy: RateLimitPolicy | null): string {
  if (policy === null) return 'none';
  const { limit, windowMs } = policy;
  switch (algorithmOf(policy)) {
    case 'sliding':
      return `${limit}/${seconds(windowMs)}`;
    case 'fixed':
      return `fixed:${limit}/${seconds(windowMs)}`;
    case 'bucket':
      return `bucket:${limit - 1}@${rateText(policy.refillPerSecond!)}`;
  }
}

/** `RATE_LIMIT=100/60s`, or `RATE_LIMIT=auto, read as fixed:100/60s` for a policy read from the service's headers. */
export function declaredAs(policy: RateLimitPolicy): string {
  return `RATE_LIMIT=${policy.readFrom === undefined ? '' : 'auto, read as '}${formatPolicy(policy)}`;
}

/** "100 requests per 60 s", "a fixed window of 100 per 60 s", "a token bucket of 21 refilled at 2/s", for messages. */
export function describePolicy(policy: RateLimitPolicy): string {
  const window = policy.windowMs % 1000 === 0 ? `${policy.windowMs / 1000} s` : `${policy.windowMs} ms`;
  switch (algorithmOf(policy)) {
    case 'sliding':
      return `${policy.limit} requests per ${window}`;
    case 'fixed':
      return `a fixed window of ${policy.limit} requests per ${window}`;
    case 'bucket':
      return `a token bucket of ${policy.limit} (burst ${policy.limit - 1}) refilled at ${rateText(policy.refillPerSecond!)}`;
  }
}
