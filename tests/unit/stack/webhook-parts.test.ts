// The webhook's small modules as pure units: rate limiters (sliding window, token bucket),
// duplicate window, metrics windows, signature, payload normalisation and env parsing.
import { describe, expect, it } from 'vitest';
import { EnvError } from '../../../stack/env.ts';
import { webhookConfigFromEnv } from '../../../stack/webhook/config.ts';
import { createDedupe } from '../../../stack/webhook/dedupe.ts';
import { SampleWindow, WebhookMetrics, percentilesOf } from '../../../stack/webhook/metrics.ts';
import { ignoreReason, ticketEventFrom } from '../../../stack/webhook/payload.ts';
import { createRateLimiter, createSlidingWindow, createTokenBucket } from '../../../stack/webhook/rate-limiter.ts';
import { sign, signatureMatches } from '../../../stack/webhook/signature.ts';

describe('rate limiter (token bucket, global)', () => {
  it('lets the capacity through at once, then refuses with the time to the next token', () => {
    let t = 0;
    const limiter = createTokenBucket({ capacity: 3, refillPerSecond: 0.5, now: () => t });
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
    const refused = limiter.take('b'); // one bucket for every client
    expect(refused).toEqual({ allowed: false, limit: 3, remaining: 0, resetSeconds: 6, retryAfterSeconds: 2 });
    t = 1999;
    expect(limiter.take('c').allowed).toBe(false);
    t = 2000;
    expect(limiter.take('a').allowed).toBe(true);
  });

  it('with (20, 2/s), never refuses a steady 100/min over 10 minutes, and refuses part of any 50 in one second', () => {
    let t = 0;
    const steady = createTokenBucket({ capacity: 20, refillPerSecond: 2, now: () => t });
    let refusedSteady = 0;
    for (let i = 0; i < 1000; i += 1) {
      t = i * 600;
      if (!steady.take('a').allowed) refusedSteady += 1;
    }
    expect(refusedSteady).toBe(0);

    t = 0;
    const burst = createTokenBucket({ capacity: 20, refillPerSecond: 2, now: () => t });
    let allowed = 0;
    for (let i = 0; i < 50; i += 1) {
      t = i * 20; // all inside 1 s
      if (burst.take('a').allowed) allowed += 1;
    }
    expect(allowed).toBe(21);
  });

  it('never holds more than the capacity after a long idle time', () => {
    let t = 0;
    const limiter = createTokenBucket({ capacity: 5, refillPerSecond: 10, now: () => t });
    t = 3_600_000;
    const results = Array.from({ length: 7 }, () => limiter.take('a').allowed);
    expect(results.filter(Boolean).length).toBe(5);
  });

  it('refuses a capacity below 1 or a refill of 0 (use the algorithm off instead)', () => {
    expect(() => createTokenBucket({ capacity: 0, refillPerSecond: 2 })).toThrow(/capacity must be an integer >= 1/);
    expect(() => createTokenBucket({ capacity: 5, refillPerSecond: 0 })).toThrow(/refillPerSecond must be > 0/);
  });
});

describe('rate limiter: off', () => {
  it('lets everything through', () => {
    const limiter = createRateLimiter({ algorithm: 'off' });
    expect(limiter.enabled).toBe(false);
    expect(Array.from({ length: 1000 }, () => limiter.take('a').allowed).every(Boolean)).toBe(true);
  });
});

