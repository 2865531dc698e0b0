// A staged run against a real node:http server on 127.0.0.1: 0 -> 200/s over 1 s, then
// 200/s for 0.5 s. Counts are asserted exactly; rates and times only loosely (a noisy
// 2-core machine may wake the generator late, and catch-up keeps the counts).
import { median } from 'simple-statistics';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoadTest } from '../../helpers/engine/load-test.ts';
import type { ProgressSnapshot } from '../../helpers/engine/options.ts';
import { StagedSchedule, type LoadStage } from '../../helpers/engine/stages.ts';
import { okAfter, startTestServer, type TestServer } from './test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const RAMP: LoadStage[] = [
  { durationMs: 1000, targetRps: 200 },
  { durationMs: 500, targetRps: 200 },
];

describe('runLoadTest with stages', () => {
  it('sends the integral of the ramp, each request at its due time, and reports each stage', async () => {
    server = await startTestServer(okAfter(2));
    const snapshots: ProgressSnapshot[] = [];
    const results = await runLoadTest({
      url: server.url,
      secret: 's',
      stages: RAMP,
      maxDurationMs: 20_000,
      progressIntervalMs: 200,
      onProgress: (p) => snapshots.push(p),
    });
    const s = results.getSummary();

    // Counts, exactly: (0 + 200) / 2 * 1 s + 200 * 0.5 s = 100 + 100.
    expect(s.endReason).toBe('completed');
    expect(s.plannedRequests).toBe(200);
    expect(s.sentRequests).toBe(200);
    expect(s.successCount).toBe(200);
    expect(server.requests).toBe(200);
    expect(results.info.stages?.map((stage) => stage.plannedRequests)).toEqual([100, 100]);
    expect(s.schedule.mode).toBe('stages');
    expect(s.stages?.map((stage) => [stage.plannedRequests, stage.sentRequests, stage.successCount])).toEqual([
      [100, 100, 100],
      [100, 100, 100],
    ]);

    // Intended starts are the schedule's, to the bit, and match the hand-solved integral.
    const schedule = new StagedSchedule(RAMP);
    results.samples.forEach((r, i) => {
      expect(r.intendedStartMs).toBe(schedule.dueTimeMs(i));
      expect(r.actualStartMs).toBeGreaterThanOrEqual(r.intendedStartMs);
    });
    expect(results.sample(4).intendedStartMs).toBeCloseTo(200, 9); // 100 * sqrt(4) ms into the ramp
    expect(results.sample(150).intendedStartMs).toBeCloseTo(1250, 9); // 1000 ms + 50 / 200 per s

    // Rates, loosely: the ramp sends about 100/s on average, the flat stage about 200/s.
    const [ramp, flat] = s.stages ?? [];
    expect(ramp?.plannedSendRps).toBeCloseTo(99_000 / (100 * Math.sqrt(99)), 6);
    expect(Math.abs((ramp?.achievedSendRps as number) / (ramp?.plannedSendRps as number) - 1)).toBeLessThan(0.25);
    expect(flat?.plannedSendRps).toBeCloseTo(200, 6);
    expect(Math.abs((flat?.achievedSendRps as number) / 200 - 1)).toBeLessThan(0.25);
    // A ramp, not a constant rate: half of the ramp's requests are due after 707 ms (a constant
    // 100/s would have sent them by 500 ms), and lateness only moves sends later.
    expect(median(results.samples.slice(0, 100).map((r) => r.actualStartMs))).toBeGreaterThan(600);

    // Progress: planned requests are the integral, and the stage follows the elapsed time.
    expect(snapshots.length).toBeGreaterThanOrEqual(2);
    for (const p of snapshots) {
      expect(p.plannedRequests).toBe(200);
      expect(p.stageIndex).toBe(p.elapsedMs < 1000 ? 0 : 1);
    }
  });

  it('stops at maxDurationMs inside a stage, and reports what each stage sent', async () => {
    server = await startTestServer(okAfter(0));
    const results = await runLoadTest({
      url: server.url,
      secret: 's',
      stages: [
        { durationMs: 300, targetRps: 100 },
        { durationMs: 5000, targetRps: 100 },
      ],
      startRps: 100,
      maxDurationMs: 1000,
    });
    const s = results.getSummary();
    expect(s.endReason).toBe('max_duration');
    expect(s.plannedRequests).toBe(530);
    const [first, second] = s.stages ?? [];
    expect(first).toMatchObject({ plannedRequests: 30, sentRequests: 30 });
    expect(second?.plannedRequests).toBe(500);
    expect(second?.sentRequests).toBe(s.sentRequests - 30);
    expect(s.notSentCount).toBe(530 - s.sentRequests);
  });
});
