// A service's rate-limit policy as its own headers state it (RATE_LIMIT=auto):
// the IETF fields (draft-ietf-httpapi-ratelimit-headers: `RateLimit-Policy`
// with `RateLimit` in the draft-7 and draft-8+ forms, or `RateLimit-Limit`,
// `-Remaining`, `-Reset` of draft-6 and before) and the older
// `X-RateLimit-Limit`, `-Remaining`, `-Reset`. The headers give a quota and a
// window, not the algorithm: the policy is judged as a fixed window, which a
// correct sliding window also passes. Pure: headers in, a policy or the reason
// there is none out.
import type { RateLimitPolicy } from './policy.ts';

/** The response headers auto reads (lower case), for a probe to capture. */
export const RATE_LIMIT_HEADERS: readonly string[] = [
  'ratelimit-policy',
  'ratelimit',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
];

/** One quota of a `RateLimit-Policy` (or `RateLimit-Limit`) list: `100;w=60` or `"default";q=100;w=60`. */
interface Quota {
  quota: number;
  windowS?: number;
}

/** Splits a structured-field list on the commas outside quoted strings. */
function listItems(value: string): string[] {
  return (value.match(/(?:"[^"]*"|[^,])+/g) ?? []).map((item) => item.trim()).filter(Boolean);
}

/** `100;w=60`, `"name";q=100;w=60;pk=:x:` -> the quota and window; null when it has no quota. */
function quotaOf(item: string): Quota | null {
  const [head, ...params] = item.split(';').map((part) => part.trim());
  const named = Object.fromEntries(params.map((p) => p.split('=').map((x) => x.trim()) as [string, string]));
  const quota = /^\d+$/.test(head ?? '') ? Number(head) : named.q !== undefined && /^\d+$/.test(named.q) ? Number(named.q) : NaN;
  if (!Number.isSafeInteger(quota) || quota < 1) return null;
  const windowS = named.w !== undefined && /^\d+(\.\d+)?$/.test(named.w) ? Number(named.w) : undefined;
  return windowS === undefined || windowS <= 0 ? { quota } : { quota, windowS };
}

/** `limit=100, remaining=99, reset=60` (draft-7) or `"name";r=99;t=60` (draft-8+) -> its numbers. */
function rateLimitField(value: string): { limit?: number; remaining?: number; resetS?: number } {
  const pairs = [...value.matchAll(/(?:^|[;,\s])(limit|remaining|reset|r|t)=(\d+)/g)];
  const get = (...names: string[]) => {
    const found = pairs.find(([, name]) => names.includes(name!));
    return found === undefined ? undefined : Number(found[2]);
  };
  return { limit: get('limit'), remaining: get('remaining', 'r'), resetS: get('reset', 't') };
}

const int = (value: string | undefined) => (value !== undefined && /^\s*\d+\s*$/.test(value) ? Number(value) : undefined);

/** X-RateLimit-Reset: an epoch time in seconds (GitHub, express-rate-limit) or ms, or seconds from now. */
function resetSecondsOf(value: string | undefined, nowMs: number): number | undefined {
  const n = int(value);
  if (n === undefined) return undefined;
  if (n > 1e12) return Math.max(0, (n - nowMs) / 1000);
  if (n > 1e9) return Math.max(0, n - nowMs / 1000);
  return n;
}

/**
 * The policy the headers of one answer state, or the reason they state none. A window comes
 * from `w=` of the policy; without one, the reset of a fresh window (remaining = limit - 1, the
 * first request of a window) stands for it.
 */
export function policyFromHeaders(headers: Readonly<Record<string, string>>, nowMs = Date.now()): RateLimitPolicy | string {
  const h = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  const stated = RATE_LIMIT_HEADERS.filter((name) => h[name] !== undefined);
  const said = stated.map((name) => `${name}: ${h[name]}`).join('; ');
  if (stated.length === 0) {
    return `its answer carried none of the rate-limit headers auto reads (${RATE_LIMIT_HEADERS.join(', ')})`;
  }
  const withWindow = listItems(h['ratelimit-policy'] ?? h['ratelimit-limit'] ?? '')
    .map(quotaOf)
    .filter((q): q is Quota => q?.windowS !== undefined);
  if (withWindow.length > 1) {
    return `it states ${withWindow.length} quota policies (${said}); the suite plans around one: declare the one that binds first`;
  }
  const field = rateLimitField(h.ratelimit ?? '');
  const limit = withWindow[0]?.quota ?? field.limit ?? int(h['ratelimit-limit']) ?? int(h['x-ratelimit-limit']);
  if (limit === undefined) return `its headers state no limit (${said})`;
  let windowS = withWindow[0]?.windowS;
  let from = withWindow[0] === undefined ? undefined : 'w= of its policy';
  if (windowS === undefined) {
    const remaining = field.remaining ?? int(h['ratelimit-remaining']) ?? int(h['x-ratelimit-remaining']);
    const resetS = field.resetS ?? int(h['ratelimit-reset']) ?? resetSecondsOf(h['x-ratelimit-reset'], nowMs);
    if (remaining === limit - 1 && resetS !== undefined && resetS > 0) {
      windowS = Math.ceil(resetS);
      from = 'the reset of a fresh window';
    }
  }
  if (windowS === undefined) {
    return `its headers state a limit of ${limit} but not the window (${said}); declare it, e.g. RATE_LIMIT=fixed:${limit}/60s`;
  }
  const windowMs = Math.round(windowS * 1000);
  if (limit > 1_000_000 || windowMs < 1 || windowMs > 86_400_000) return `its headers state a policy out of range (${said})`;
  return { algorithm: 'fixed', limit, windowMs, readFrom: `${said} (window from ${from})` };
}

/** What a service's answer said of the client's window: how many it will still admit, and when that resets. */
export interface ServiceSays {
  remaining: number;
  /** Wall ms the window resets (now + the reset's seconds). */
  resetAtMs: number;
  /** The headers as sent, for messages. */
  said: string;
}

/** `remaining` and `reset` from RateLimit (draft-7, draft-8+), RateLimit-Remaining/-Reset or X-RateLimit-*; undefined without both. */
export function serviceSays(headers: Readonly<Record<string, string>>, nowMs = Date.now()): ServiceSays | undefined {
  const h = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  const field = rateLimitField(h.ratelimit ?? '');
  const remaining = field.remaining ?? int(h['ratelimit-remaining']) ?? int(h['x-ratelimit-remaining']);
  const resetS = field.resetS ?? int(h['ratelimit-reset']) ?? resetSecondsOf(h['x-ratelimit-reset'], nowMs);
  if (remaining === undefined || resetS === undefined) return undefined;
  const said = RATE_LIMIT_HEADERS.filter((name) => h[name] !== undefined && name !== 'ratelimit-policy')
    .map((name) => `${name}: ${h[name]}`)
    .join('; ');
  return { remaining, resetAtMs: nowMs + resetS * 1000, said };
}

/** A run's answers with their captured headers (structural: the engine's results fit). */
export interface HeardAnswers {
  info: { startedAt: string };
  capturedHeaders: ReadonlyMap<number, Readonly<Record<string, string>>>;
  sample(index: number): { endMs: number };
}

/**
 * The service's last word on the window over a run: the fewest `remaining` any answer stated,
 * with the reset that answer named (counted from when it came); undefined when none stated both.
 */
export function lastWord(results: HeardAnswers): ServiceSays | undefined {
  const startedAt = Date.parse(results.info.startedAt);
  let fewest: ServiceSays | undefined;
  for (const [index, headers] of results.capturedHeaders) {
    const said = serviceSays(headers, startedAt + results.sample(index).endMs);
    if (said !== undefined && (fewest === undefined || said.remaining < fewest.remaining)) fewest = said;
  }
  return fewest;
}