describe('rate limiter (sliding window, per client)', () => {
  const window = (limit: number, windowMs: number, clock: () => number, maxClients?: number) =>
    createSlidingWindow({ limit, windowMs, now: clock, ...(maxClients ? { maxClients } : {}) });

  it('admits exactly the limit within one window and refuses the next', () => {
    let t = 0;
    const limiter = window(100, 60_000, () => t);
    const decisions = Array.from({ length: 101 }, (_, i) => {
      t = i * 500; // 101 requests over 50 s
      return limiter.take('127.0.0.11');
    });
    expect(decisions.slice(0, 100).every((d) => d.allowed)).toBe(true);
    expect(decisions[0]).toEqual({ allowed: true, limit: 100, remaining: 99, resetSeconds: 60, retryAfterSeconds: 0 });
    expect(decisions[99]!.remaining).toBe(0);
    expect(decisions[100]).toMatchObject({ allowed: false, limit: 100, remaining: 0 });
  });

  it('refused requests do not extend the window: one windowMs after the first admitted, one more is admitted', () => {
    let t = 0;
    const limiter = window(3, 10_000, () => t);
    for (const at of [0, 1000, 2000]) {
      t = at;
      expect(limiter.take('ip').allowed).toBe(true);
    }
    // Refused requests keep arriving every 100 ms until just before the first entry leaves.
    for (t = 2100; t < 10_000; t += 100) expect(limiter.take('ip').allowed).toBe(false);
    t = 10_000; // the entry of t=0 leaves; the refused ones were never entries
    expect(limiter.take('ip').allowed).toBe(true);
    expect(limiter.take('ip').allowed).toBe(false);
    t = 11_000; // the entry of t=1000 leaves
    expect(limiter.take('ip').allowed).toBe(true);
  });

  it('the window is (t - windowMs, t]: an entry counts until exactly windowMs later, then it has left', () => {
    let t = 1_000;
    const limiter = window(1, 60_000, () => t);
    expect(limiter.take('ip').allowed).toBe(true);
    t = 1_000 + 59_999;
    expect(limiter.take('ip').allowed).toBe(false); // the contract's request 100 at 59.999 s
    t = 1_000 + 60_000;
    expect(limiter.take('ip').allowed).toBe(true);
  });

  it('at exactly 100 requests a minute, 200 requests see no 429; the 100th one 1 ms early sees one', () => {
    let t = 0;
    const limiter = window(100, 60_000, () => t);
    const refused: number[] = [];
    for (let i = 0; i < 200; i += 1) {
      t = i * 600 - (i === 100 ? 1 : 0);
      if (!limiter.take('ip').allowed) refused.push(i);
    }
    expect(refused).toEqual([100]);
  });

  it('each client IP has its own window', () => {
    let t = 0;
    const limiter = window(2, 60_000, () => t);
    expect([limiter.take('a').allowed, limiter.take('a').allowed, limiter.take('a').allowed]).toEqual([true, true, false]);
    t = 1000;
    expect([limiter.take('b').allowed, limiter.take('b').allowed, limiter.take('b').allowed]).toEqual([true, true, false]);
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('c')).toMatchObject({ allowed: true, remaining: 1 });
    expect(limiter.trackedClients).toBe(3);
  });

  it('Retry-After is the time until the oldest admitted entry leaves (ceil, at least 1); Reset likewise', () => {
    let t = 0;
    const limiter = window(2, 60_000, () => t);
    limiter.take('ip');
    t = 30_000;
    expect(limiter.take('ip')).toEqual({ allowed: true, limit: 2, remaining: 0, resetSeconds: 30, retryAfterSeconds: 0 });
    t = 45_500;
    expect(limiter.take('ip')).toEqual({ allowed: false, limit: 2, remaining: 0, resetSeconds: 15, retryAfterSeconds: 15 }); // 14.5 s, ceil
    t = 59_999.5;
    expect(limiter.take('ip').retryAfterSeconds).toBe(1); // 0.5 ms left: at least 1
    t = 60_000;
    expect(limiter.take('ip')).toMatchObject({ allowed: true, remaining: 0, resetSeconds: 30 });
  });

  it('keeps memory bounded: at most limit timestamps per client, idle clients forgotten, a cap on clients', () => {
    let t = 0;
    const limiter = createSlidingWindow({ limit: 50, windowMs: 1000, maxClients: 100, now: () => t });
    for (let i = 0; i < 10_000; i += 1) limiter.take('busy'); // refused ones are not kept
    expect(limiter.heldFor('busy')).toBeLessThanOrEqual(50);
    for (let i = 0; i < 5_000; i += 1) {
      t = i; // a new client every ms, the window 1 s, the cap 100
      limiter.take(`10.0.${i >> 8}.${i & 255}`);
    }
    expect(limiter.trackedClients).toBe(100);
    expect(limiter.heldFor('busy')).toBe(0); // left long ago
    t += 1000; // everyone's newest entry has left the window
    limiter.take('fresh');
    expect(limiter.trackedClients).toBe(1);
  });

  it('the cap forgets the client with the oldest newest entry, which then gets a fresh window', () => {
    let t = 0;
    const limiter = window(1, 60_000, () => t, 2);
    limiter.take('a');
    t = 1;
    limiter.take('b');
    t = 2;
    expect(limiter.take('a').allowed).toBe(false); // a refusal does not make "a" recent
    limiter.take('c'); // third client: "a" (newest entry at 0) is dropped
    expect(limiter.trackedClients).toBe(2);
    expect(limiter.take('b').allowed).toBe(false);
    expect(limiter.take('a').allowed).toBe(true);
  });

  it('describes its policy for the 429 message', () => {
    expect(window(100, 60_000, () => 0).policy).toBe('100 requests per 60 seconds per client');
    expect(window(1, 1000, () => 0).policy).toBe('1 request per 1 second per client');
    expect(createTokenBucket({ capacity: 20, refillPerSecond: 2 }).policy).toBe(
      'bursts of 20 requests, refilled at 2 per second, shared by all clients',
    );
  });

  it('refuses a limit below 1 and a window of 0', () => {
    expect(() => window(0, 1000, () => 0)).toThrow(/limit must be an integer >= 1/);
    expect(() => window(1, 0, () => 0)).toThrow(/windowMs must be > 0/);
  });
});

