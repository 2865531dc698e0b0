// The stack's defences: circuit breaker, slow and malformed clients, the metrics snapshot file.
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../stack/webhook/app.ts';
import { createCircuitBreaker } from '../../../stack/webhook/circuit-breaker.ts';
import { webhookConfig, webhookConfigFromEnv } from '../../../stack/webhook/config.ts';
import type { WebhookConfig } from '../../../stack/webhook/config.ts';
import { sign } from '../../../stack/webhook/signature.ts';
import { writeMetricsSnapshot } from '../../../stack/webhook/snapshot.ts';
import type { MetricsSnapshot } from '../../../stack/webhook/snapshot.ts';
import { startMock } from './fixtures/mock-server.ts';
import type { RunningMock } from './fixtures/mock-server.ts';

const SECRET = 'test_secret_key_12345';
const apps: FastifyInstance[] = [];
let failingMock: RunningMock;
let goodMock: RunningMock;

beforeAll(async () => {
  failingMock = await startMock({ errorRate: 1, errorStatus: 503 });
  goodMock = await startMock();
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await failingMock.close();
  await goodMock.close();
});

function makeApp(overrides: Partial<WebhookConfig>): FastifyInstance {
  const app = buildApp(webhookConfig({ secret: SECRET, rateLimitAlgorithm: 'off', freshdeskCacheTtlMs: 0, ...overrides }), {
    logger: false,
  });
  apps.push(app);
  return app;
}

function post(app: FastifyInstance, ticketId: number) {
  const payload = JSON.stringify({ ticket_id: String(ticketId), event: 'ticket_created' });
  return app.inject({
    method: 'POST',
    url: '/webhook/freshdesk',
    headers: { 'content-type': 'application/json', 'x-freshdesk-signature': sign(SECRET, payload) },
    payload,
  });
}

describe('circuit breaker (fake clock)', () => {
  it('opens after the threshold, refuses during the cooldown, then lets exactly one trial through', () => {
    let t = 0;
    const breaker = createCircuitBreaker({ threshold: 3, cooldownMs: 1000, now: () => t });
    for (let i = 0; i < 2; i++) {
      expect(breaker.allow()).toBe(true);
      breaker.failure();
    }
    expect(breaker.stats().state).toBe('closed');
    expect(breaker.allow()).toBe(true);
    breaker.failure(); // the third in a row
    expect(breaker.stats()).toMatchObject({ state: 'open', opened_count: 1 });
    t = 400;
    expect([breaker.allow(), breaker.allow()]).toEqual([false, false]);
    expect(breaker.retryInMs()).toBe(600);
    t = 1000;
    expect(breaker.stats().state).toBe('half_open'); // reported before any call, so health recovers without traffic
    expect(breaker.allow()).toBe(true); // the trial
    expect(breaker.allow()).toBe(false); // only one at a time
    expect(breaker.stats()).toMatchObject({ state: 'half_open', rejected_count: 3 });
    breaker.failure(); // trial failed: open again for a full cooldown
    expect(breaker.stats()).toMatchObject({ state: 'open', opened_count: 2 });
    expect(breaker.allow()).toBe(false);
    t = 2000;
    expect(breaker.allow()).toBe(true);
    breaker.success();
    expect(breaker.stats()).toMatchObject({ state: 'closed', consecutive_failures: 0 });
    expect(breaker.allow()).toBe(true);
  });

  it('a success in between resets the count; threshold 0 never opens', () => {
    const breaker = createCircuitBreaker({ threshold: 2, cooldownMs: 1000, now: () => 0 });
    for (let i = 0; i < 10; i++) {
      breaker.failure();
      breaker.success();
    }
    expect(breaker.stats().opened_count).toBe(0);
    const off = createCircuitBreaker({ threshold: 0, cooldownMs: 1000, now: () => 0 });
    for (let i = 0; i < 100; i++) off.failure();
    expect(off.allow()).toBe(true);
    expect(off.stats().state).toBe('closed');
  });
});

