// Every answer of the webhook service through app.inject(), against a real mock on loopback.
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../../stack/webhook/app.ts';
import { webhookConfig } from '../../../stack/webhook/config.ts';
import type { WebhookConfig } from '../../../stack/webhook/config.ts';
import { sign } from '../../../stack/webhook/signature.ts';
import { closedPortUrl, startMock } from './fixtures/mock-server.ts';
import type { RunningMock } from './fixtures/mock-server.ts';

const SECRET = 'test_secret_key_12345';
let mock: RunningMock;
const apps: FastifyInstance[] = [];
let nextTicket = 5000;

beforeAll(async () => {
  mock = await startMock();
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await mock.close();
});

function makeApp(overrides: Partial<WebhookConfig> = {}, now?: () => number): FastifyInstance {
  const config = webhookConfig({ secret: SECRET, freshdeskUrl: mock.url, rateLimitAlgorithm: 'off', ...overrides });
  const app = buildApp(config, { logger: false, now });
  apps.push(app);
  return app;
}

interface PostOptions {
  signature?: string | null;
  contentType?: string | null;
  /** The client IP the app sees (request.ip); light-my-request's default is 127.0.0.1. */
  remoteAddress?: string;
}

function post(app: FastifyInstance, body: unknown, { signature, contentType = 'application/json', remoteAddress }: PostOptions = {}) {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const headers: Record<string, string> = {};
  if (contentType !== null) headers['content-type'] = contentType;
  const sig = signature === undefined ? sign(SECRET, payload) : signature;
  if (sig !== null) headers['x-freshdesk-signature'] = sig;
  return app.inject({ method: 'POST', url: '/webhook/freshdesk', headers, payload, ...(remoteAddress ? { remoteAddress } : {}) });
}

async function webhookMetrics(app: FastifyInstance) {
  return (await app.inject({ method: 'GET', url: '/webhook/metrics' })).json().webhook_metrics;
}

const flat = (ticketId: string | number = String(nextTicket++), event = 'ticket_created') => ({
  ticket_id: ticketId,
  event,
  triggered_at: '2026-11-27T10:00:00.000Z',
  ticket_subject: `Load Test Ticket ${ticketId}`,
  ticket_status: 2,
  ticket_priority: 1,
  requester_email: 'loadtest0@example.com',
});

const wrapped = (ticketId: string | number = nextTicket++) => ({
  freshdesk_webhook: {
    ticket_id: ticketId,
    ticket_subject: 'Refund request',
    ticket_description: '<div>...</div>',
    ticket_status: 'Open',
    ticket_priority: 'Low',
  },
});

function expectError(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = response.json<{ code: string; message: string }>();
  expect(body.code).toBe(code);
  expect(body.message.length).toBeGreaterThan(5);
  expect(response.body).not.toContain(SECRET);
}

