// Failure classification end to end: nothing throws out of runLoadTest.
import { afterEach, describe, expect, it } from 'vitest';
import { runLoadTest } from '../../helpers/engine/load-test.ts';
import { closedPort, startTestServer, type TestServer } from './test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('failure classification', () => {
  it('times out a request that gets no answer, at timeoutMs from the send', async () => {
    server = await startTestServer(() => {}); // never answers
    const started = performance.now();
    const results = await runLoadTest({ url: server.url, secret: 's', totalRequests: 3, timeoutMs: 200 });
    const elapsed = performance.now() - started;
    const s = results.getSummary();
    expect(s.errorClasses).toEqual({ timeout: 3 });
    expect(s.statusCodes).toEqual({ '0': 3 });
    expect(s.successCount).toBe(0);
    expect(elapsed).toBeLessThan(2000);
    for (const r of results.samples) {
      expect(r.errorClass).toBe('timeout');
      expect(r.serviceTimeMs).toBeGreaterThanOrEqual(199);
      expect(r.serviceTimeMs).toBeLessThan(1000);
    }
    // A timed-out request's time is a lower bound of its latency, so it counts.
    expect(s.responseTimes.count).toBe(3);
    expect(s.errors[0]?.message).toBe('no complete response within timeoutMs=200 ms');
  });

  it('times out a response whose body stalls after the headers (the engine, not undici, enforces timeoutMs)', async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial'); // and never the rest
    });
    const started = performance.now();
    const results = await runLoadTest({ url: server.url, secret: 's', totalRequests: 2, concurrency: 2, timeoutMs: 200 });
    const s = results.getSummary();
    expect(s.errorClasses).toEqual({ timeout: 2 });
    expect(performance.now() - started).toBeLessThan(2000);
    for (const r of results.samples) expect(r.serviceTimeMs).toBeGreaterThanOrEqual(199);
  });

  it('classifies a refused connection', async () => {
    const port = await closedPort();
    const results = await runLoadTest({ url: `http://127.0.0.1:${port}/webhook/freshdesk`, secret: 's', totalRequests: 4 });
    const s = results.getSummary();
    expect(s.errorClasses).toEqual({ connection_refused: 4 });
    expect(s.failureCount).toBe(4);
    expect(s.responseTimes.count).toBe(0);
    expect(s.warnings.join(' ')).toMatch(/no latency figures/);
    expect(s.errors[0]?.message).toMatch(/ECONNREFUSED/);
  });

  it('classifies a connection the server resets', async () => {
    server = await startTestServer((req) => req.socket.resetAndDestroy());
    const results = await runLoadTest({ url: server.url, secret: 's', totalRequests: 4, concurrency: 2 });
    expect(results.getSummary().errorClasses).toEqual({ connection_reset: 4 });
  });

  it('classifies a connection closed without an answer as reset too', async () => {
    server = await startTestServer((req) => req.socket.destroy());
    const results = await runLoadTest({ url: server.url, secret: 's', totalRequests: 3, concurrency: 1 });
    expect(results.getSummary().errorClasses).toEqual({ connection_reset: 3 });
  });

  it('names HTTP failures by status and keeps the start of their body', async () => {
    server = await startTestServer((_req, res, _body, { arrival }) => {
      if (arrival % 2 === 0) res.writeHead(200).end('{}');
      else res.writeHead(429).end(`{"error":"rate limited ${'.'.repeat(1000)}"}`);
    });
    const results = await runLoadTest({ url: server.url, secret: 's', totalRequests: 10, concurrency: 1, ticketIdStart: 1000 });
    const s = results.getSummary();
    expect(s.statusCodes).toEqual({ '200': 5, '429': 5 });
    expect(s.errorClasses).toEqual({ http_429: 5 });
    expect(s.successRatePercent).toBe(50);
    expect(s.errors).toHaveLength(5);
    expect(s.errors[0]).toMatchObject({ errorClass: 'http_429', status: 429, index: 1, ticketId: 1001 });
    expect(s.errors[0]?.message).toMatch(/^HTTP 429: \{"error":"rate limited \.+$/);
    expect(s.errors[0]?.message.length).toBeLessThan(260);
    // an HTTP failure still has a latency
    expect(s.responseTimes.count).toBe(10);
  });

  it('keeps the response headers named in captureHeaders, and only those', async () => {
    server = await startTestServer((_req, res, _body, { arrival }) => {
      if (arrival % 2 === 0) res.writeHead(200, { 'x-other': 'no' }).end('{}');
      else res.writeHead(429, { 'Retry-After': String(arrival), 'x-other': 'no' }).end('{}');
    });
    const results = await runLoadTest({ url: server.url, secret: 's', totalRequests: 6, concurrency: 1, captureHeaders: ['Retry-After'] });
    expect([...results.capturedHeaders.entries()]).toEqual([
      [1, { 'retry-after': '1' }],
      [3, { 'retry-after': '3' }],
      [5, { 'retry-after': '5' }],
    ]);
    const plain = await runLoadTest({ url: server.url, secret: 's', totalRequests: 2, concurrency: 1 });
    expect(plain.capturedHeaders.size).toBe(0);
  });

  it('captures a repeated response header as its values joined by ", ", in the order captureHeaders names them', async () => {
    server = await startTestServer((_req, res) => {
      res.setHeader('X-Limit', ['a', 'b']);
      res.setHeader('Retry-After', '7');
      res.writeHead(200).end('{}');
    });
    const results = await runLoadTest({
      url: server.url,
      secret: 's',
      totalRequests: 1,
      concurrency: 1,
      captureHeaders: ['retry-after', 'x-limit', 'x-absent'],
    });
    const captured = results.capturedHeaders.get(0);
    expect(captured).toEqual({ 'retry-after': '7', 'x-limit': 'a, b' });
    expect(Object.keys(captured ?? {})).toEqual(['retry-after', 'x-limit']);
  });

  it('records a throwing payload factory as "other" and carries on', async () => {
    server = await startTestServer((_req, res) => res.writeHead(200).end('{}'));
    const results = await runLoadTest({
      url: server.url,
      secret: 's',
      totalRequests: 4,
      payload: (index) => {
        if (index === 2) throw new Error('no payload for 2');
        return { n: index };
      },
    });
    const s = results.getSummary();
    expect(s.successCount).toBe(3);
    expect(s.errorClasses).toEqual({ other: 1 });
    expect(s.errors[0]?.message).toMatch(/payload factory failed: no payload for 2/);
    expect(server.requests).toBe(3);
  });
});
