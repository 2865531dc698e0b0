// The webhook's small modules as pure units: token bucket, duplicate window, metrics windows,
// signature, payload normalisation and env parsing.
import { describe, expect, it } from 'vitest';
import { EnvError } from '../../../stack/env.ts';
import { webhookConfigFromEnv } from '../../../stack/webhook/config.ts';
import { createDedupe } from '../../../stack/webhook/dedupe.ts';
import { SampleWindow, WebhookMetrics, percentilesOf } from '../../../stack/webhook/metrics.ts';
import { ticketEventFrom } from '../../../stack/webhook/payload.ts';
import { createRateLimiter } from '../../../stack/webhook/rate-limiter.ts';
import { sign, signatureMatches } from '../../../stack/webhook/signature.ts';

describe('rate limiter (token bucket)', () => {
  it('lets the capacity through at once, then refuses with the time to the next token', () => {
    let t = 0;
    const limiter = createRateLimiter({ capacity: 3, refillPerSecond: 0.5, now: () => t });
    expect([1, 2, 3].map(() => limiter.take().allowed)).toEqual([true, true, true]);
    const refused = limiter.take();
    expect(refused).toEqual({ allowed: false, limit: 3, remaining: 0, resetSeconds: 6, retryAfterSeconds: 2 });
    t = 1999;
    expect(limiter.take().allowed).toBe(false);
    t = 2000;
    expect(limiter.take().allowed).toBe(true);
  });

  it('with the defaults, never refuses a steady 100/min over 10 minutes, and refuses part of any 50 in one second', () => {
    let t = 0;
    const steady = createRateLimiter({ capacity: 20, refillPerSecond: 2, now: () => t });
    let refusedSteady = 0;
    for (let i = 0; i < 1000; i += 1) {
      t = i * 600;
      if (!steady.take().allowed) refusedSteady += 1;
    }
    expect(refusedSteady).toBe(0);

    t = 0;
    const burst = createRateLimiter({ capacity: 20, refillPerSecond: 2, now: () => t });
    let allowed = 0;
    for (let i = 0; i < 50; i += 1) {
      t = i * 20; // all inside 1 s
      if (burst.take().allowed) allowed += 1;
    }
    expect(allowed).toBe(21);
  });

  it('capacity 0 turns limiting off', () => {
    const limiter = createRateLimiter({ capacity: 0, refillPerSecond: 0, now: () => 0 });
    expect(limiter.enabled).toBe(false);
    expect(Array.from({ length: 1000 }, () => limiter.take().allowed).every(Boolean)).toBe(true);
  });

  it('never holds more than the capacity after a long idle time', () => {
    let t = 0;
    const limiter = createRateLimiter({ capacity: 5, refillPerSecond: 10, now: () => t });
    t = 3_600_000;
    const results = Array.from({ length: 7 }, () => limiter.take().allowed);
    expect(results.filter(Boolean).length).toBe(5);
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
      rateLimitCapacity: 20,
      rateLimitRefillPerSecond: 2,
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
    ['RATE_LIMIT_REFILL_PER_SECOND', '0', /RATE_LIMIT_REFILL_PER_SECOND=0 with RATE_LIMIT_CAPACITY=20/],
  ])('a bad %s names the variable, the value and the fix', (name, value, message) => {
    expect(() => webhookConfigFromEnv({ WEBHOOK_SECRET: 's', [name]: value })).toThrow(message);
  });

  it('RATE_LIMIT_CAPACITY=0 turns limiting off without needing a refill rate', () => {
    expect(webhookConfigFromEnv({ WEBHOOK_SECRET: 's', RATE_LIMIT_CAPACITY: '0', RATE_LIMIT_REFILL_PER_SECOND: '0' }).rateLimitCapacity).toBe(0);
  });
});
