// The webhook service's configuration, read once from the environment.
import { EnvError, LOG_LEVELS, readBoolean, readChoice, readInteger, readNumber, readString, readUrl } from '../env.ts';
import type { Env, LogLevel } from '../env.ts';
import { RATE_LIMIT_ALGORITHMS } from './rate-limiter.ts';
import type { RateLimitAlgorithm } from './rate-limiter.ts';

export interface WebhookConfig {
  port: number;
  host: string;
  /** HMAC-SHA256 key for X-Freshdesk-Signature. */
  secret: string;
  logLevel: LogLevel;
  /** Largest accepted body; larger ones get 413. */
  bodyLimitBytes: number;
  /** `sliding-window` (per client IP, the default), `token-bucket` (global) or `off`. */
  rateLimitAlgorithm: RateLimitAlgorithm;
  /** Sliding window: requests admitted per client IP within one window. */
  rateLimitRequests: number;
  /** Sliding window: its length in seconds. */
  rateLimitWindowSeconds: number;
  /** Token bucket size (burst allowance), >= 1. */
  rateLimitCapacity: number;
  /** Token bucket: tokens added per second, > 0. */
  rateLimitRefillPerSecond: number;
  /** Send Retry-After on 429 and X-RateLimit-* on every webhook answer; false: none at all (the original's bare 429). */
  rateLimitHeaders: boolean;
  /** Same ticket and event inside this window is answered `duplicate`. */
  dedupeWindowMs: number;
  /** Requests slower than this count in `slow_operation_count`. */
  slowOperationMs: number;
  /** Samples kept for percentiles (a ring buffer, so memory stays flat). */
  metricsWindowSize: number;
  freshdeskUrl: URL;
  freshdeskApiKey: string;
  /** Deadline for one Freshdesk call, queueing in the pool included; past it the webhook answers 504. */
  freshdeskTimeoutMs: number;
  freshdeskConnections: number;
  freshdeskCacheTtlMs: number;
  freshdeskCacheMaxEntries: number;
  /** Deadline of the Freshdesk probe behind GET /webhook/health. */
  healthTimeoutMs: number;
  /** On SIGTERM/SIGINT, in-flight requests get this long before the process gives up. */
  shutdownTimeoutMs: number;
  /** Consecutive Freshdesk outage failures that open the circuit breaker; 0 turns it off. */
  freshdeskBreakerThreshold: number;
  /** How long the open circuit answers at once (502) before one trial call. */
  freshdeskBreakerCooldownMs: number;
  /** A client must finish sending its headers within this (slow clients get 408). */
  headersTimeoutMs: number;
  /** A client must finish sending its whole request within this (408 otherwise). */
  requestTimeoutMs: number;
  /** When set, the final metrics document is written here as JSON when the process exits. */
  metricsSnapshotPath: string | undefined;
}

export const DEFAULT_SECRET_HINT = 'WEBHOOK_SECRET=test_secret_key_12345';