describe('dedupe', () => {
  it('claims a key once per window and forgets it after the window', () => {
    let t = 0;
    const dedupe = createDedupe({ windowMs: 60_000, now: () => t });
    expect(dedupe.claim('1:ticket_created')).toBe(true);
    expect(dedupe.claim('1:ticket_created')).toBe(false);
    expect(dedupe.claim('1:ticket_updated')).toBe(true);
    t = 60_000;
    expect(dedupe.claim('1:ticket_created')).toBe(true);
  });

  it('release lets a failed event be processed again', () => {
    const dedupe = createDedupe({ windowMs: 60_000, now: () => 0 });
    expect(dedupe.claim('k')).toBe(true);
    dedupe.release('k');
    expect(dedupe.claim('k')).toBe(true);
  });

  it('keeps memory bounded: expired keys leave, and the cap evicts the oldest', () => {
    let t = 0;
    const dedupe = createDedupe({ windowMs: 1000, maxEntries: 100, now: () => t });
    for (let i = 0; i < 10_000; i += 1) {
      t = i; // 1 key per ms, window 1 s, cap 100
      dedupe.claim(`k${i}`);
    }
    expect(dedupe.size).toBe(100);
    t += 2000;
    dedupe.claim('fresh');
    expect(dedupe.size).toBe(1);
  });
});

describe('metrics', () => {
  it('percentiles interpolate between ranks', () => {
    const values = Array.from({ length: 101 }, (_, i) => i); // 0..100
    expect(percentilesOf(values)).toEqual({ p50: 50, p95: 95, p99: 99 });
    expect(percentilesOf([])).toEqual({ p50: 0, p95: 0, p99: 0 });
  });

  it('the sample window keeps only the most recent samples but counts and averages all of them', () => {
    const window = new SampleWindow(10);
    for (let i = 1; i <= 25; i += 1) window.add(i);
    expect(Array.from(window.sorted())).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    expect(window.count).toBe(25);
    expect(window.sum).toBe((25 * 26) / 2);
  });

  it('document arithmetic: success rate, average, slow operations', () => {
    const metrics = new WebhookMetrics(100, 1000);
    [100, 200, 300].forEach((ms) => metrics.recordWebhook(true, ms));
    metrics.recordWebhook(false, 1500);
    metrics.recordUnprocessed('duplicate');
    metrics.recordUnprocessed('duplicate');
    metrics.recordUnprocessed('ignored');
    metrics.recordFreshdeskCall(50);
    metrics.recordFreshdeskCall(150);
    const proc = { rss_bytes: 2, heap_used_bytes: 1, event_loop_delay_p99_ms: 0, uptime_seconds: 1 };
    const pool = { connected: 1, pending: 0, running: 0, size: 0 };
    const doc = metrics.document(proc, pool);
    expect(doc.webhook_metrics).toEqual({
      success_count: 3,
      failure_count: 1,
      success_rate_percent: 75,
      client_error_count: 0,
      duplicate_count: 2, // neither successes nor failures, and no processing time
      ignored_count: 1,
      processing_times: { p50: 250, p95: 1320, p99: 1464, average: 525, count: 4 },
    });
    expect(doc.performance_metrics).toEqual({ slow_operation_count: 1, api_latencies: { freshdesk: { p50: 100, p95: 145, p99: 149 } } });
    expect(doc.process).toBe(proc);
    expect(doc.freshdesk_pool).toBe(pool);
  });
});

