// Segments of one schedule: the union of N segments is the plan, their ticket ids are disjoint,
// and runs given one shared start send together on the plan's times (a real server counts).
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoadTest } from '../../helpers/engine/load-test.ts';
import { validateOptions, LoadTestOptionError } from '../../helpers/engine/options.ts';
import { countSchedule } from '../../helpers/engine/scheduler.ts';
import { globalIndex, parseSegment, SegmentSchedule, segmentShare, segmentStages } from '../../helpers/engine/segments.ts';
import { StagedSchedule } from '../../helpers/engine/stages.ts';
import { okAfter, startTestServer, type TestServer } from './test-server.ts';

const SECRET = 'segment_secret';
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Every (plan index, due time) of the N segments of `whole`, sorted by index. */
function union(whole: { count: number; dueTimeMs(i: number): number }, n: number): [number, number][] {
  const all: [number, number][] = [];
  for (let index = 1; index <= n; index++) {
    const part = new SegmentSchedule(whole as never, { index, count: n });
    for (let j = 0; j < part.count; j++) all.push([globalIndex({ index, count: n }, j), part.dueTimeMs(j)]);
  }
  return all.sort((a, b) => a[0] - b[0]);
}

describe('segments of one schedule', () => {
  it.each([
    ['a constant rate', countSchedule(1001, 250)],
    ['a burst', countSchedule(10, null)],
    [
      'ramping stages',
      new StagedSchedule([
        { durationMs: 3000, targetRps: 40 },
        { durationMs: 2000, targetRps: 40 },
        { durationMs: 1500, targetRps: 0 },
      ]),
    ],
  ])('the union of 1, 3 and 7 segments of %s is the plan: every request once, at its due time', (_name, whole) => {
    const plan = Array.from({ length: whole.count }, (_, i) => [i, whole.dueTimeMs(i)]);
    for (const n of [1, 3, 7]) expect(union(whole, n)).toEqual(plan);
  });

  it('shares are within one request of each other and add up to the plan', () => {
    for (const total of [1, 2, 9, 10, 11, 1000]) {
      const shares = [1, 2, 3, 4].map((index) => segmentShare({ index, count: 4 }, total));
      expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
    }
  });

  it("a segment's stages hold its share of each stage's requests, with their due times", () => {
    const whole = new StagedSchedule([
      { durationMs: 2000, targetRps: 30 },
      { durationMs: 2000, targetRps: 30 },
    ]);
    const parts = [1, 2, 3].map((index) => segmentStages(whole.plan.stages, { index, count: 3 }, whole));
    whole.plan.stages.forEach((stage, k) => {
      expect(parts.reduce((sum, p) => sum + p[k]!.plannedRequests, 0)).toBe(stage.plannedRequests);
    });
    const first = parts[1]![1]!; // segment 2's second stage
    const seg = new SegmentSchedule(whole, { index: 2, count: 3 });
    expect(first.firstDueMs).toBe(seg.dueTimeMs(first.firstRequest));
    expect(whole.stageAt(first.firstDueMs)).toBe(1);
    expect(whole.stageAt(seg.dueTimeMs(first.firstRequest - 1))).toBe(0);
  });

  it('parses I/N and refuses what is not a segment, before any traffic', () => {
    expect(parseSegment('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseSegment('2 of 4')).toBeNull();
    const base = { url: 'http://127.0.0.1:9/x', secret: 's', totalRequests: 10 };
    expect(() => validateOptions({ ...base, segment: { index: 0, count: 2 } })).toThrow(/index must be a whole number from 1/);
    expect(() => validateOptions({ ...base, segment: { index: 3, count: 2 } })).toThrow(LoadTestOptionError);
    expect(() => validateOptions({ ...base, totalRequests: 3, segment: { index: 4, count: 4 } })).toThrow(/would send none/);
    expect(() => validateOptions({ ...base, startAt: Date.now() + 2 * 3600_000 })).toThrow(/at most an hour ahead/);
    expect(() => validateOptions({ ...base, startAt: Date.now() - 120_000 })).toThrow(/"startAt".*s ago/);
    // Epoch seconds for milliseconds: said as such, with the fix.
    expect(() => validateOptions({ ...base, startAt: Math.floor(Date.now() / 1000) + 60 })).toThrow(
      /reads as epoch seconds .*multiply it by 1000/,
    );
    const resolved = validateOptions({ ...base, requestsPerSecond: 30, segment: { index: 2, count: 3 } });
    expect(resolved.totalRequests).toBe(3);
    expect(resolved.requestsPerSecond).toBe(10);
    expect(resolved.whole).toEqual({ totalRequests: 10, requestsPerSecond: 30 });
  });
});

describe('segments run apart from one shared start', () => {
  it('two segments send the plan together: every ticket once, signed, on the plan’s times from the shared start', async () => {
    const tickets: number[] = [];
    const arrivals: number[] = [];
    let badSignatures = 0;
    server = await startTestServer((req, res, body, { done }) => {
      const expected = createHmac('sha256', SECRET).update(body).digest('hex');
      if (req.headers['x-freshdesk-signature'] !== expected) badSignatures++;
      tickets.push(Number((JSON.parse(body.toString()) as { ticket_id: string }).ticket_id));
      arrivals.push(Date.now());
      okAfter(2)(req, res, body, { arrival: 0, done });
    });
    const startAt = Date.now() + 300;
    const plan = { url: server.url, secret: SECRET, totalRequests: 101, requestsPerSecond: 100, ticketIdStart: 5000, startAt };
    const [one, two] = await Promise.all([
      runLoadTest({ ...plan, segment: { index: 1, count: 2 } }),
      runLoadTest({ ...plan, segment: { index: 2, count: 2 } }),
    ]);
    expect(one.sampleCount + two.sampleCount).toBe(101);
    expect(new Set(tickets).size).toBe(101);
    expect([...tickets].sort((a, b) => a - b)).toEqual(Array.from({ length: 101 }, (_, i) => 5000 + i));
    expect(badSignatures).toBe(0);
    // Nothing arrived before the shared start, and the union ran at the planned 100/s.
    expect(Math.min(...arrivals)).toBeGreaterThanOrEqual(startAt - 5);
    const spanMs = Math.max(...arrivals) - Math.min(...arrivals);
    expect(Math.abs(100 / (spanMs / 1000) - 100)).toBeLessThan(10);
    expect(one.sample(1).ticketId).toBe(5002);
    expect(two.sample(0).ticketId).toBe(5001);
    expect(one.info.startedAt).toBe(new Date(startAt).toISOString());
    const s = two.getSummary();
    expect(s.plannedRequests).toBe(50);
    expect(s.schedule.targetRps).toBe(50);
    expect(s.successCount).toBe(50);
    expect(s.warnings).toEqual([]);
  });

  it('a run begun after its shared start catches up and says so', async () => {
    server = await startTestServer(okAfter(1));
    const results = await runLoadTest({
      url: server.url,
      secret: SECRET,
      totalRequests: 20,
      requestsPerSecond: 50,
      startAt: Date.now() - 250,
    });
    const summary = results.getSummary();
    expect(summary.warnings.join('\n')).toMatch(/began \d+ ms after its shared start/);
    // The requests due in the first 250 ms left at once: their lag is their lateness.
    expect(results.sample(0).actualStartMs - results.sample(0).intendedStartMs).toBeGreaterThan(200);
    // The lag is put down to the late start, not to a busy generator.
    expect(summary.schedule.lateStartMs).toBeGreaterThanOrEqual(250);
    const lag = summary.warnings.find((w) => w.startsWith('Schedule lag'));
    expect(lag).toMatch(
      /because the run began \d+ ms after its shared start \(--start-at\), so the requests due before then went out at once/,
    );
    expect(lag).not.toMatch(/too busy/);
  });
});
