// Ramping arrival rates: due times from the integral of a piecewise-linear rate, checked
// against integrals solved by hand, and the plan's counts.
import { describe, expect, it } from 'vitest';
import { dueTimeMs, SendSchedule, type SendHooks } from '../../helpers/engine/scheduler.ts';
import { planStages, StagedSchedule, type LoadStage } from '../../helpers/engine/stages.ts';

const dues = (schedule: StagedSchedule) => Array.from({ length: schedule.count }, (_, i) => schedule.dueTimeMs(i));

describe('StagedSchedule due times (hand-solved integrals)', () => {
  it('flat: a stage at r is the constant rate r, to the bit', () => {
    const schedule = new StagedSchedule([{ durationMs: 2000, targetRps: 100 }], 100);
    expect(schedule.count).toBe(200);
    dues(schedule).forEach((due, i) => expect(due).toBe(dueTimeMs(i, 100)));
  });

  it('ramp up from 0: 0 -> 200/s over 1 s has area t^2 / 10 (t in ms, /1000), so request i is at 100 * sqrt(i) ms', () => {
    const schedule = new StagedSchedule([{ durationMs: 1000, targetRps: 200 }]);
    expect(schedule.count).toBe(100); // (0 + 200) / 2 * 1 s
    for (const i of [0, 1, 4, 25, 50, 81, 99]) expect(schedule.dueTimeMs(i)).toBeCloseTo(100 * Math.sqrt(i), 9);
  });

  it('ramp up from startRps: 100 -> 300/s over 1 s: area (100 t + 0.1 t^2) / 1000', () => {
    const schedule = new StagedSchedule([{ durationMs: 1000, targetRps: 300 }], 100);
    expect(schedule.count).toBe(200);
    // i = (100 t + 0.1 t^2) / 1000  =>  t = (-100 + sqrt(10^4 + 400 i)) / 0.2
    for (const i of [0, 1, 11, 24, 100, 199]) expect(schedule.dueTimeMs(i)).toBeCloseTo((-100 + Math.sqrt(1e4 + 400 * i)) / 0.2, 9);
    expect(schedule.dueTimeMs(11)).toBeCloseTo(100, 9); // 100 ms in: (10 000 + 1 000) / 1000 = 11
  });

  it('ramp down: 200 -> 0/s over 1 s has area (200 t - 0.1 t^2) / 1000, so request i is at 1000 - 100 * sqrt(100 - i) ms', () => {
    const schedule = new StagedSchedule([{ durationMs: 1000, targetRps: 0 }], 200);
    expect(schedule.count).toBe(100);
    for (const i of [0, 19, 36, 64, 75, 99]) expect(schedule.dueTimeMs(i)).toBeCloseTo(1000 - 100 * Math.sqrt(100 - i), 9);
    expect(schedule.dueTimeMs(19)).toBeCloseTo(100, 9);
    expect(schedule.dueTimeMs(99)).toBeCloseTo(900, 9); // the last before the rate reaches 0 at 1000 ms
  });

  it('a zero stage sends nothing: the next request waits for the rate to rise again', () => {
    // 100/s for 1 s (requests 0..99), 0/s for 2 s, then 100/s again for 0.5 s (100..149).
    const stages: LoadStage[] = [
      { durationMs: 1000, targetRps: 100 },
      { durationMs: 1, targetRps: 0 }, // a 1 ms ramp down: 0.05 requests of area, none due
      { durationMs: 2000, targetRps: 0 },
      { durationMs: 1, targetRps: 100 }, // 1 ms ramp back up: area 0.05
      { durationMs: 500, targetRps: 100 },
    ];
    const schedule = new StagedSchedule(stages, 100);
    const plan = schedule.plan;
    // area: 100 + 0.05 + 0 + 0.05 + 50 = 150.1, so 151 requests (0 .. 150)
    expect(schedule.count).toBe(151);
    expect(plan.stages.map((s) => s.plannedRequests)).toEqual([100, 1, 0, 0, 50]);
    expect(schedule.dueTimeMs(99)).toBeCloseTo(990, 9);
    // Request 100 sits at area 100: the start of the 1 ms ramp down (the end of stage 0).
    expect(schedule.dueTimeMs(100)).toBeCloseTo(1000, 9);
    // The last stage starts at 1000 + 1 + 2000 + 1 = 3002 ms, at area 100.1:
    // request 101 at 100.1 + (t - 3002) / 10 = 101, so t = 3011 ms; request 150 at 3501 ms.
    expect(schedule.dueTimeMs(101)).toBeCloseTo(3011, 9);
    expect(schedule.dueTimeMs(150)).toBeCloseTo(3501, 9);
    // A leading pause: request 0 is due when the rate leaves 0, not at the start.
    const paused = new StagedSchedule([
      { durationMs: 5000, targetRps: 0 },
      { durationMs: 1000, targetRps: 200 },
    ]);
    expect(paused.count).toBe(100);
    expect(paused.dueTimeMs(0)).toBe(5000);
    expect(paused.dueTimeMs(4)).toBeCloseTo(5200, 9);
  });

  it('is non-decreasing, inside [0, total duration), and the same when asked out of order', () => {
    const stages: LoadStage[] = [
      { durationMs: 700, targetRps: 33.3 },
      { durationMs: 1300, targetRps: 33.3 },
      { durationMs: 900, targetRps: 5 },
      { durationMs: 400, targetRps: 0 },
      { durationMs: 1100, targetRps: 71 },
    ];
    const schedule = new StagedSchedule(stages, 2.5);
    const inOrder = dues(schedule);
    for (let i = 1; i < inOrder.length; i++) expect(inOrder[i]).toBeGreaterThanOrEqual(inOrder[i - 1] as number);
    expect(inOrder[0]).toBe(0);
    expect(inOrder[inOrder.length - 1]).toBeLessThan(4400);
    const other = new StagedSchedule(stages, 2.5);
    for (const i of [inOrder.length - 1, 3, 60, 0, 59]) expect(other.dueTimeMs(i)).toBe(inOrder[i]);
    expect(() => schedule.dueTimeMs(schedule.count)).toThrow(RangeError);
    expect(() => schedule.dueTimeMs(-1)).toThrow(RangeError);
  });
});

