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
  const config = webhookConfig({ secret: SECRET, freshdeskUrl: mock.url, rateLimitCapacity: 0, ...overrides });
  const app = buildApp(config, { logger: false, now });
  apps.push(app);
  return app;
}

interface PostOptions {
  signature?: string | null;
  contentType?: string | null;
}

function post(app: FastifyInstance, body: unknown, { signature, contentType = 'application/json' }: PostOptions = {}) {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const headers: Record<string, string> = {};
  if (contentType !== null) headers['content-type'] = contentType;
  const sig = signature === undefined ? sign(SECRET, payload) : signature;
  if (sig !== null) headers['x-freshdesk-signature'] = sig;
  return app.inject({ method: 'POST', url: '/webhook/freshdesk', headers, payload });
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
    const otherEvent = await post(app, flat('2000', 'ticket_updated'));
    const after = await mock.stats();
    expect(first.json().status).toBe('processed');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ status: 'duplicate', ticket_id: '2000' });
    expect(sameTicketAsNumber.json().status).toBe('duplicate');
    expect(otherEvent.json().status).toBe('processed');
    expect(after.create_note - before.create_note).toBe(1); // only the ticket_updated event
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
        expect((await post(app, flat(ticket, event))).json().status).toBe('processed');
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

  it('429 with Retry-After and X-RateLimit-* once the bucket is empty, and rate headers on every answer', async () => {
    let clock = 1_000;
    const app = makeApp({ rateLimitCapacity: 2, rateLimitRefillPerSecond: 1 }, () => clock);
    const first = await post(app, flat());
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-ratelimit-limit']).toBe('2');
    expect(first.headers['x-ratelimit-remaining']).toBe('1');
    expect((await post(app, flat())).statusCode).toBe(200);
    const limited = await post(app, flat());
    expectError(limited, 429, 'rate_limited');
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.headers['x-ratelimit-limit']).toBe('2');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(limited.headers['x-ratelimit-reset'])).toBe(2);
    clock += 1_000; // one token back
    expect((await post(app, flat())).statusCode).toBe(200);
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

describe('rate limiting with the default bucket (20, refilled at 2/s)', () => {
  it('a burst of 50 inside one second on a fresh service sees 429s; exactly the bucket passes', async () => {
    let clock = 0;
    const app = makeApp({ rateLimitCapacity: 20, rateLimitRefillPerSecond: 2 }, () => clock);
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
    const app = makeApp({ rateLimitCapacity: 20, rateLimitRefillPerSecond: 2 }, () => clock);
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
    await post(app, flat('4000')); // duplicate: a success
    await post(app, flat(), { signature: null }); // 401
    await post(app, flat(), { contentType: 'text/plain' }); // 415, answered by the parser
    await post(app, JSON.stringify({ ...flat(), padding: 'x'.repeat(1024 * 1024) })); // 413
    await post(app, '{'); // 400
    const response = await app.inject({ method: 'GET', url: '/webhook/metrics' });
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(Object.keys(doc).sort()).toEqual(['freshdesk_circuit', 'freshdesk_pool', 'performance_metrics', 'process', 'webhook_metrics']);
    const w = doc.webhook_metrics;
    expect(w.success_count).toBe(4);
    expect(w.failure_count).toBe(4);
    expect(w.success_rate_percent).toBe(50);
    expect(w.processing_times.count).toBe(8);
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
