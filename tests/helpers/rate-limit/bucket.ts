// A token bucket as nginx's limit_req runs it, counted from this suite's own
// requests: `limit` tokens (burst + 1), refilled at `refillPerSecond` up to the
// limit, one taken per admitted request. nginx keeps the same state as an
// "excess" that drains at the rate; a request is admitted while the excess after
// it stays within the burst, which is a bucket of burst + 1. Pure.
import type { RateLimitPolicy } from './policy.ts';

/**
 * Tokens left at `atMs` after the admitted requests at `timesMs` (any order), from a full bucket.
 * Requests after `atMs` are left out. A request the bucket could not have taken is still taken
 * (`allowDebt`): the fewest tokens, for planning; without it a request without a token is not
 * counted, as the service would have refused it.
 */
export function tokensAt(policy: RateLimitPolicy, timesMs: readonly number[], atMs: number, allowDebt = true): number {
  const rate = policy.refillPerSecond! / 1000;
  let tokens = policy.limit;
  let last = Number.NEGATIVE_INFINITY;
  for (const t of [...timesMs].filter((time) => time <= atMs).sort((a, b) => a - b)) {
    if (last !== Number.NEGATIVE_INFINITY) tokens = Math.min(policy.limit, tokens + (t - last) * rate);
    last = t;
    if (tokens >= 1 || allowDebt) tokens -= 1;
  }
  return last === Number.NEGATIVE_INFINITY ? tokens : Math.min(policy.limit, tokens + (atMs - last) * rate);
}

export interface BucketNeeds {
  /** Tokens the bucket must hold at the phase's start for every request of it to find one. */
  tokens: number;
  /** Requests of the phase that find no token even from a full bucket: its own plan is over the policy. */
  overLimitByPlan: number;
}

/** What a phase of requests at `offsetsMs` (ascending, from its start) needs of the bucket. */
export function bucketNeeds(policy: RateLimitPolicy, offsetsMs: readonly number[]): BucketNeeds {
  const rate = policy.refillPerSecond! / 1000;
  let overLimitByPlan = 0;
  // From a full bucket: the requests its own plan cannot serve.
  let level = policy.limit;
  let need = 0;
  offsetsMs.forEach((d, i) => {
    level = i === 0 ? level : Math.min(policy.limit, level + (d - offsetsMs[i - 1]!) * rate);
    if (level >= 1) {
      level -= 1;
      need = Math.max(need, i + 1 - d * rate); // request i finds a token when the start held this many
    } else overLimitByPlan += 1;
  });
  return { tokens: Math.min(policy.limit, need), overLimitByPlan };
}

/** When the bucket, holding `tokensNow` at `nowMs`, holds `tokens` (nowMs when it does). */
export function whenTokens(policy: RateLimitPolicy, tokensNow: number, tokens: number, nowMs: number): number {
  if (tokensNow >= tokens) return nowMs;
  return nowMs + Math.ceil(((tokens - tokensNow) / policy.refillPerSecond!) * 1000);
}
