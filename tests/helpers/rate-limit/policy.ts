// The service's declared rate-limit policy (RATE_LIMIT in .env.test): `limit`
// requests per `windowMs`, counted as a sliding window per client, or none.

export interface RateLimitPolicy {
  limit: number;
  windowMs: number;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** `100/60s`, `100/60`, `100/1m`, `5/500ms`, `none` -> the policy (null = no limiting); a string naming the problem otherwise. */
export function parseRateLimit(raw: string): RateLimitPolicy | null | string {
  const text = raw.trim().toLowerCase();
  if (text === 'none' || text === 'off') return null;
  const match = /^(\d+)\s*\/\s*(\d+(?:\.\d+)?)?\s*(ms|s|sec|m|min|h)?$/.exec(text);
  if (!match || (match[2] === undefined && match[3] === undefined)) {
    return 'expected LIMIT/WINDOW such as 100/60s (100 requests per 60 s; units ms, s, m, h) or none for a service without rate limiting';
  }
  const limit = Number(match[1]);
  const windowMs = Number(match[2] ?? '1') * UNIT_MS[match[3] ?? 's']!;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1_000_000) return 'the limit must be a whole number from 1 to 1000000';
  if (!(windowMs >= 1) || windowMs > 86_400_000) return 'the window must be from 1 ms to 24 h';
  return { limit, windowMs };
}

/** `100/60s` (the form parseRateLimit reads back), or `none`. */
export function formatPolicy(policy: RateLimitPolicy | null): string {
  if (policy === null) return 'none';
  const { limit, windowMs } = policy;
  return windowMs % 1000 === 0 ? `${limit}/${windowMs / 1000}s` : `${limit}/${windowMs}ms`;
}

/** "100 requests per 60 s", for messages. */
export function describePolicy(policy: RateLimitPolicy): string {
  const window = policy.windowMs % 1000 === 0 ? `${policy.windowMs / 1000} s` : `${policy.windowMs} ms`;
  return `${policy.limit} requests per ${window}`;
}