describe('POST /webhook/freshdesk answers', () => {
  it('200 processed for the flat shape with a string ticket_id, after reading the ticket and posting a note', async () => {
    const app = makeApp();
    const before = await mock.stats();
    const response = await post(app, flat('1000'));
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ status: 'processed', ticket_id: '1000', event: 'ticket_created' });
    expect(body.processing_time_ms).toBeGreaterThan(0);
    const after = await mock.stats();
    expect(after.get_ticket - before.get_ticket).toBe(1);
    expect(after.create_note - before.create_note).toBe(1);
  });

  it('200 processed for the wrapped Freshdesk shape with a numeric ticket_id; event defaults to ticket_created', async () => {
    const response = await post(makeApp(), wrapped(1228307));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ status: 'processed', ticket_id: 1228307, event: 'ticket_created' });
  });

  it('200 duplicate for the same ticket and event inside the window, without processing again', async () => {
    const app = makeApp();
    const first = await post(app, flat('2000'));
    const before = await mock.stats();
    const again = await post(app, flat('2000'));
    const sameTicketAsNumber = await post(app, wrapped(2000)); // "2000" and 2000 are one ticket
    const otherEvent = await post(app, flat('2000', 'note_added'));
    const after = await mock.stats();
    expect(first.json().status).toBe('processed');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ status: 'duplicate', ticket_id: '2000' });
    expect(sameTicketAsNumber.json().status).toBe('duplicate');
    expect(otherEvent.json().status).toBe('processed');
    expect(after.create_note - before.create_note).toBe(1); // only the note_added event
  });

  it('duplicates are answered 200 but are not successes: duplicate_count grows, success_count does not', async () => {
    const app = makeApp();
    await post(app, flat('2050'));
    for (let i = 0; i < 3; i += 1) expect((await post(app, flat('2050'))).json().status).toBe('duplicate');
    const w = await webhookMetrics(app);
    expect(w).toMatchObject({ success_count: 1, failure_count: 0, duplicate_count: 3, ignored_count: 0, success_rate_percent: 100 });
    expect(w.processing_times.count).toBe(1); // nothing was processed for the duplicates
  });

  it('200 ignored, without processing or counting a success, for unsupported events and non-refund ticket_updated', async () => {
    const app = makeApp();
    const before = await mock.stats();
    const unsupported = await post(app, flat('2060', 'ticket_deleted'));
    const plainUpdate = await post(app, flat('2061', 'ticket_updated')); // subject "Load Test Ticket 2061"
    const wrappedUpdate = await post(app, {
      event: 'ticket_updated',
      freshdesk_webhook: { ticket_id: 2062, ticket_subject: 'Printer jam' },
    });
    const after = await mock.stats();
    expect(unsupported.statusCode).toBe(200);
    expect(unsupported.json()).toEqual({
      status: 'ignored',
      ticket_id: '2060',
      event: 'ticket_deleted',
      reason: expect.stringContaining('"ticket_deleted" is not handled'),
      processing_time_ms: expect.any(Number),
    });
    expect(plainUpdate.statusCode).toBe(200);
    expect(plainUpdate.json()).toMatchObject({ status: 'ignored', event: 'ticket_updated', reason: expect.stringMatching(/refund/) });
    expect(wrappedUpdate.json()).toMatchObject({ status: 'ignored', ticket_id: 2062 });
    expect(after.get_ticket - before.get_ticket).toBe(0);
    expect(after.create_note - before.create_note).toBe(0);
    expect(await webhookMetrics(app)).toMatchObject({ success_count: 0, failure_count: 0, duplicate_count: 0, ignored_count: 3 });
    // Ignored events are not remembered: the same event, now about a refund, is processed.
    expect((await post(app, { ...flat('2061', 'ticket_updated'), ticket_subject: 'Refund for order 2061' })).json().status).toBe(
      'processed',
    );
    expect((await post(app, wrapped(2063))).json().status).toBe('processed'); // wrapped, ticket_created by default
  });

  it('processes a refund ticket_updated ("refund" in the subject or description, any case)', async () => {
    const app = makeApp();
    const before = (await mock.stats()).create_note;
    expect((await post(app, { ...flat('2070', 'ticket_updated'), ticket_subject: 'REFUND please' })).json().status).toBe('processed');
    expect(
      (
        await post(app, {
          event: 'ticket_updated',
          freshdesk_webhook: { ticket_id: 2071, ticket_subject: 'Order', ticket_description: '<p>I want a refund</p>' },
        })
      ).json().status,
    ).toBe('processed');
    expect((await mock.stats()).create_note - before).toBe(2);
    expect(await webhookMetrics(app)).toMatchObject({ success_count: 2, ignored_count: 0 });
  });

  it('processes the same event again once the duplicate window has passed', async () => {
    let clock = 0;
    const app = makeApp({ dedupeWindowMs: 60_000 }, () => clock);
    expect((await post(app, flat('2100'))).json().status).toBe('processed');
    clock = 59_000;
    expect((await post(app, flat('2100'))).json().status).toBe('duplicate');
    clock = 60_001;
    expect((await post(app, flat('2100'))).json().status).toBe('processed');
  });

  it('reads a ticket once within FRESHDESK_CACHE_TTL_MS, and every time with the cache off', async () => {
    const getsFor = async (app: FastifyInstance, ticket: string) => {
      const before = (await mock.stats()).get_ticket;
      for (const event of ['ticket_created', 'ticket_updated', 'note_added']) {
        expect((await post(app, { ...flat(ticket, event), ticket_subject: 'Refund request' })).json().status).toBe('processed');
      }
      return (await mock.stats()).get_ticket - before;
    };
    expect(await getsFor(makeApp({ freshdeskCacheTtlMs: 60_000 }), '2300')).toBe(1);
    expect(await getsFor(makeApp({ freshdeskCacheTtlMs: 0 }), '2301')).toBe(3);
  });

  it('401 when the signature is missing, wrong, upper-case, or made with another secret', async () => {
    const app = makeApp();
    const body = JSON.stringify(flat());
    expectError(await post(app, body, { signature: null }), 401, 'invalid_signature');
    expectError(await post(app, body, { signature: '' }), 401, 'invalid_signature');
    expectError(await post(app, body, { signature: sign(SECRET, body).toUpperCase() }), 401, 'invalid_signature');
    expectError(await post(app, body, { signature: sign('another_secret', body) }), 401, 'invalid_signature');
    expectError(await post(app, body, { signature: sign(SECRET, `${body} `) }), 401, 'invalid_signature');
    expectError(await post(app, body, { signature: sign(SECRET, body).slice(0, 63) }), 401, 'invalid_signature');
  });

  it('verifies the exact bytes: the same JSON re-serialised with other spacing is a different body', async () => {
    const app = makeApp();
    const compact = JSON.stringify(flat('2200'));
    const spaced = JSON.stringify(JSON.parse(compact), null, 2);
    expectError(await post(app, spaced, { signature: sign(SECRET, compact) }), 401, 'invalid_signature');
    expect((await post(app, spaced)).statusCode).toBe(200);
  });

  it('400 for malformed JSON and for invalid UTF-8, when correctly signed', async () => {
    const app = makeApp();
    expectError(await post(app, '{"ticket_id": "1",'), 400, 'invalid_json');
    expectError(await post(app, ''), 400, 'invalid_json');
    const badUtf8 = Buffer.concat([Buffer.from('{"ticket_id":"7","event":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    expectError(await post(app, badUtf8), 400, 'invalid_json');
  });

  it('413 for a body over the limit (default 1 MiB, and a configured one)', async () => {
    const big = JSON.stringify({ ...flat(), padding: 'x'.repeat(1024 * 1024) });
    expectError(await post(makeApp(), big), 413, 'payload_too_large');
    const small = makeApp({ bodyLimitBytes: 400 });
    expect((await post(small, flat())).statusCode).toBe(200);
    expectError(await post(small, { ...flat(), padding: 'x'.repeat(400) }), 413, 'payload_too_large');
  });

  it('415 when the body is not declared as JSON', async () => {
    const app = makeApp();
    expectError(await post(app, flat(), { contentType: 'text/plain' }), 415, 'unsupported_media_type');
    expectError(await post(app, flat(), { contentType: 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
    expectError(await post(app, flat(), { contentType: null }), 415, 'unsupported_media_type');
    // charset parameters are fine
    expect((await post(app, flat(), { contentType: 'application/json; charset=utf-8' })).statusCode).toBe(200);
  });

  it.each([
    ['no ticket_id', { event: 'ticket_created' }],
    ['ticket_id of letters', { ticket_id: 'abc' }],
    ['negative ticket_id', { ticket_id: -1 }],
    ['fractional ticket_id', { ticket_id: 1.5 }],
    ['ticket_id null', { ticket_id: null }],
    ['ticket_id as object', { ticket_id: { id: 1 } }],
    ['empty event', { ticket_id: '1', event: '' }],
    ['event as number', { ticket_id: '1', event: 3 }],
    ['wrapped without ticket_id', { freshdesk_webhook: { ticket_subject: 'x' } }],
    ['wrapped as string', { freshdesk_webhook: '1' }],
    ['a JSON array', [{ ticket_id: '1' }]],
    ['JSON null', null],
    ['a JSON number', 42],
  ])('422 for a payload without a usable ticket_id: %s', async (_name, body) => {
    expectError(await post(makeApp(), JSON.stringify(body)), 422, 'invalid_payload');
  });

  it('502 when the Freshdesk API answers an error, and the event is not remembered as done', async () => {
    const failing = await startMock({ errorRate: 1, errorStatus: 500 });
    try {
      const app = makeApp({ freshdeskUrl: failing.url });
      const body = flat('3000');
      const response = await post(app, body);
      expectError(response, 502, 'freshdesk_error');
      expect(response.json().message).toContain('500');
      expectError(await post(app, body), 502, 'freshdesk_error'); // a retry is tried again, not a duplicate
    } finally {
      await failing.close();
    }
  });

  it('502 when the Freshdesk API is unreachable', async () => {
    const app = makeApp({ freshdeskUrl: await closedPortUrl(), freshdeskTimeoutMs: 2000 });
    expectError(await post(app, flat()), 502, 'freshdesk_error');
  });

  it('502 when the API key is refused by Freshdesk', async () => {
    const app = makeApp({ freshdeskApiKey: 'wrong-key' });
    const response = await post(app, flat());
    expectError(response, 502, 'freshdesk_error');
    expect(response.json().message).toContain('401');
  });

  it('504 when the Freshdesk API does not answer within FRESHDESK_TIMEOUT_MS', async () => {
    const slow = await startMock({ latencyDistribution: 'fixed', latencyMedianMs: 1000 });
    try {
      const app = makeApp({ freshdeskUrl: slow.url, freshdeskTimeoutMs: 50 });
      const started = performance.now();
      const response = await post(app, flat());
      expectError(response, 504, 'freshdesk_timeout');
      expect(performance.now() - started).toBeLessThan(900); // answered at the deadline, not after the mock
    } finally {
      await slow.close();
    }
  });

  it('404 JSON for unknown routes', async () => {
    const response = await makeApp().inject({ method: 'GET', url: '/nope' });
    expectError(response, 404, 'not_found');
  });
});

/** The app with the default rate limiting of webhookConfig (nothing overridden but the mock URL). */
function makeDefaultApp(now: () => number, overrides: Partial<WebhookConfig> = {}): FastifyInstance {
  const app = buildApp(webhookConfig({ secret: SECRET, freshdeskUrl: mock.url, ...overrides }), { logger: false, now });
  apps.push(app);
  return app;
}

const rateHeaders = (response: LightMyRequestResponse) =>
  Object.fromEntries(Object.entries(response.headers).filter(([name]) => name === 'retry-after' || name.startsWith('x-ratelimit-')));

describe('rate limiting by default: a sliding window of 100 requests per 60 s per client IP', () => {
  it('the 101st request of a client within 60 s gets 429 with Retry-After and X-RateLimit-*; other clients pass', async () => {
    let clock = 0;
    const app = makeDefaultApp(() => clock);
    const client = { remoteAddress: '127.0.1.1' };
    for (let i = 0; i < 100; i += 1) {
      clock = i * 100;
      const response = await post(app, flat(), client);
      expect(response.statusCode, response.body).toBe(200);
      // Reset: seconds until the oldest entry (t=0) leaves the window.
      const reset = String(Math.ceil((60_000 - clock) / 1000));
      expect(rateHeaders(response)).toEqual({
        'x-ratelimit-limit': '100',
        'x-ratelimit-remaining': String(99 - i),
        'x-ratelimit-reset': reset,
      });
    }
    clock = 10_000;
    const limited = await post(app, flat(), client);
    expectError(limited, 429, 'rate_limited');
    expect(limited.json().message).toBe('rate limit exceeded: 100 requests per 60 seconds per client; retry in 50 s');
    expect(rateHeaders(limited)).toEqual({
      'retry-after': '50',
      'x-ratelimit-limit': '100',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': '50',
    });

    const other = await post(app, flat(), { remoteAddress: '127.0.1.2' });
    expect(other.statusCode).toBe(200);
    expect(other.headers['x-ratelimit-remaining']).toBe('99');

    clock = 59_999; // the first request (t=0) is still in the window
    expect((await post(app, flat(), client)).statusCode).toBe(429);
    clock = 60_000; // now it has left: one slot, not more (the refused ones never entered)
    expect((await post(app, flat(), client)).statusCode).toBe(200);
    expect((await post(app, flat(), client)).statusCode).toBe(429);

    const w = await webhookMetrics(app);
    expect(w).toMatchObject({ success_count: 102, failure_count: 3 }); // every 429 is a failure
  });

  it('runs first: unsigned and malformed requests fill the window too, and every answer carries the headers', async () => {
    const clock = 0;
    const app = makeDefaultApp(() => clock, { rateLimitRequests: 2 });
    const unsigned = await post(app, flat(), { signature: null });
    expectError(unsigned, 401, 'invalid_signature');
    expect(unsigned.headers['x-ratelimit-remaining']).toBe('1');
    expectError(await post(app, '{'), 400, 'invalid_json');
    const limited = await post(app, flat());
    expectError(limited, 429, 'rate_limited');
    expect(limited.json().message).toBe('rate limit exceeded: 2 requests per 60 seconds per client; retry in 60 s');
    expect(limited.headers['retry-after']).toBe('60');
  });

  it('RATE_LIMIT_HEADERS=false: the bare 429 of the original, with no Retry-After and no X-RateLimit-* on any answer', async () => {
    let clock = 0;
    const app = makeDefaultApp(() => clock, { rateLimitRequests: 2, rateLimitHeaders: false });
    const client = { remoteAddress: '192.0.2.7' };
    for (let i = 0; i < 2; i += 1) {
      const ok = await post(app, flat(), client);
      expect(ok.statusCode).toBe(200);
      expect(rateHeaders(ok)).toEqual({});
    }
    clock = 1_000;
    const limited = await post(app, flat(), client);
    expectError(limited, 429, 'rate_limited');
    expect(rateHeaders(limited)).toEqual({});
    expect(limited.json()).toEqual({ code: 'rate_limited', message: 'rate limit exceeded: 2 requests per 60 seconds per client' });
    expect((await post(app, flat(), { remoteAddress: '192.0.2.8' })).statusCode).toBe(200);
    expect(rateHeaders(await post(app, flat(), { remoteAddress: '192.0.2.8', signature: null }))).toEqual({});
  });

  it('at exactly 100 requests a minute for 2 minutes every request passes (the window sits at its edge)', async () => {
    let clock = 0;
    const app = makeDefaultApp(() => clock);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 200; i += 1) {
      clock = i * 600;
      const status = (await post(app, flat())).statusCode;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 200: 200 });
  });

  it('RATE_LIMIT_ALGORITHM=off: no limit and no rate-limit headers', async () => {
    const app = makeDefaultApp(() => 0, { rateLimitAlgorithm: 'off', rateLimitRequests: 1 });
    for (let i = 0; i < 5; i += 1) {
      const response = await post(app, flat());
      expect(response.statusCode).toBe(200);
      expect(rateHeaders(response)).toEqual({});
    }
  });
});

describe('rate limiting with RATE_LIMIT_ALGORITHM=token-bucket (20, refilled at 2/s, one bucket for all clients)', () => {
  const bucket = { rateLimitAlgorithm: 'token-bucket', rateLimitCapacity: 20, rateLimitRefillPerSecond: 2 } as const;

  it('429 with Retry-After and X-RateLimit-* once the bucket is empty, and rate headers on every answer', async () => {
    let clock = 1_000;
    const app = makeApp({ rateLimitAlgorithm: 'token-bucket', rateLimitCapacity: 2, rateLimitRefillPerSecond: 1 }, () => clock);
    const first = await post(app, flat());
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-ratelimit-limit']).toBe('2');
    expect(first.headers['x-ratelimit-remaining']).toBe('1');
    expect((await post(app, flat(), { remoteAddress: '127.0.9.9' })).statusCode).toBe(200); // another client, the same bucket
    const limited = await post(app, flat());
    expectError(limited, 429, 'rate_limited');
    expect(limited.json().message).toBe(
      'rate limit exceeded: bursts of 2 requests, refilled at 1 per second, shared by all clients; retry in 1 s',
    );
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.headers['x-ratelimit-limit']).toBe('2');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(limited.headers['x-ratelimit-reset'])).toBe(2);
    clock += 1_000; // one token back
    expect((await post(app, flat())).statusCode).toBe(200);
  });

  it('with RATE_LIMIT_HEADERS=false its 429 is bare too', async () => {
    const app = makeApp(
      { rateLimitAlgorithm: 'token-bucket', rateLimitCapacity: 1, rateLimitRefillPerSecond: 1, rateLimitHeaders: false },
      () => 0,
    );
    expect(rateHeaders(await post(app, flat()))).toEqual({});
    const limited = await post(app, flat());
    expectError(limited, 429, 'rate_limited');
    expect(rateHeaders(limited)).toEqual({});
  });

  it('a burst of 50 inside one second on a fresh service sees 429s; exactly the bucket passes', async () => {
    let clock = 0;
    const app = makeApp(bucket, () => clock);
    const statuses: number[] = [];
    for (let i = 0; i < 50; i += 1) {
      clock = i * 19; // 50 requests spread over 0.95 s
      statuses.push((await post(app, flat())).statusCode);
    }
    const ok = statuses.filter((s) => s === 200).length;
    expect(statuses.filter((s) => s === 429).length).toBe(50 - ok);
    expect(ok).toBe(21); // 20 in the bucket + 1 refilled during 0.93 s
  });

  it('a steady 100 requests a minute never sees a 429, even for 3 minutes', async () => {
    let clock = 0;
    const app = makeApp(bucket, () => clock);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i += 1) {
      clock = i * 600;
      const status = (await post(app, flat())).statusCode;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 200: 300 });
  });
});