describe('circuit breaker in the webhook', () => {
  it('after 2 failing calls, 8 more webhooks get 502 freshdesk_unavailable at once and never reach the API', async () => {
    const app = makeApp({ freshdeskUrl: failingMock.url, freshdeskBreakerThreshold: 2, freshdeskBreakerCooldownMs: 60_000 });
    const before = (await failingMock.stats()).injected_errors;
    const codes: string[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await post(app, 7_000 + i);
      expect(response.statusCode).toBe(502);
      codes.push(response.json().code);
      if (i >= 2) expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect(codes.filter((c) => c === 'freshdesk_error')).toHaveLength(2);
    expect(codes.filter((c) => c === 'freshdesk_unavailable')).toHaveLength(8);
    expect((await failingMock.stats()).injected_errors - before).toBe(2);

    const health = await app.inject({ method: 'GET', url: '/webhook/health' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ code: 'freshdesk_circuit_open', freshdesk: 'reachable', freshdesk_circuit: 'open' });
    const metrics = (await app.inject({ method: 'GET', url: '/webhook/metrics' })).json();
    expect(metrics.freshdesk_circuit).toMatchObject({ state: 'open', opened_count: 1, rejected_count: 8 });
    expect(metrics.webhook_metrics.failure_count).toBe(10);
  });

  it('a healthy API keeps the circuit closed', async () => {
    const app = makeApp({ freshdeskUrl: goodMock.url, freshdeskBreakerThreshold: 1 });
    for (let i = 0; i < 5; i++) expect((await post(app, 8_000 + i)).statusCode).toBe(200);
    const health = await app.inject({ method: 'GET', url: '/webhook/health' });
    expect(health.json()).toMatchObject({ status: 'healthy', freshdesk_circuit: 'closed' });
  });
});

async function listening(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return address.port;
}

/** Writes `chunks` to a raw socket `gapMs` apart; resolves with all the server sent and when it closed. */
function rawExchange(port: number, chunks: string[], gapMs: number, capMs: number): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let closed = false;
    const cap = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within ${capMs} ms; got ${JSON.stringify(text)}`));
    }, capMs);
    socket.on('data', (data) => (text += data.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      clearTimeout(cap);
      resolve({ text, closedAfterMs: performance.now() - started });
    });
    void (async () => {
      for (const chunk of chunks) {
        if (closed) return;
        socket.write(chunk);
        await sleep(gapMs);
      }
    })();
  });
}

describe('slow and malformed clients', () => {
  it('headers sent byte by byte get 408 after HEADERS_TIMEOUT_MS, counted once as a client error', async () => {
    const app = makeApp({ freshdeskUrl: goodMock.url, headersTimeoutMs: 300, requestTimeoutMs: 2000 });
    const port = await listening(app);
    const head = `POST /webhook/freshdesk HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Padding: ${'x'.repeat(200)}\r\n\r\n`;
    const { text, closedAfterMs } = await rawExchange(port, [...head], 20, 10_000);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toContain('"code":"request_timeout"');
    expect(closedAfterMs).toBeLessThan(3000); // the whole head would take over 5 s at this pace
    const metrics = (await app.inject({ method: 'GET', url: '/webhook/metrics' })).json();
    expect(metrics.webhook_metrics).toMatchObject({ failure_count: 1, client_error_count: 1, success_count: 0 });
  });

  it('a body shorter than its Content-Length gets 408 after REQUEST_TIMEOUT_MS and is counted once (by the route)', async () => {
    const app = makeApp({ freshdeskUrl: goodMock.url, headersTimeoutMs: 200, requestTimeoutMs: 500 });
    const port = await listening(app);
    const head =
      'POST /webhook/freshdesk HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Freshdesk-Signature: 00\r\nContent-Length: 100\r\n\r\n{"ticket_id"';
    const { text } = await rawExchange(port, [head], 10, 10_000);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    await sleep(50);
    const metrics = (await app.inject({ method: 'GET', url: '/webhook/metrics' })).json();
    expect(metrics.webhook_metrics).toMatchObject({ failure_count: 1, client_error_count: 0 });
  });

  it('bytes that are not HTTP get 400 bad_request, counted once', async () => {
    const app = makeApp({ freshdeskUrl: goodMock.url });
    const port = await listening(app);
    const { text } = await rawExchange(port, ['\u0000\u0001GARBAGE \r\n\r\n'], 10, 10_000);
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    const metrics = (await app.inject({ method: 'GET', url: '/webhook/metrics' })).json();
    expect(metrics.webhook_metrics).toMatchObject({ failure_count: 1, client_error_count: 1 });
  });
});

describe('config and snapshot', () => {
  it('has defaults for the new variables and refuses HEADERS_TIMEOUT_MS above REQUEST_TIMEOUT_MS', () => {
    expect(webhookConfigFromEnv({ WEBHOOK_SECRET: 's' })).toMatchObject({
      freshdeskBreakerThreshold: 5,
      freshdeskBreakerCooldownMs: 5000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      metricsSnapshotPath: undefined,
    });
    expect(() => webhookConfigFromEnv({ WEBHOOK_SECRET: 's', HEADERS_TIMEOUT_MS: '5000', REQUEST_TIMEOUT_MS: '1000' })).toThrow(
      /HEADERS_TIMEOUT_MS=5000 is above REQUEST_TIMEOUT_MS=1000/,
    );
    expect(() => webhookConfigFromEnv({ WEBHOOK_SECRET: 's', FRESHDESK_BREAKER_THRESHOLD: '-1' })).toThrow(
      /FRESHDESK_BREAKER_THRESHOLD="-1"/,
    );
  });

  it('writes the metrics document with the exit code, atomically', async () => {
    const app = makeApp({ freshdeskUrl: goodMock.url });
    for (let i = 0; i < 3; i++) await post(app, 9_000 + i);
    const path = join(mkdtempSync(join(tmpdir(), 'snapshot-')), 'metrics.json');
    writeMetricsSnapshot(path, app.metricsDocument(), 0);
    const snapshot = JSON.parse(readFileSync(path, 'utf8')) as MetricsSnapshot;
    expect(snapshot.webhook_metrics.success_count).toBe(3);
    expect(snapshot.webhook_metrics.processing_times.count).toBe(3);
    expect(snapshot.snapshot).toMatchObject({ pid: process.pid, exit_code: 0 });
  });
});