describe('signature', () => {
  it('accepts only the lowercase hex HMAC-SHA256 of the exact bytes', () => {
    const body = Buffer.from('{"ticket_id":"1"}');
    const good = sign('s3cret', body);
    expect(good).toMatch(/^[0-9a-f]{64}$/);
    expect(signatureMatches('s3cret', body, good)).toBe(true);
    expect(signatureMatches('s3cret', body, good.toUpperCase())).toBe(false);
    expect(signatureMatches('other', body, good)).toBe(false);
    expect(signatureMatches('s3cret', Buffer.from('{"ticket_id":"2"}'), good)).toBe(false);
    expect(signatureMatches('s3cret', body, undefined)).toBe(false);
    expect(signatureMatches('s3cret', body, [good, good])).toBe(false);
    expect(signatureMatches('s3cret', body, `sha256=${good}`)).toBe(false);
  });
});

describe('payload normalisation', () => {
  const at = new Date('2026-11-27T10:00:00.000Z');
  it('reads both shapes; ids as string or number map to one canonical id', () => {
    expect(ticketEventFrom({ ticket_id: '0042', event: 'note_added', triggered_at: 'x' }, at)).toEqual({
      ticketId: '42',
      ticketIdAsSent: '0042',
      event: 'note_added',
      triggeredAt: 'x',
      shape: 'flat',
    });
    expect(ticketEventFrom({ freshdesk_webhook: { ticket_id: 42 } }, at)).toEqual({
      ticketId: '42',
      ticketIdAsSent: 42,
      event: 'ticket_created',
      triggeredAt: at.toISOString(),
      shape: 'wrapped',
    });
  });

  it('keeps ticket_subject and ticket_description when they are strings, from either shape', () => {
    expect(ticketEventFrom({ ticket_id: '1', ticket_subject: 'Help', ticket_description: 3 }, at)).toMatchObject({ subject: 'Help' });
    expect(ticketEventFrom({ ticket_id: '1', ticket_subject: 'Help', ticket_description: 3 }, at)).not.toHaveProperty('description');
    expect(
      ticketEventFrom({ freshdesk_webhook: { ticket_id: 1, ticket_subject: 'Refund request', ticket_description: '<div>x</div>' } }, at),
    ).toMatchObject({
      subject: 'Refund request',
      description: '<div>x</div>',
    });
  });

  it('handles ticket_created, note_added and refund ticket_updated; ignores the rest with a reason', () => {
    const reason = (body: object) => ignoreReason(ticketEventFrom(body, at));
    expect(reason({ ticket_id: '1', event: 'ticket_created' })).toBeUndefined();
    expect(reason({ ticket_id: '1', event: 'note_added' })).toBeUndefined();
    expect(reason({ freshdesk_webhook: { ticket_id: 1 } })).toBeUndefined(); // event defaults to ticket_created
    expect(reason({ ticket_id: '1', event: 'ticket_updated', ticket_subject: 'REFUND please' })).toBeUndefined();
    expect(
      reason({ event: 'ticket_updated', freshdesk_webhook: { ticket_id: 1, ticket_subject: 'x', ticket_description: '<p>Refunds?</p>' } }),
    ).toBeUndefined();
    expect(reason({ ticket_id: '1', event: 'ticket_updated', ticket_subject: 'Load Test Ticket 1' })).toMatch(/only for refund tickets/);
    expect(reason({ ticket_id: '1', event: 'ticket_updated' })).toMatch(/only for refund tickets/);
    expect(reason({ ticket_id: '1', event: 'ticket_deleted' })).toMatch(
      /event "ticket_deleted" is not handled \(handled: ticket_created, ticket_updated, note_added\)/,
    );
  });
});