describe('GET /webhook/metrics', () => {
  it('counts every request exactly once, with the contract shape plus process and pool figures', async () => {
    const app = makeApp({ slowOperationMs: 1e9 });
    await post(app, flat('4000'));
    await post(app, wrapped(4001));
    await post(app, flat('4002'));
    await post(app, flat('4000')); // duplicate: 200, but neither a success nor a failure
    await post(app, flat('4003', 'ticket_merged')); // ignored: likewise
    await post(app, flat(), { signature: null }); // 401
    await post(app, flat(), { contentType: 'text/plain' }); // 415, answered by the parser
    await post(app, JSON.stringify({ ...flat(), padding: 'x'.repeat(1024 * 1024) })); // 413
    await post(app, '{'); // 400
    const response = await app.inject({ method: 'GET', url: '/webhook/metrics' });
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(Object.keys(doc).sort()).toEqual(['freshdesk_circuit', 'freshdesk_pool', 'performance_metrics', 'process', 'webhook_metrics']);
    const w = doc.webhook_metrics;
    expect(w.success_count).toBe(3);
    expect(w.failure_count).toBe(4);
    expect(w.duplicate_count).toBe(1);
    expect(w.ignored_count).toBe(1);
    expect(w.success_rate_percent).toBe(42.86); // 3 of the 7 successes and failures
    expect(w.processing_times.count).toBe(7);
    expect(Object.keys(w.processing_times).sort()).toEqual(['average', 'count', 'p50', 'p95', 'p99']);
    expect(w.processing_times.p50).toBeLessThanOrEqual(w.processing_times.p95);
    expect(w.processing_times.p95).toBeLessThanOrEqual(w.processing_times.p99);
    expect(w.processing_times.average).toBeGreaterThan(0);
    const p = doc.performance_metrics;
    expect(p.slow_operation_count).toBe(0);
    expect(Object.keys(p.api_latencies.freshdesk).sort()).toEqual(['p50', 'p95', 'p99']);
    expect(p.api_latencies.freshdesk.p50).toBeGreaterThan(0);
    expect(doc.process.rss_bytes).toBeGreaterThan(doc.process.heap_used_bytes);
    expect(doc.process.heap_used_bytes).toBeGreaterThan(0);
    expect(doc.process.event_loop_delay_p99_ms).toBeGreaterThanOrEqual(0);
    expect(doc.process.uptime_seconds).toBeGreaterThan(0);
    expect(doc.freshdesk_pool).toEqual({ connected: expect.any(Number), pending: 0, running: 0, size: 0 });
    expect(doc.freshdesk_pool.connected).toBeGreaterThanOrEqual(1);
  });

  it('counts slow operations over SLOW_OPERATION_MS and reports zeros before any traffic', async () => {
    const app = makeApp({ slowOperationMs: 0 });
    const empty = (await app.inject({ method: 'GET', url: '/webhook/metrics' })).json();
    expect(empty.webhook_metrics).toEqual({
      success_count: 0,
      failure_count: 0,
      success_rate_percent: 0,
      client_error_count: 0,
      duplicate_count: 0,
      ignored_count: 0,
      processing_times: { p50: 0, p95: 0, p99: 0, average: 0, count: 0 },
    });
    await post(app, flat());
    await post(app, flat());
    const doc = (await app.inject({ method: 'GET', url: '/webhook/metrics' })).json();
    expect(doc.performance_metrics.slow_operation_count).toBe(2);
    expect(doc.webhook_metrics.success_rate_percent).toBe(100);
  });
});

