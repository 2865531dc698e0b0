// One plan on worker threads, joined back into one run: every request once, in the plan's
// order with its due time and ticket id; the success rule and payload rebuilt in the thread;
// a stop through the signal still returns what was sent.
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { flatPayload, wrappedPayload } from '../../helpers/engine/payloads.ts';
import { joinSegments, type SegmentColumns } from '../../helpers/engine/join.ts';
import { runLoadTest } from '../../helpers/engine/load-test.ts';
import { runOnThreads, threadPlanOf, threadRunner, type ThreadPlan } from '../../helpers/threads/index.ts';
import { concurrencyShare } from '../../helpers/threads/plan.ts';
import { ProgressRounds } from '../../helpers/threads/pool.ts';
import type { ProgressSnapshot } from '../../helpers/engine/options.ts';
import { startTestServer, type TestServer } from '../engine/test-server.ts';

const SECRET = 'threads_secret';
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function plan(url: string, extra: Partial<ThreadPlan['options']> = {}): ThreadPlan {
  return {
    options: { url, secret: SECRET, totalRequests: 90, requestsPerSecond: 300, ticketIdStart: 7000, progress: false, ...extra },
    success: { statuses: [200], body: 'any' },
    payload: 'wrapped',
  };
}

describe('runOnThreads', () => {
  it('runs three segments on three threads and joins them into the plan: every ticket once, in order, on its due time', async () => {
    const tickets: number[] = [];
    let bad = 0;
    server = await startTestServer((req, res, body, { done }) => {
      if (req.headers['x-freshdesk-signature'] !== createHmac('sha256', SECRET).update(body).digest('hex')) bad++;
      const parsed = JSON.parse(body.toString()) as { freshdesk_webhook: { ticket_id: string } };
      const ticket = Number(parsed.freshdesk_webhook.ticket_id);
      tickets.push(ticket);
      done();
      res.writeHead(ticket % 9 === 0 ? 500 : 200).end();
    });
    const { results, parts } = await runOnThreads(plan(server.url), 3);
    expect(parts.map((p) => p.info.segment)).toEqual([1, 2, 3].map((index) => ({ index, count: 3 })));
    expect(results.sampleCount).toBe(90);
    expect(results.samples.map((s) => s.ticketId)).toEqual(Array.from({ length: 90 }, (_, k) => 7000 + k));
    expect(results.samples.every((s, k) => Math.abs(s.intendedStartMs - (k * 1000) / 300) < 1e-9)).toBe(true);
    expect(new Set(tickets).size).toBe(90);
    expect(bad).toBe(0);
    const summary = results.getSummary();
    expect(summary.schedule.targetRps).toBe(300);
    expect(summary.statusCodes).toEqual({ '200': 80, '500': 10 }); // the success rule rebuilt in each thread
    expect(summary.errors.map((e) => e.ticketId)).toEqual([...summary.errors].map((e) => e.ticketId).sort((a, b) => a - b));
    expect(summary.errors[0]?.ticketId).toBe(7002);
  });

  it('a stop through the signal ends every thread with what it sent', async () => {
    server = await startTestServer((_req, res, _body, { done }) => {
      done();
      res.writeHead(200).end();
    });
    const controller = new AbortController();
    // Stopped once the threads are sending: their progress says so.
    const { results } = await runOnThreads(
      plan(server.url, { totalRequests: 1000, requestsPerSecond: 200, progress: true, progressIntervalMs: 100 }),
      2,
      { signal: controller.signal, onProgress: (snapshot) => (snapshot.sent > 20 ? controller.abort() : undefined) },
    );
    const summary = results.getSummary();
    expect(summary.endReason).toBe('aborted');
    expect(summary.sentRequests).toBeGreaterThan(20);
    expect(summary.sentRequests).toBeLessThan(1000);
  });

  it('threadRunner: runLoadTest for one thread; for two, the run spread with its onProgress fed the summed snapshots', async () => {
    server = await startTestServer((_req, res, _body, { done }) => {
      done();
      res.writeHead(200).end();
    });
    expect(threadRunner(1, { statuses: [200], body: 'any' })).toBe(runLoadTest);
    const seen: number[] = [];
    const results = await threadRunner(2, { statuses: [200], body: 'any' })({
      url: server.url,
      secret: SECRET,
      totalRequests: 100,
      requestsPerSecond: 250,
      progressIntervalMs: 100,
      onProgress: (snapshot) => seen.push(snapshot.plannedRequests),
    });
    expect(results.getSummary().successCount).toBe(100);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toBe(100); // both threads' shares
  });

  it('refuses what cannot reach a thread, before any traffic', () => {
    const options = { url: 'http://127.0.0.1:9/x', secret: 's', totalRequests: 10 };
    expect(threadPlanOf({ ...options, payload: wrappedPayload }, { statuses: [200], body: 'any' }).payload).toBe('wrapped');
    expect(threadPlanOf({ ...options, payload: flatPayload }, { statuses: [200], body: 'any' }).payload).toBe('flat');
    expect(() => threadPlanOf({ ...options, payload: (i) => ({ ...flatPayload(i, i) }) }, { statuses: [200], body: 'any' })).toThrow(
      /a payload function of your own cannot reach worker threads/,
    );
    expect(() => threadPlanOf({ ...options, onProgress: () => {} }, { statuses: [200], body: 'any' })).toThrow(/onProgress/);
  });
});

