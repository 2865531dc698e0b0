// Coordinated omission: a server stall must show in the corrected latencies
// even though the requests sent after it are served quickly.
import { afterEach, describe, expect, it } from 'vitest';
import { runLoadTest } from '../../helpers/engine/load-test.ts';
import { startTestServer, type TestServer } from './test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('coordinated omission correction', () => {
  it('charges a 1 s stall to every request it delayed, while service times after it stay low', async () => {
    const STALL_MS = 1000;
    const STALLED_ARRIVAL = 20;
    // Answers at once, except that the 21st request is held for 1 s (a stall the
    // server does not spend CPU on, since it shares the test's event loop).
    server = await startTestServer((_req, res, _body, { arrival }) => {
      const reply = () => res.writeHead(200).end('{}');
      if (arrival === STALLED_ARRIVAL) setTimeout(reply, STALL_MS);
      else reply();
    });
    // Concurrency 1: while the stalled request is in flight, nothing else can be sent,
    // exactly the situation where a closed-loop tester hides the stall.
    const results = await runLoadTest({
      url: server.url,
      secret: 's',
      totalRequests: 100,
      requestsPerSecond: 50,
      concurrency: 1,
    });
    const s = results.getSummary();
    expect(s.successCount).toBe(100);

    // Corrected: the ~50 requests due during the stall all waited for it.
    expect(s.responseTimes.p99Ms).toBeGreaterThanOrEqual(800);
    expect(s.responseTimes.p95Ms).toBeGreaterThanOrEqual(600);
    const stalled = results.sample(STALLED_ARRIVAL);
    expect(stalled.serviceTimeMs).toBeGreaterThanOrEqual(STALL_MS - 50);

    // Uncorrected: only one slow service time; the requests sent after the stall were fast.
    const after = results.samples.filter((r) => r.index > STALLED_ARRIVAL);
    const firstAfter = after[0];
    expect(firstAfter?.responseTimeMs).toBeGreaterThanOrEqual(800);
    expect(firstAfter?.serviceTimeMs).toBeLessThan(200);
    expect(Math.max(...after.map((r) => r.serviceTimeMs))).toBeLessThan(200);
    expect(s.serviceTimes.p95Ms).toBeLessThan(200);
    expect(s.serviceTimes.p99Ms).toBeLessThan(s.responseTimes.p99Ms / 2);

    // The backlog was sent as fast as the slot allowed, keeping its intended times.
    const backlog = after.filter((r) => r.intendedStartMs < stalled.endMs);
    expect(backlog.length).toBeGreaterThanOrEqual(40);
    for (const r of backlog) expect(r.actualStartMs).toBeGreaterThanOrEqual(stalled.endMs);

    // The summary says why the schedule slipped.
    expect(s.schedule.lagP99Ms).toBeGreaterThan(500);
    expect(s.schedule.slotWaits).toBeGreaterThan(0);
    expect(s.warnings.join('\n')).toMatch(/generator, not the server, fell behind[\s\S]*concurrency slots/);
  });

  it('in an open model with free slots, the stall shows as service time of the requests it held', async () => {
    const release: (() => void)[] = [];
    server = await startTestServer((_req, res, _body, { arrival }) => {
      const reply = () => res.writeHead(200).end('{}');
      // arrivals 10..29 (sent during 400 ms) are all answered at once 500 ms after the 10th
      if (arrival === 10) setTimeout(() => release.splice(0).forEach((f) => f()), 500);
      if (arrival >= 10 && arrival < 30) release.push(reply);
      else reply();
    });
    const results = await runLoadTest({ url: server.url, secret: 's', totalRequests: 60, requestsPerSecond: 50 });
    const s = results.getSummary();
    expect(s.successCount).toBe(60);
    // Nothing waited to be sent: service time and response time agree.
    expect(s.schedule.slotWaits).toBe(0);
    expect(Math.abs(s.responseTimes.p99Ms - s.serviceTimes.p99Ms)).toBeLessThan(20);
    expect(s.responseTimes.maxMs).toBeGreaterThanOrEqual(450);
  });
});