describe('requests whose client goes away', () => {
  it('count once as failures: a body cut short, and a client that leaves while its event is processed', async () => {
    const slow = await startMock({ latencyDistribution: 'fixed', latencyMedianMs: 300 });
    const app = makeApp({ freshdeskUrl: slow.url });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as { port: number };
      const body = JSON.stringify(flat());
      const head = (length: number) =>
        `POST /webhook/freshdesk HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
        `X-Freshdesk-Signature: ${sign(SECRET, body)}\r\nContent-Length: ${length}\r\n\r\n`;
      async function sendAndLeave(text: string, leaveAfterMs: number): Promise<void> {
        const socket = connect(port, '127.0.0.1');
        await new Promise<void>((resolve) => socket.once('connect', resolve));
        socket.write(text);
        await sleep(leaveAfterMs);
        socket.destroy();
      }
      await sendAndLeave(head(body.length) + body.slice(0, 10), 50); // body cut short
      await sendAndLeave(head(body.length) + body, 100); // leaves during the 2 x 300 ms of processing
      await sleep(800); // let the abandoned processing finish
      const doc = (await app.inject({ method: 'GET', url: '/webhook/metrics' })).json();
      expect(doc.webhook_metrics.success_count).toBe(0);
      expect(doc.webhook_metrics.failure_count).toBe(2);
      expect(doc.webhook_metrics.processing_times.count).toBe(2);
    } finally {
      await slow.close();
    }
  });
});

describe('GET /webhook/health', () => {
  it('200 healthy while the Freshdesk mock answers', async () => {
    const response = await makeApp().inject({ method: 'GET', url: '/webhook/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'healthy', freshdesk: 'reachable' });
  });

  it('503 when the Freshdesk mock goes down', async () => {
    const transient = await startMock();
    const app = makeApp({ freshdeskUrl: transient.url, healthTimeoutMs: 500 });
    expect((await app.inject({ method: 'GET', url: '/webhook/health' })).statusCode).toBe(200);
    await transient.close();
    const down = await app.inject({ method: 'GET', url: '/webhook/health' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ status: 'unhealthy', code: 'freshdesk_unreachable', freshdesk: 'unreachable' });
    expect(down.json().message).toContain(transient.url.origin);
  });
});
