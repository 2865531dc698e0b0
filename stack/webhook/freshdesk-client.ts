// The Freshdesk REST client: one undici Pool (keep-alive, bounded connections), a deadline per
// call that covers waiting for a free connection, and a small TTL cache for ticket reads.
import { Pool } from 'undici';
import { createCircuitBreaker } from './circuit-breaker.ts';
import type { CircuitStats } from './circuit-breaker.ts';
import type { PoolStatsDoc } from './metrics.ts';

export interface Ticket {
  id: number;
  subject: string;
  status: number;
  priority: number;
  [field: string]: unknown;
}

export type FreshdeskFailure = 'timeout' | 'status' | 'network' | 'circuit_open';

/** A failed Freshdesk call; the webhook maps `timeout` to 504 and the rest to 502. */
export class FreshdeskError extends Error {
  override name = 'FreshdeskError';
  constructor(
    readonly failure: FreshdeskFailure,
    message: string,
    readonly status?: number,
    /** For `circuit_open`: when a call will be let through again. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export interface FreshdeskClientOptions {
  baseUrl: URL;
  apiKey: string;
  timeoutMs: number;
  connections: number;
  cacheTtlMs: number;
  cacheMaxEntries: number;
  /** Consecutive outage-like failures (unreachable, timeout, 5xx, 429) that open the circuit; 0 = no breaker. */
  breakerThreshold?: number;
  /** How long an open circuit refuses calls before one trial call. */
  breakerCooldownMs?: number;
  /** Called with the duration of every real API call (not cache hits). */
  onCall?: (elapsedMs: number) => void;
  now?: () => number;
}

export interface FreshdeskClient {
  getTicket(id: string): Promise<Ticket>;
  addNote(id: string, body: string): Promise<void>;
  /** True when the API answers its health probe in time. */
  ping(timeoutMs: number): Promise<boolean>;
  poolStats(): PoolStatsDoc;
  circuitStats(): CircuitStats;
  close(): Promise<void>;
}

function isTimeout(error: unknown): boolean {
  const e = error as { name?: string; code?: string } | null;
  return e?.name === 'TimeoutError' || e?.code === 'UND_ERR_HEADERS_TIMEOUT' || e?.code === 'UND_ERR_BODY_TIMEOUT';
}

export function createFreshdeskClient(options: FreshdeskClientOptions): FreshdeskClient {
  const now = options.now ?? (() => performance.now());
  const pool = new Pool(options.baseUrl.origin, {
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    connectTimeout: options.timeoutMs,
  });
  const prefix = options.baseUrl.pathname.replace(/\/$/, '');
  // Freshdesk's basic auth: the API key as user name, any password.
  const authorization = `Basic ${Buffer.from(`${options.apiKey}:X`).toString('base64')}`;
  const cache = new Map<string, { ticket: Ticket; expiresAt: number }>();
  const breaker = createCircuitBreaker({
    threshold: options.breakerThreshold ?? 0,
    cooldownMs: options.breakerCooldownMs ?? 5000,
    now,
  });

  async function call(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<unknown> {
    const label = `${method} ${path}`;
    if (!breaker.allow()) {
      const retryAfterMs = breaker.retryInMs();
      throw new FreshdeskError(
        'circuit_open',
        `Freshdesk API circuit is open after repeated failures; ${label} was not attempted (next try in ${Math.ceil(retryAfterMs)} ms)`,
        undefined,
        retryAfterMs,
      );
    }
    const started = now();
    try {
      const response = await pool.request({
        method,
        path: prefix + path,
        headers: {
          authorization,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const text = await response.body.text();
      if (response.statusCode < 200 || response.statusCode >= 300) {
        // A 4xx other than 429 is an answer about this call, not an outage.
        if (response.statusCode >= 500 || response.statusCode === 429) breaker.failure();
        else breaker.success();
        throw new FreshdeskError('status', `Freshdesk API answered ${response.statusCode} to ${label}`, response.statusCode);
      }
      breaker.success();
      return text === '' ? undefined : JSON.parse(text);
    } catch (error) {
      if (error instanceof FreshdeskError) throw error;
      breaker.failure();
      if (isTimeout(error)) {
        throw new FreshdeskError('timeout', `Freshdesk API did not answer ${label} within ${options.timeoutMs} ms`);
      }
      throw new FreshdeskError('network', `Freshdesk API unreachable for ${label}: ${(error as Error).message}`);
    } finally {
      options.onCall?.(now() - started);
    }
  }

  return {
    async getTicket(id) {
      const t = now();
      const hit = cache.get(id);
      if (hit && hit.expiresAt > t) return hit.ticket;
      cache.delete(id);
      const ticket = (await call('GET', `/api/v2/tickets/${encodeURIComponent(id)}`)) as Ticket;
      if (options.cacheTtlMs > 0 && options.cacheMaxEntries > 0) {
        cache.set(id, { ticket, expiresAt: now() + options.cacheTtlMs });
        // Oldest entries go first; expired ones are dropped on read.
        for (const key of cache.keys()) {
          if (cache.size <= options.cacheMaxEntries) break;
          cache.delete(key);
        }
      }
      return ticket;
    },
    async addNote(id, body) {
      await call('POST', `/api/v2/tickets/${encodeURIComponent(id)}/notes`, { body, private: true });
    },
    async ping(timeoutMs) {
      try {
        const response = await pool.request({ method: 'GET', path: `${prefix}/health`, signal: AbortSignal.timeout(timeoutMs) });
        await response.body.dump();
        return response.statusCode === 200;
      } catch {
        return false;
      }
    },
    circuitStats() {
      return breaker.stats();
    },
    poolStats() {
      const { connected, pending, running, size } = pool.stats;
      return { connected, pending, running, size };
    },
    async close() {
      await pool.close();
    },
  };
}
