// runLoadTest against real node:http servers: pacing, concurrency, burst, signing.
import { createHmac } from 'node:crypto';
import { linearRegression, median } from 'simple-statistics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runLoadTest } from '../../helpers/engine/load-test.ts';
import type { ProgressSnapshot } from '../../helpers/engine/options.ts';
import { flatPayload, type FlatPayload } from '../../helpers/engine/payloads.ts';
import { subscribeProgress } from '../../helpers/engine/progress.ts';
import { okAfter, startTestServer, type TestServer } from './test-server.ts';

const SECRET = 'test_secret_key_12345';
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('open-model pacing', () => {
  it('sends 200 requests at 100/s on schedule: rate within 1 %, no drift, not waiting for responses', async () => {
    // Each response takes 15 ms, longer than the 10 ms interval: a sleep-after-response
    // loop would send every 25 ms (60 % slow) and one that waits for responses at
    // concurrency 1 every 15 ms.
    server = await startTestServer(okAfter(15));
    const results = await runLoadTest({ url: server.url, secret: SECRET, totalRequests: 200, requestsPerSecond: 100 });
    const s = results.getSummary();
    expect(s.successCount).toBe(200);

    const sends = results.samples.map((r) => r.actualStartMs);
    // Compare actual send times with the schedule (i * 10 ms) computed here, not by the engine.
    const lag = sends.map((at, i) => at - i * 10);
    // Rate: least-squares slope of send time against index (robust to a few late sends).
    const { m: msPerRequest } = linearRegression(sends.map((at, i) => [i, at]));
    const rateError = Math.abs(1000 / msPerRequest - 100) / 100;
    expect(rateError).toBeLessThan(0.01);
    // Drift: the last requests are no later than the first ones by more than 1 % of the 2 s run.
    const drift = median(lag.slice(-20)) - median(lag.slice(0, 20));
    expect(Math.abs(drift)).toBeLessThan(20);
    // Every request left after its due time and (median) close to it.
    expect(Math.min(...lag)).toBeGreaterThanOrEqual(0);
    expect(median(lag)).toBeLessThan(15);
    // Requests overlapped: the generator did not wait for responses.
    expect(server.maxActive).toBeGreaterThanOrEqual(2);
    expect(s.schedule.targetRps).toBe(100);
    expect(Math.abs(s.schedule.achievedSendRps - 100)).toBeLessThan(5);
    results.samples.forEach((r, i) => expect(r.intendedStartMs).toBeCloseTo(i * 10, 9));
  });

  it('reports progress snapshots while running', async () => {
    server = await startTestServer(okAfter(1));
    const snapshots: ProgressSnapshot[] = [];
    const results = await runLoadTest({
      url: server.url,
      secret: SECRET,
      totalRequests: 60,
      requestsPerSecond: 100,
      progressIntervalMs: 150,
      onProgress: (p) => snapshots.push(p),
    });
    expect(results.getSummary().successCount).toBe(60);
    expect(snapshots.length).toBeGreaterThanOrEqual(2);
    const first = snapshots[0] as ProgressSnapshot;
    expect(first.sent).toBeGreaterThan(0);
    expect(first.sent).toBeLessThan(60);
    expect(first.completed + first.inFlight).toBe(first.sent);
    expect(first.windowCount).toBeGreaterThan(0);
    expect(first.currentP95Ms).toBeGreaterThan(0);
    for (let i = 1; i < snapshots.length; i++) {
      expect((snapshots[i] as ProgressSnapshot).sent).toBeGreaterThanOrEqual((snapshots[i - 1] as ProgressSnapshot).sent);
    }
  });

  it('publishes the same snapshots on the progress channel, and never prints', async () => {
    server = await startTestServer(okAfter(1));
    const log = vi.spyOn(console, 'log');
    const published: ProgressSnapshot[] = [];
    const unsubscribe = subscribeProgress((p) => published.push(p));
    const given: ProgressSnapshot[] = [];
    const options = { url: server.url, secret: SECRET, totalRequests: 30, requestsPerSecond: 100, progressIntervalMs: 100 };
    try {
      await runLoadTest({ ...options, onProgress: (p) => given.push(p) });
      expect(given.length).toBeGreaterThanOrEqual(1);
      expect(published).toEqual(given);
      // Without onProgress, `progress: true` still publishes; `progress: false` (or a short run) does not.
      published.length = 0;
      await runLoadTest({ ...options, progress: true });
      expect(published.length).toBeGreaterThanOrEqual(1);
      published.length = 0;
      await runLoadTest({ ...options, progress: false });
      await runLoadTest(options);
      expect(published).toEqual([]);
      expect(log).not.toHaveBeenCalled();
    } finally {
      unsubscribe();
      log.mockRestore();
    }
    // Unsubscribed: nothing more arrives.
    await runLoadTest({ ...options, progress: true });
    expect(published).toEqual([]);
  });
});