describe('webhook config from env', () => {
  it('refuses to start without WEBHOOK_SECRET, naming the variable', () => {
    expect(() => webhookConfigFromEnv({})).toThrow(EnvError);
    expect(() => webhookConfigFromEnv({ WEBHOOK_SECRET: '' })).toThrow(/WEBHOOK_SECRET is not set/);
  });

  it('has the documented defaults', () => {
    const config = webhookConfigFromEnv({ WEBHOOK_SECRET: 's' });
    expect(config).toMatchObject({
      port: 8801,
      host: '127.0.0.1',
      bodyLimitBytes: 1048576,
      rateLimitAlgorithm: 'sliding-window',
      rateLimitRequests: 100,
      rateLimitWindowSeconds: 60,
      rateLimitCapacity: 20,
      rateLimitRefillPerSecond: 2,
      rateLimitHeaders: true,
      dedupeWindowMs: 60000,
      slowOperationMs: 1000,
      freshdeskTimeoutMs: 5000,
      freshdeskConnections: 10,
    });
    expect(config.freshdeskUrl.href).toBe('http://127.0.0.1:8802/');
  });

  it.each([
    ['PORT', '80a', /PORT="80a" is invalid: set it to an integer >= 0 and <= 65535/],
    ['RATE_LIMIT_CAPACITY', '-1', /RATE_LIMIT_CAPACITY="-1" is invalid/],
    ['BODY_LIMIT_BYTES', '1.5', /BODY_LIMIT_BYTES="1.5" is invalid: set it to an integer/],
    ['FRESHDESK_URL', 'nope', /FRESHDESK_URL="nope" is not a URL/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL="loud" is invalid: use one of/],
    ['RATE_LIMIT_REFILL_PER_SECOND', '0', /RATE_LIMIT_REFILL_PER_SECOND=0 with RATE_LIMIT_CAPACITY=20 .*RATE_LIMIT_ALGORITHM=off/],
    [
      'RATE_LIMIT_ALGORITHM',
      'leaky-bucket',
      /RATE_LIMIT_ALGORITHM="leaky-bucket" is invalid: use one of sliding-window, token-bucket, off \(default sliding-window\)/,
    ],
    ['RATE_LIMIT_REQUESTS', '0', /RATE_LIMIT_REQUESTS="0" is invalid: set it to an integer >= 1 and <= 1000000 \(default 100\)/],
    ['RATE_LIMIT_REQUESTS', '2.5', /RATE_LIMIT_REQUESTS="2.5" is invalid: set it to an integer/],
    ['RATE_LIMIT_WINDOW_SECONDS', '0', /RATE_LIMIT_WINDOW_SECONDS="0" is invalid: set it to a number >= 0.001 and <= 86400 \(default 60\)/],
    ['RATE_LIMIT_WINDOW_SECONDS', 'minute', /RATE_LIMIT_WINDOW_SECONDS="minute" is invalid/],
    ['RATE_LIMIT_HEADERS', 'maybe', /RATE_LIMIT_HEADERS="maybe" is invalid: set it to true or false \(default true\)/],
  ])('a bad %s names the variable, the value and the fix', (name, value, message) => {
    expect(() => webhookConfigFromEnv({ WEBHOOK_SECRET: 's', [name]: value })).toThrow(message);
  });

  it('RATE_LIMIT_CAPACITY=0 no longer turns limiting off: an error pointing at RATE_LIMIT_ALGORITHM=off', () => {
    for (const algorithm of ['sliding-window', 'token-bucket', 'off']) {
      expect(() => webhookConfigFromEnv({ WEBHOOK_SECRET: 's', RATE_LIMIT_ALGORITHM: algorithm, RATE_LIMIT_CAPACITY: '0' })).toThrow(
        /RATE_LIMIT_CAPACITY=0 no longer turns rate limiting off: set RATE_LIMIT_ALGORITHM=off/,
      );
    }
  });

  it('reads the rate-limit settings: algorithm, window, bucket and headers', () => {
    const config = webhookConfigFromEnv({
      WEBHOOK_SECRET: 's',
      RATE_LIMIT_ALGORITHM: 'token-bucket',
      RATE_LIMIT_REQUESTS: '5',
      RATE_LIMIT_WINDOW_SECONDS: '0.5',
      RATE_LIMIT_CAPACITY: '7',
      RATE_LIMIT_REFILL_PER_SECOND: '0.25',
      RATE_LIMIT_HEADERS: 'false',
    });
    expect(config).toMatchObject({
      rateLimitAlgorithm: 'token-bucket',
      rateLimitRequests: 5,
      rateLimitWindowSeconds: 0.5,
      rateLimitCapacity: 7,
      rateLimitRefillPerSecond: 0.25,
      rateLimitHeaders: false,
    });
    expect(webhookConfigFromEnv({ WEBHOOK_SECRET: 's', RATE_LIMIT_ALGORITHM: 'off' }).rateLimitAlgorithm).toBe('off');
    for (const [text, value] of [
      ['TRUE', true],
      ['1', true],
      ['yes', true],
      ['No', false],
      ['0', false],
    ] as const) {
      expect(webhookConfigFromEnv({ WEBHOOK_SECRET: 's', RATE_LIMIT_HEADERS: text }).rateLimitHeaders).toBe(value);
    }
  });
});
