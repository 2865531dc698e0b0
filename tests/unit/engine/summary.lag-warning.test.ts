// The schedule-lag warning says what it measured and claims a lower offered load only when the
// achieved send rate really is lower than the target.
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../helpers/engine/errors.ts';
import { SampleStore } from '../../helpers/engine/samples.ts';
import { buildSummary, lagWarning, LAG_WARNING_MS, SEND_RATE_SHORTFALL_PERCENT, type ScheduleStats } from '../../helpers/engine/summary.ts';

/** A rate-mode run of `count` requests due every `intervalMs`, each sent `lagMs(i)` late, all 200 after 5 ms. */
function summaryOf(
  count: number,
  intervalMs: number,
  lagMs: (i: number) => number,
  slotWaits = 0,
  requestsPerSecond: number | null = 1000 / intervalMs,
) {
  const store = new SampleStore(count, 1);
  for (let i = 0; i < count; i++) {
    const intended = i * intervalMs;
    const actual = intended + lagMs(i);
    store.recordSend(i, intended, actual);
    store.recordEnd(i, actual + 5, 200, ErrorCode.none);
  }
  return buildSummary({
    store,
    info: {
      plannedRequests: count,
      requestsPerSecond,
      concurrency: 4,
      durationMs: (count - 1) * intervalMs + 100,
      endReason: 'completed',
      slotWaits,
    },
    errors: [],
    runWarnings: [],
  });
}

const lagLine = (warnings: readonly string[]) => warnings.find((w) => w.startsWith('Schedule lag'));

describe('the schedule lag warning', () => {
  it('a generator late in the middle but on time at both ends: the lag, the equal rates, and no claim of less load', () => {
    // 1.67 req/s (one every 600 ms) for 100 requests; requests 40..59 sent 50 ms late.
    const s = summaryOf(100, 600, (i) => (i >= 40 && i < 60 ? 50 : 0));
    expect(s.schedule.achievedSendRps).toBeCloseTo(1000 / 600, 10);
    const line = lagLine(s.warnings);
    expect(line).toBeDefined();
    expect(line).toContain(`Schedule lag P99 50.0 ms exceeds ${LAG_WARNING_MS} ms (max 50.0 ms)`);
    expect(line).toContain('the load generator, not the server, fell behind its schedule');
    expect(line).toContain('Achieved send rate 1.67 req/s against a target of 1.67 req/s: the server was offered the planned rate');
    expect(line).not.toMatch(/less load|lower/);
  });

  it('a generator that drifted later and later: the shortfall in numbers and the lower offered load', () => {
    // Target 10 req/s; each send 5 ms later than the one before it, so it sent every 105 ms.
    const s = summaryOf(50, 100, (i) => i * 5);
    const line = lagLine(s.warnings);
    expect(line).toContain('Schedule lag P99 24');
    expect(line).toContain('Achieved send rate 9.52 req/s against a target of 10.00 req/s (4.8 % lower)');
    expect(line).toContain('the server was offered less load than planned');
    expect(line).toContain('too busy to send on time');
  });

  it('names the concurrency slots and advises raising concurrency when due requests waited for one', () => {
    const s = summaryOf(100, 600, (i) => (i >= 40 && i < 60 ? 50 : 0), 20);
    const line = lagLine(s.warnings);
    expect(line).toMatch(/because due requests waited 20 times for one of the 4 concurrency slots\./);
    expect(line).toMatch(/Raise concurrency to keep the open model/);
  });

  it('draws the line for "less load" just over SEND_RATE_SHORTFALL_PERCENT below the target', () => {
    const schedule = (achievedSendRps: number): ScheduleStats => ({
      mode: 'rate',
      targetRps: 100,
      achievedSendRps,
      lagP50Ms: 2,
      lagP99Ms: 30,
      lagMaxMs: 80,
      concurrency: 10,
      slotWaits: 0,
    });
    expect(SEND_RATE_SHORTFALL_PERCENT).toBe(1);
    expect(lagWarning(schedule(99.2))).toContain('the server was offered the planned rate');
    expect(lagWarning(schedule(100.5))).toContain('the server was offered the planned rate');
    expect(lagWarning(schedule(98.5))).toContain('98.50 req/s against a target of 100.00 req/s (1.5 % lower)');
    expect(lagWarning(schedule(98.5))).toContain('less load than planned');
    // Above the target: requests that were late went out together.
    expect(lagWarning(schedule(105))).toContain(
      '105.00 req/s against a target of 100.00 req/s (5.0 % higher): the late requests went out together',
    );
    expect(lagWarning(schedule(105))).not.toContain('planned rate');
    // A run begun after its shared start: the late start is the cause, not the generator's CPU.
    const late = lagWarning({ ...schedule(105), lateStartMs: 10_000 });
    expect(late).toContain('because the run began 10000 ms after its shared start (--start-at)');
    expect(late).not.toContain('too busy');
    // A late start far smaller than the lag does not explain it: the generator is named, the start said too.
    const slightly = lagWarning({ ...schedule(100), lateStartMs: 5 });
    expect(slightly).toContain(
      'too busy to send on time (CPU contention or a rate too high for one process) (also, the run began 5 ms after',
    );
    expect(lagWarning(schedule(100))).toContain('too busy to send on time');
    // Too few sends to measure a rate: the lag only, no claim about the load.
    const single = lagWarning(schedule(Number.NaN));
    expect(single).toMatch(/^Schedule lag P99 30\.0 ms exceeds 10 ms \(max 80\.0 ms\)/);
    expect(single).not.toMatch(/rate .*req\/s|less load|planned rate/);
  });

  it('stays silent when the lag P99 is within the limit, and in burst mode', () => {
    expect(lagLine(summaryOf(100, 600, () => 3).warnings)).toBeUndefined();
    // Burst: every request due at 0, so the queueing is the plan, not lag.
    expect(lagLine(summaryOf(100, 0, (i) => i * 2, 0, null).warnings)).toBeUndefined();
  });
});
