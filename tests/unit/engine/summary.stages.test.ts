// Per-stage figures of a staged run, from the sample columns: exact numbers from a synthetic run.
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../helpers/engine/errors.ts';
import { SampleStore } from '../../helpers/engine/samples.ts';
import { StagedSchedule } from '../../helpers/engine/stages.ts';
import { buildSummary } from '../../helpers/engine/summary.ts';

/** 0 -> 200/s over 1 s, then 200/s for 0.5 s; stage 0 sent 1 ms late, stage 1 3 ms late, answers after 10 ms (20 ms in stage 1). */
function stagedRun(sent = 200) {
  const schedule = new StagedSchedule([
    { durationMs: 1000, targetRps: 200 },
    { durationMs: 500, targetRps: 200 },
  ]);
  const store = new SampleStore(schedule.count, 1);
  for (let i = 0; i < sent; i++) {
    const intended = schedule.dueTimeMs(i);
    const late = i < 100 ? 1 : 3;
    store.recordSend(i, intended, intended + late);
    // In stage 1 every 10th request is a 500.
    if (i >= 100 && i % 10 === 0) store.recordEnd(i, intended + late + 20, 500, ErrorCode.http);
    else store.recordEnd(i, intended + late + (i < 100 ? 10 : 20), 200, ErrorCode.none);
  }
  return buildSummary({
    store,
    info: {
      plannedRequests: schedule.count,
      requestsPerSecond: null,
      stages: schedule.plan.stages,
      concurrency: 8,
      durationMs: 1520,
      endReason: sent === schedule.count ? 'completed' : 'aborted',
      slotWaits: 0,
    },
    errors: [],
    runWarnings: [],
  });
}

describe('summary of a staged run', () => {
  it('reports each stage: window, rates, planned and sent counts, send rates, lag, outcomes and corrected latency', () => {
    const s = stagedRun();
    expect(s.schedule.mode).toBe('stages');
    // Planned send rate over the whole run, first due (0) to last (1495 ms): 199 / 1.495 s.
    expect(s.schedule.targetRps).toBeCloseTo(199 / 1.495, 9);
    expect(s.plannedRequests).toBe(200);
    const [ramp, flat] = s.stages ?? [];
    expect(s.stages).toHaveLength(2);
    expect(ramp).toMatchObject({
      index: 0,
      startMs: 0,
      endMs: 1000,
      targetStartRps: 0,
      targetEndRps: 200,
      plannedRequests: 100,
      sentRequests: 100,
      successCount: 100,
      failureCount: 0,
    });
    // Due at 100 * sqrt(i) ms: 99 intervals over 100 * sqrt(99) ms; sent 1 ms late each, so the same rate.
    expect(ramp?.plannedSendRps).toBeCloseTo(99_000 / (100 * Math.sqrt(99)), 9);
    expect(ramp?.achievedSendRps).toBeCloseTo(ramp?.plannedSendRps as number, 9);
    expect(ramp?.lagP50Ms).toBeCloseTo(1, 9);
    expect(ramp?.lagP99Ms).toBeCloseTo(1, 9);
    expect(ramp?.p95Ms).toBeCloseTo(11, 9); // 1 ms late + 10 ms answer, from the intended start
    expect(flat).toMatchObject({ index: 1, startMs: 1000, endMs: 1500, targetStartRps: 200, targetEndRps: 200 });
    expect(flat).toMatchObject({ plannedRequests: 100, sentRequests: 100, successCount: 90, failureCount: 10 });
    expect(flat?.plannedSendRps).toBeCloseTo(200, 9);
    expect(flat?.achievedSendRps).toBeCloseTo(200, 9);
    expect(flat?.lagP99Ms).toBeCloseTo(3, 9);
    expect(flat?.p50Ms).toBeCloseTo(23, 9);
    // Lag 3 ms is within LAG_WARNING_MS: no warning.
    expect(s.warnings).toEqual([]);
  });

  it('counts only what was sent when the run stopped early, with NaN for a stage nothing of which was sent', () => {
    const s = stagedRun(60);
    const [ramp, flat] = s.stages ?? [];
    expect(ramp).toMatchObject({ plannedRequests: 100, sentRequests: 60, successCount: 60 });
    expect(flat).toMatchObject({ plannedRequests: 100, sentRequests: 0, successCount: 0, failureCount: 0 });
    expect(flat?.achievedSendRps).toBeNaN();
    expect(flat?.lagP50Ms).toBeNaN();
    expect(flat?.p95Ms).toBeNaN();
    expect(s.notSentCount).toBe(140);
  });

  it('has no stages field for a count-bounded run', () => {
    const store = new SampleStore(2, 1);
    store.recordSend(0, 0, 0);
    store.recordEnd(0, 5, 200, ErrorCode.none);
    store.recordSend(1, 100, 100);
    store.recordEnd(1, 105, 200, ErrorCode.none);
    const info = {
      plannedRequests: 2,
      requestsPerSecond: 10,
      concurrency: 1,
      durationMs: 105,
      endReason: 'completed' as const,
      slotWaits: 0,
    };
    const s = buildSummary({ store, info, errors: [], runWarnings: [] });
    expect(s.schedule.mode).toBe('rate');
    expect('stages' in s).toBe(false);
  });
});
