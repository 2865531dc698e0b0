// The run is bounded by totalRequests, maxDurationMs and an AbortSignal; what
// completed is always returned, what was in flight is recorded as aborted.
import { afterEach, describe, expect, it } from 'vitest';
import { runLoadTest } from '../../helpers/engine/load-test.ts';
import { startTestServer, type TestServer } from './test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Answers even ticket ids at once and never answers odd ones (ticketIdStart defaults to 1000, so by index too). */
function halfHanging(): Promise<TestServer> {
  return startTestServer((_req, res, body) => {
    const ticketId = Number((JSON.parse(body.toString('utf8')) as { ticket_id: string }).ticket_id);
    if (ticketId % 2 === 0) res.writeHead(200).end('{}');
  });
}

describe('run bounds', () => {
  it('stops at maxDurationMs, cancels what is in flight and keeps what completed', async () => {
    server = await halfHanging();
    const started = performance.now();
    // Planned 2 s; stopped after 400 ms.
    const results = await runLoadTest({
      url: server.url,
      secret: 's',
      totalRequests: 100,
      requestsPerSecond: 50,
      maxDurationMs: 400,
      timeoutMs: 10_000,
    });
    const elapsed = performance.now() - started;
    const s = results.getSummary();
    expect(elapsed).toBeLessThan(1500);
    expect(s.endReason).toBe('max_duration');
    expect(s.sentRequests).toBeGreaterThanOrEqual(10);
    expect(s.sentRequests).toBeLessThanOrEqual(30);
    expect(s.notSentCount).toBe(100 - s.sentRequests);
    expect(s.durationSeconds).toBeGreaterThanOrEqual(0.39);
    // completed ones kept their 200, hanging ones were cancelled
    expect(s.successCount).toBeGreaterThanOrEqual(5);
    expect(s.cancelledCount).toBeGreaterThanOrEqual(5);
    expect(s.successCount + s.cancelledCount).toBe(s.sentRequests);
    expect(s.errorClasses).toEqual({ aborted: s.cancelledCount });
    expect(s.completedRequests).toBe(s.sentRequests - s.cancelledCount);
    expect(s.errors.find((e) => e.errorClass === 'aborted')?.message).toBe(
      'request cancelled: the run stopped (maxDurationMs reached) while it was in flight',
    );
    for (const r of results.samples) {
      if (r.index % 2 === 1) expect(r.errorClass).toBe('aborted');
      // an answered request completed unless it was sent just before the stop
      else if (r.actualStartMs < 300) expect(r.ok).toBe(true);
    }
    for (const r of results.samples) expect(r.endMs).toBeLessThanOrEqual(s.durationSeconds * 1000 + 1);
    expect(s.warnings.join(' ')).toMatch(/maxDurationMs was reached/);
  });

  it('stops when the signal aborts', async () => {
    server = await halfHanging();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = performance.now();
    const results = await runLoadTest({
      url: server.url,
      secret: 's',
      totalRequests: 1000,
      requestsPerSecond: 50,
      signal: controller.signal,
    });
    const s = results.getSummary();
    expect(performance.now() - started).toBeLessThan(1500);
    expect(s.endReason).toBe('aborted');
    expect(s.sentRequests).toBeLessThan(40);
    expect(s.cancelledCount).toBeGreaterThan(0);
    expect(s.successCount).toBeGreaterThan(0);
    expect(s.notSentCount).toBe(1000 - s.sentRequests);
  });

  it('sends nothing when the signal is already aborted', async () => {
    server = await halfHanging();
    const results = await runLoadTest({
      url: server.url,
      secret: 's',
      totalRequests: 10,
      signal: AbortSignal.abort(),
    });
    const s = results.getSummary();
    expect(s.endReason).toBe('aborted');
    expect(s.sentRequests).toBe(0);
    expect(s.notSentCount).toBe(10);
    expect(s.successRatePercent).toBe(0);
    expect(s.responseTimes.count).toBe(0);
    expect(results.samples).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(server.requests).toBe(0);
  });

  it('ends after totalRequests with every request accounted for', async () => {
    server = await startTestServer((_req, res) => res.writeHead(200).end('{}'));
    const results = await runLoadTest({ url: server.url, secret: 's', totalRequests: 50, requestsPerSecond: 1000, maxDurationMs: 10_000 });
    const s = results.getSummary();
    expect(s.endReason).toBe('completed');
    expect(s.sentRequests).toBe(50);
    expect(server.requests).toBe(50);
    expect(results.samples.every((r) => Number.isFinite(r.endMs) && r.endMs >= r.actualStartMs)).toBe(true);
    expect(results.getSummary()).toBe(s); // computed once
  });
});