describe('planStages', () => {
  it('counts the integral exactly: ceil of the area (request 0 is at area 0), no phantom request from rounding', () => {
    expect(planStages([{ durationMs: 1000, targetRps: 200 }]).count).toBe(100);
    // 0.5 of area: request 0 only (k6, counting from area 1, would start none).
    expect(planStages([{ durationMs: 1000, targetRps: 1 }]).count).toBe(1);
    expect(planStages([{ durationMs: 3000, targetRps: 2.5 }], 2.5).count).toBe(8); // 7.5 -> 0..7
    // 0.1 + 0.2 per second for 1000 s is 300 by hand, 300.00000000000006 in floating point.
    expect(planStages([{ durationMs: 1_000_000, targetRps: 0.1 + 0.2 }], 0.1 + 0.2).count).toBe(300);
    expect(planStages([{ durationMs: 1000, targetRps: 0 }]).count).toBe(0);
  });

  it('gives each stage its window, rates, requests and first and last due times', () => {
    const plan = planStages([
      { durationMs: 1000, targetRps: 200 },
      { durationMs: 500, targetRps: 200 },
      { durationMs: 250, targetRps: 0 },
    ]);
    expect(plan.count).toBe(225);
    expect(plan.durationMs).toBe(1750);
    expect(plan.stages[0]).toMatchObject({
      index: 0,
      startMs: 0,
      endMs: 1000,
      targetStartRps: 0,
      targetEndRps: 200,
      firstRequest: 0,
      plannedRequests: 100,
      firstDueMs: 0,
    });
    expect(plan.stages[0]?.lastDueMs).toBeCloseTo(100 * Math.sqrt(99), 9);
    expect(plan.stages[1]).toMatchObject({
      startMs: 1000,
      endMs: 1500,
      firstRequest: 100,
      plannedRequests: 100,
      firstDueMs: 1000,
      lastDueMs: 1495,
    });
    expect(plan.stages[2]).toMatchObject({ targetStartRps: 200, targetEndRps: 0, firstRequest: 200, plannedRequests: 25 });
  });
});

describe('SendSchedule on stages (fake clock)', () => {
  it('sends each request at its due time, waits through a pause, and catches up after a late wake-up', () => {
    const state = { now: 0, sends: [] as { index: number; intended: number; at: number }[] };
    const hooks: SendHooks = {
      now: () => state.now,
      hasCapacity: () => true,
      send: (index, intended) => state.sends.push({ index, intended, at: state.now }),
    };
    const plan = new StagedSchedule(
      [
        { durationMs: 1000, targetRps: 20 }, // 0 -> 20/s: area 10, due at sqrt(100 000 i) ms
        { durationMs: 3000, targetRps: 0 }, // ramps down over 3 s: area 30
      ],
      0,
    );
    expect(plan.count).toBe(40);
    const schedule = new SendSchedule(plan);
    let wakeups = 0;
    for (;;) {
      const step = schedule.sendDue(hooks);
      if (step.kind !== 'wait') break;
      wakeups++;
      state.now += step.delayMs + (wakeups === 5 ? 400 : 0); // one wake-up 400 ms late
    }
    expect(state.sends.map((s) => s.index)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    state.sends.forEach((s) => {
      expect(s.intended).toBe(plan.dueTimeMs(s.index));
      expect(s.at - s.intended).toBeGreaterThanOrEqual(0);
      expect(s.at - s.intended).toBeLessThanOrEqual(400);
    });
    expect(state.sends.filter((s) => s.at > s.intended).length).toBeGreaterThan(1); // caught up several at once
    expect(state.sends[39]?.at).toBeCloseTo(state.sends[39]?.intended as number, 6); // and then back on schedule, no drift
  });
});