describe('concurrency and burst', () => {
  it('never has more than `concurrency` requests in flight, and reuses that many connections', async () => {
    server = await startTestServer(okAfter(40));
    const results = await runLoadTest({ url: server.url, secret: SECRET, totalRequests: 30, concurrency: 5 });
    const s = results.getSummary();
    expect(s.successCount).toBe(30);
    expect(server.maxActive).toBe(5);
    expect(server.connections).toBeLessThanOrEqual(5);
    // Waiting for a slot counts as latency: the last wave waited for five earlier ones.
    expect(s.responseTimes.maxMs).toBeGreaterThanOrEqual(5 * 40 - 5);
    expect(s.serviceTimes.maxMs).toBeLessThan(s.responseTimes.maxMs);
    expect(s.schedule.slotWaits).toBeGreaterThan(0);
  });

  it('burst mode puts every request at time 0 and sends them all at once up to the cap', async () => {
    server = await startTestServer(okAfter(100));
    const results = await runLoadTest({ url: server.url, secret: SECRET, totalRequests: 20 });
    const s = results.getSummary();
    expect(s.schedule.mode).toBe('burst');
    expect(s.schedule.targetRps).toBeNull();
    expect(s.successCount).toBe(20);
    expect(server.maxActive).toBe(20);
    expect(results.samples.every((r) => r.intendedStartMs === 0)).toBe(true);
    // all left before the first response could have come back
    expect(Math.max(...results.samples.map((r) => r.actualStartMs))).toBeLessThan(100);
    expect(s.warnings).toEqual([]);
  });

  it('drains large response bodies so keep-alive connections are reused', async () => {
    const big = 'x'.repeat(256 * 1024);
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(big);
    });
    const results = await runLoadTest({ url: server.url, secret: SECRET, totalRequests: 40, requestsPerSecond: 400, concurrency: 2 });
    expect(results.getSummary().successCount).toBe(40);
    expect(server.connections).toBeLessThanOrEqual(2);
  });
});

describe('signing and payloads on the wire', () => {
  it('signs the exact bytes sent, with unique sequential ticket ids', async () => {
    const seen: string[] = [];
    server = await startTestServer((req, res, body) => {
      const expected = createHmac('sha256', SECRET).update(body).digest('hex');
      const signed = req.headers['x-freshdesk-signature'] === expected && req.headers['content-type'] === 'application/json';
      const parsed = JSON.parse(body.toString('utf8')) as FlatPayload;
      // The default body is the contract's flat shape, field for field.
      const flat =
        Object.keys(parsed).join() === Object.keys(flatPayload(0, 0)).join() &&
        parsed.requester_email === `loadtest${Number(parsed.ticket_id) - 10000}@example.com`;
      seen.push(parsed.ticket_id);
      res.writeHead(signed && flat ? 200 : 401).end(signed ? (flat ? '{}' : 'not the flat shape') : 'bad signature');
    });
    const results = await runLoadTest({
      url: server.url,
      secret: SECRET,
      totalRequests: 25,
      requestsPerSecond: 500,
      ticketIdStart: 10000,
      headers: { 'X-Test-Run': 'unit' },
    });
    const s = results.getSummary();
    expect(s.statusCodes).toEqual({ '200': 25 });
    expect(seen.sort()).toEqual(Array.from({ length: 25 }, (_, i) => String(10000 + i)).sort());
    expect(results.samples.map((r) => r.ticketId)).toEqual(Array.from({ length: 25 }, (_, i) => 10000 + i));
  });

  it('uses a custom payload factory, signature header and success rule', async () => {
    server = await startTestServer((req, res, body) => {
      const expected = createHmac('sha256', SECRET).update(body).digest('hex');
      const parsed = JSON.parse(body.toString('utf8')) as { freshdesk_webhook?: { ticket_id: number } };
      const ok = req.headers['x-sig'] === expected && typeof parsed.freshdesk_webhook?.ticket_id === 'number';
      res.writeHead(ok ? 202 : 400).end();
    });
    const results = await runLoadTest({
      url: server.url,
      secret: SECRET,
      totalRequests: 6,
      signatureHeader: 'X-Sig',
      payload: (_i, ticketId) => ({ freshdesk_webhook: { ticket_id: ticketId } }),
      isSuccess: (status) => status === 202,
    });
    expect(results.getSummary().successCount).toBe(6);
  });
});