describe('joinSegments', () => {
  const columns = (index: number, sent: number): SegmentColumns => ({
    info: {
      url: 'http://x/',
      plannedRequests: 5,
      requestsPerSecond: 5,
      concurrency: 1,
      ticketIdStart: 100,
      startedAt: new Date(0).toISOString(),
      durationMs: 1000,
      endReason: sent < 5 ? 'aborted' : 'completed',
      slotWaits: 0,
      segment: { index, count: 2 },
      whole: { totalRequests: 10, requestsPerSecond: 10 },
    },
    intendedMs: Float64Array.from({ length: sent }, (_, j) => (index - 1 + 2 * j) * 100),
    actualMs: Float64Array.from({ length: sent }, (_, j) => (index - 1 + 2 * j) * 100 + 1),
    endMs: Float64Array.from({ length: sent }, (_, j) => (index - 1 + 2 * j) * 100 + 5),
    status: new Uint16Array(sent).fill(200),
    errorCode: new Uint8Array(sent),
    warnings: index === 2 ? ['late'] : [],
    captured: [
      [0, { 'ratelimit-remaining': String(index) }],
      [sent - 1, { 'ratelimit-remaining': `last of ${index}` }],
    ],
    errors: index === 1 && sent === 5 ? [{ index: 4, ticketId: 108, errorClass: 'timeout', status: 0, message: 'slow', atMs: 900 }] : [],
  });

  it('keeps the plan indices of a stopped segment’s holes: ticket ids stay those sent', () => {
    const results = joinSegments([columns(1, 5), columns(2, 2)]);
    expect(results.samples.map((s) => s.ticketId)).toEqual([100, 101, 102, 103, 104, 106, 108]);
    expect(results.info.endReason).toBe('aborted');
    // Headers and errors follow their requests into the joined store, past the hole (plan index 5).
    expect(results.capturedHeaders.get(1)).toEqual({ 'ratelimit-remaining': '2' });
    expect(results.capturedHeaders.get(6)).toEqual({ 'ratelimit-remaining': 'last of 1' });
    expect(results.sample(6).ticketId).toBe(108);
    expect(results.getSummary().errors[0]).toMatchObject({ index: 6, ticketId: 108 });
    expect(results.getSummary().warnings).toContain('segment 2/2: late');
  });

  it('refuses a segment twice', () => {
    expect(() => joinSegments([columns(1, 5), columns(1, 5)])).toThrow(/comes twice/);
  });
});

describe('the threads’ share of a run', () => {
  it('connections are shared out exactly, the remainder to the first threads, at least one each', () => {
    expect([1, 2, 3, 4].map((index) => concurrencyShare(10, { index, count: 4 }))).toEqual([3, 3, 2, 2]);
    expect([1, 2].map((index) => concurrencyShare(50, { index, count: 2 }))).toEqual([25, 25]);
    expect(concurrencyShare(1, { index: 2, count: 2 })).toBe(1);
  });

  it('progress comes in rounds: one summed snapshot per interval, its window from that round only', () => {
    const emitted: ProgressSnapshot[] = [];
    const rounds = new ProgressRounds(2, (snapshot) => emitted.push(snapshot));
    const snap = (sent: number, p95: number, windowCount: number): ProgressSnapshot => ({
      elapsedMs: 1000,
      plannedRequests: 100,
      sent,
      completed: sent,
      inFlight: 0,
      succeeded: sent,
      failed: 0,
      currentP95Ms: p95,
      windowCount,
      windowMs: 1000,
      plannedMs: 5000,
    });
    rounds.add(0, snap(10, 900, 10));
    expect(emitted).toHaveLength(0); // waits for the other thread's
    rounds.add(1, snap(12, 100, 12));
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).toMatchObject({ sent: 22, windowCount: 22, currentP95Ms: 900, plannedRequests: 200 });
    // Thread 0 reports twice before thread 1 does: the round ends without thread 1's stale window.
    rounds.add(0, snap(20, 50, 10));
    rounds.add(0, snap(30, 60, 10));
    expect(emitted).toHaveLength(2);
    expect(emitted[1]).toMatchObject({ sent: 32, windowCount: 10, currentP95Ms: 50 });
    rounds.finished(1);
    rounds.add(0, snap(40, 70, 10)); // thread 1 is done: thread 0 alone makes a round
    expect(emitted).toHaveLength(4);
  });
});