export function webhookConfigFromEnv(env: Env): WebhookConfig {
  const secret = env.WEBHOOK_SECRET ?? '';
  if (secret === '') {
    throw new EnvError(
      `WEBHOOK_SECRET is not set: the service cannot verify X-Freshdesk-Signature without it. ` +
        `Set it to the secret the sender signs with (the test suite uses ${DEFAULT_SECRET_HINT}).`,
    );
  }
  const config: WebhookConfig = {
    port: readInteger(env, 'PORT', 8801, { min: 0, max: 65535 }),
    host: readString(env, 'HOST', '127.0.0.1'),
    secret,
    logLevel: readChoice(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
    bodyLimitBytes: readInteger(env, 'BODY_LIMIT_BYTES', 1024 * 1024, { min: 1 }),
    rateLimitAlgorithm: readChoice(env, 'RATE_LIMIT_ALGORITHM', 'sliding-window', RATE_LIMIT_ALGORITHMS),
    rateLimitRequests: readInteger(env, 'RATE_LIMIT_REQUESTS', 100, { min: 1, max: 1_000_000 }),
    rateLimitWindowSeconds: readNumber(env, 'RATE_LIMIT_WINDOW_SECONDS', 60, { min: 0.001, max: 86_400 }),
    rateLimitCapacity: readRateLimitCapacity(env),
    rateLimitRefillPerSecond: readNumber(env, 'RATE_LIMIT_REFILL_PER_SECOND', 2, { min: 0 }),
    rateLimitHeaders: readBoolean(env, 'RATE_LIMIT_HEADERS', true),
    dedupeWindowMs: readInteger(env, 'DEDUPE_WINDOW_MS', 60_000, { min: 0 }),
    slowOperationMs: readNumber(env, 'SLOW_OPERATION_MS', 1000, { min: 0 }),
    metricsWindowSize: readInteger(env, 'METRICS_WINDOW_SIZE', 10_000, { min: 1, max: 1_000_000 }),
    freshdeskUrl: readUrl(env, 'FRESHDESK_URL', 'http://127.0.0.1:8802'),
    freshdeskApiKey: readString(env, 'FRESHDESK_API_KEY', 'test_freshdesk_api_key'),
    freshdeskTimeoutMs: readInteger(env, 'FRESHDESK_TIMEOUT_MS', 5000, { min: 1 }),
    freshdeskConnections: readInteger(env, 'FRESHDESK_POOL_CONNECTIONS', 10, { min: 1, max: 1000 }),
    freshdeskCacheTtlMs: readInteger(env, 'FRESHDESK_CACHE_TTL_MS', 5000, { min: 0 }),
    freshdeskCacheMaxEntries: readInteger(env, 'FRESHDESK_CACHE_MAX_ENTRIES', 1000, { min: 0 }),
    healthTimeoutMs: readInteger(env, 'HEALTH_TIMEOUT_MS', 1000, { min: 1 }),
    shutdownTimeoutMs: readInteger(env, 'SHUTDOWN_TIMEOUT_MS', 8000, { min: 1 }),
    freshdeskBreakerThreshold: readInteger(env, 'FRESHDESK_BREAKER_THRESHOLD', 5, { min: 0, max: 1_000_000 }),
    freshdeskBreakerCooldownMs: readInteger(env, 'FRESHDESK_BREAKER_COOLDOWN_MS', 5000, { min: 1, max: 3_600_000 }),
    headersTimeoutMs: readInteger(env, 'HEADERS_TIMEOUT_MS', 10_000, { min: 100, max: 3_600_000 }),
    requestTimeoutMs: readInteger(env, 'REQUEST_TIMEOUT_MS', 30_000, { min: 100, max: 3_600_000 }),
    metricsSnapshotPath: env.METRICS_SNAPSHOT_PATH?.trim() || undefined,
  };
  if (config.headersTimeoutMs > config.requestTimeoutMs) {
    throw new EnvError(
      `HEADERS_TIMEOUT_MS=${config.headersTimeoutMs} is above REQUEST_TIMEOUT_MS=${config.requestTimeoutMs}: ` +
        'the headers are part of the request, so set HEADERS_TIMEOUT_MS <= REQUEST_TIMEOUT_MS (defaults 10000 and 30000).',
    );
  }
  if (config.rateLimitRefillPerSecond === 0) {
    throw new EnvError(
      `RATE_LIMIT_REFILL_PER_SECOND=0 with RATE_LIMIT_CAPACITY=${config.rateLimitCapacity} would block for good after ` +
        `${config.rateLimitCapacity} requests: set a refill rate > 0 (default 2), or RATE_LIMIT_ALGORITHM=off to turn limiting off.`,
    );
  }
  return config;
}

/** RATE_LIMIT_CAPACITY used to turn limiting off with 0; say so rather than read it as a bucket of 0. */
function readRateLimitCapacity(env: Env): number {
  const text = env.RATE_LIMIT_CAPACITY?.trim();
  if (text && Number(text) === 0) {
    throw new EnvError(
      `RATE_LIMIT_CAPACITY=${text} no longer turns rate limiting off: set RATE_LIMIT_ALGORITHM=off for that ` +
        '(RATE_LIMIT_CAPACITY is the token bucket size: an integer >= 1, default 20).',
    );
  }
  return readInteger(env, 'RATE_LIMIT_CAPACITY', 20, { min: 1 });
}

/** A full config for tests and embedding: defaults plus overrides. */
export function webhookConfig(overrides: Partial<WebhookConfig> & Pick<WebhookConfig, 'secret'>): WebhookConfig {
  return { ...webhookConfigFromEnv({ WEBHOOK_SECRET: overrides.secret }), ...overrides };
}
