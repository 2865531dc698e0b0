import { describe, expect, it } from 'vitest';
import {
  BurstSchedule,
  ConstantRateSchedule,
  countSchedule,
  dueTimeMs,
  SendSchedule,
  type SendHooks,
} from '../../helpers/engine/scheduler.ts';

/** A fake clock and a capacity counter, recording (index, intended, sentAt). */
function harness(capacity = Number.POSITIVE_INFINITY) {
  const state = { now: 0, inFlight: 0, sends: [] as { index: number; intended: number; at: number }[] };
  const hooks: SendHooks = {
    now: () => state.now,
    hasCapacity: () => state.inFlight < capacity,
    send: (index, intended) => {
      state.inFlight++;
      state.sends.push({ index, intended, at: state.now });
    },
  };
  return { state, hooks };
}

describe('dueTimeMs', () => {
  it('puts request i at i / rate from the start, without accumulating rounding', () => {
    expect(dueTimeMs(0, 100)).toBe(0);
    expect(dueTimeMs(199, 100)).toBe(1990);
    // 100 req/min: 600 ms apart, exactly, even far into the run
    expect(dueTimeMs(99_999, 100 / 60)).toBeCloseTo(99_999 * 600, 6);
    expect(dueTimeMs(12, null)).toBe(0);
  });

  it('gives the same numbers as the constant-rate and burst Schedules', () => {
    const rate = countSchedule(500, 100 / 60);
    expect(rate).toBeInstanceOf(ConstantRateSchedule);
    expect([rate.mode, rate.count]).toEqual(['rate', 500]);
    for (const i of [0, 1, 7, 499]) expect(rate.dueTimeMs(i)).toBe(dueTimeMs(i, 100 / 60));
    const burst = countSchedule(3, null);
    expect([burst.mode, burst.count, burst.dueTimeMs(2)]).toEqual(['burst', 3, 0]);
  });
});

describe('SendSchedule', () => {
  it('sends only what is due and says how long to wait for the next one', () => {
    const { state, hooks } = harness();
    const schedule = new SendSchedule(new ConstantRateSchedule(5, 10)); // due 0, 100, 200, 300, 400
    expect(schedule.sendDue(hooks)).toEqual({ kind: 'wait', delayMs: 100 });
    expect(state.sends.map((s) => s.index)).toEqual([0]);
    state.now = 150;
    expect(schedule.sendDue(hooks)).toEqual({ kind: 'wait', delayMs: 50 });
    expect(state.sends.map((s) => s.index)).toEqual([0, 1]);
  });

  it('catches up at once after waking late, and keeps no drift', () => {
    // A timer that always wakes 7 ms late and sometimes 130 ms late: a chained-sleep
    // scheduler would drift by the sum; this one stays on the absolute schedule.
    const { state, hooks } = harness();
    const schedule = new SendSchedule(countSchedule(1000, 100)); // every 10 ms, 9.99 s in all
    let wakeups = 0;
    for (;;) {
      const step = schedule.sendDue(hooks);
      if (step.kind !== 'wait') break;
      wakeups++;
      state.now += step.delayMs + (wakeups % 50 === 0 ? 130 : 7);
    }
    expect(state.sends).toHaveLength(1000);
    state.sends.forEach((s, i) => {
      expect(s.index).toBe(i);
      expect(s.intended).toBe(dueTimeMs(i, 100));
      expect(s.at - s.intended).toBeGreaterThanOrEqual(0);
      expect(s.at - s.intended).toBeLessThanOrEqual(137); // never more than one late wake-up
    });
    // The last request leaves within one wake-up's lateness of its due time: no accumulated drift.
    const last = state.sends[999];
    expect(last?.at).toBeLessThanOrEqual(9990 + 137);
    expect(wakeups).toBeLessThan(1000); // late wake-ups sent several requests each
  });

  it('blocks on a full concurrency cap and resumes with the same intended times', () => {
    const { state, hooks } = harness(2);
    const schedule = new SendSchedule(new BurstSchedule(4)); // burst: all due at 0
    expect(schedule.sendDue(hooks)).toEqual({ kind: 'blocked' });
    expect(state.sends.map((s) => s.index)).toEqual([0, 1]);
    expect(schedule.slotWaits).toBe(1);
    state.now = 40;
    state.inFlight = 1; // one completed
    expect(schedule.sendDue(hooks)).toEqual({ kind: 'blocked' });
    state.inFlight = 0;
    expect(schedule.sendDue(hooks)).toEqual({ kind: 'done' });
    expect(state.sends.map((s) => [s.index, s.intended, s.at])).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [2, 0, 40],
      [3, 0, 40],
    ]);
  });
});
