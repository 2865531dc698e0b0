import { describe, expect, it } from 'vitest';
import {
  afterRamp,
  afterStep,
  capacityResult,
  fallsBehind,
  fitsBudget,
  formatCapacity,
  judgeStep,
  nextStep,
  rampPlan,
  rampRates,
  readCapacity,
  searchCeiling,
  steadyStep,
  stepDurationMs,
  stepFigures,
  type CapacitySample,
  type CapacitySettings,
  type SearchState,
  type StepRecord,
} from '../../helpers/analysis/capacity.ts';

const base: CapacitySettings = {
  slo: { minSuccessPercent: 99, maxP95Ms: 200 },
  startRps: 10,
  maxRps: 1000,
  growth: 2,
  tolerancePercent: 10,
  minRequests: 50,
  minDurationMs: 3000,
  maxLagMs: 50,
  policy: null,
  maxDurationMs: 300_000,
  maxRequests: 100_000,
};

/**
 * A service of known capacity: at most `slots` requests processed at once, each taking
 * `serviceMs`, the rest queued FIFO (capacity slots * 1000 / serviceMs per second). `arrivals`
 * are intended starts, ms, ascending; the generator sends on time.
 */
function fifoService(arrivals: readonly number[], slots: number, serviceMs: number): CapacitySample[] {
  const free = new Array<number>(slots).fill(Number.NEGATIVE_INFINITY);
  return arrivals.map((t) => {
    let k = 0;
    for (let j = 1; j < slots; j++) if (free[j]! < free[k]!) k = j;
    const start = Math.max(t, free[k]!);
    free[k] = start + serviceMs;
    return { intendedStartMs: t, actualStartMs: t + 0.2, status: 200, errorClass: null, responseTimeMs: start + serviceMs - t };
  });
}

const steadyArrivals = (rps: number, requests: number) => Array.from({ length: requests }, (_, i) => (i * 1000) / rps);

/** The whole search against fifoService, as the spec runs it, with the ramp as one continuous run. */
function search(settings: CapacitySettings, slots: number, serviceMs: number) {
  const plan = rampPlan(settings);
  const arrivals: number[] = [];
  for (const w of plan.windows) for (let t = w.startMs; t < w.endMs; t += 1000 / w.rps) arrivals.push(t);
  const rampSamples = fifoService(arrivals, slots, serviceMs);
  const records: StepRecord[] = plan.windows.map((w) => {
    const figures = stepFigures(rampSamples, w.rps, { window: w, cancelled: 'exclude' });
    return { kind: 'ramp', figures, verdict: judgeStep(figures, settings) };
  });
  let state: SearchState = afterRamp(records, plan.reachesCeiling);
  for (let i = 0; i < 40; i++) {
    const next = nextStep(state, settings);
    if (next.kind === 'done') return capacityResult(state, settings, next.endedBy);
    const step = steadyStep(next.rps, settings);
    const figures = stepFigures(fifoService(steadyArrivals(step.rps, step.requests), slots, serviceMs), step.rps, { cancelled: 'slow' });
    state = afterStep(state, { kind: 'step', figures, verdict: judgeStep(figures, settings) }, settings);
  }
  throw new Error('the search did not end in 40 steps');
}

describe('capacity search: the plans', () => {
  it('the step rule: at least minDurationMs and minRequests; past a policy, at least its window plus 1 s', () => {
    expect(stepDurationMs(100, base)).toBe(3000);
    expect(stepDurationMs(10, base)).toBe(5000);
    expect(steadyStep(10, base)).toEqual({ rps: 10, durationMs: 5000, requests: 50 });
    const policy = { ...base, policy: { limit: 100, windowMs: 60_000 } };
    expect(stepDurationMs(1.6, policy)).toBe(31_250); // 50 requests, within the policy
    expect(stepDurationMs(1.9, policy)).toBe(61_000);
  });

  it('the ramp doubles from startRps up to the ceiling, which a policy lowers to its rate plus the tolerance', () => {
    expect(rampRates({ ...base, maxRps: 100 })).toEqual([10, 20, 40, 80, 100]);
    const policy = { ...base, policy: { limit: 100, windowMs: 60_000 }, startRps: 100 / 60 / 2 };
    expect(searchCeiling(policy)).toBeCloseTo((100 / 60) * 1.1, 9);
    expect(rampRates(policy).map((r) => r.toFixed(3))).toEqual(['0.833', '1.667', '1.833']);
  });

  it("the ramp's stages are flat per rate, joined by 1 ms ramps, and its windows are their spans", () => {
    const plan = rampPlan({ ...base, maxRps: 40 });
    expect(plan.startRps).toBe(10);
    expect(plan.stages).toEqual([
      { durationMs: 5000, targetRps: 10 },
      { durationMs: 1, targetRps: 20 },
      { durationMs: 2999, targetRps: 20 },
      { durationMs: 1, targetRps: 40 },
      { durationMs: 2999, targetRps: 40 },
    ]);
    expect(plan.windows).toEqual([
      { rps: 10, startMs: 0, endMs: 5000 },
      { rps: 20, startMs: 5000, endMs: 8000 },
      { rps: 40, startMs: 8000, endMs: 11_000 },
    ]);
    expect(plan.reachesCeiling).toBe(true);
  });

  it('the ramp takes at most half the budgets, and says when it was cut short', () => {
    const plan = rampPlan({ ...base, maxDurationMs: 20_000 });
    expect(plan.durationMs).toBeLessThanOrEqual(10_000);
    expect(plan.reachesCeiling).toBe(false);
    expect(rampPlan({ ...base, maxRequests: 400 }).requests).toBeLessThanOrEqual(200);
  });

  it('fitsBudget counts the wait, the step and its drain, and the requests', () => {
    const used = { elapsedMs: 250_000, requests: 90_000 };
    expect(fitsBudget(used, { waitMs: 0, durationMs: 40_000, drainMs: 10_000, requests: 100 }, base)).toBe(true);
    expect(fitsBudget(used, { waitMs: 1, durationMs: 40_000, drainMs: 10_000, requests: 100 }, base)).toBe(false);
    expect(fitsBudget(used, { waitMs: 0, durationMs: 1000, drainMs: 0, requests: 10_001 }, base)).toBe(false);
  });
});

const sample = (over: Partial<CapacitySample> = {}): CapacitySample => ({
  intendedStartMs: 0,
  actualStartMs: 1,
  status: 200,
  errorClass: null,
  responseTimeMs: 50,
  ...over,
});
const many = (n: number, over: Partial<CapacitySample> = {}) => Array.from({ length: n }, () => sample(over));

describe('capacity search: the verdict of a step', () => {
  const judge = (samples: CapacitySample[], cancelled: 'exclude' | 'slow' = 'slow') =>
    judgeStep(stepFigures(samples, 100, { cancelled }), base);

  it('meets the SLOs with enough answers; too few answers are not judged', () => {
    expect(judge(many(100))).toMatchObject({ ok: true, limitedBy: null });
    const spread = Array.from({ length: 100 }, (_, i) => sample({ intendedStartMs: i * 10, actualStartMs: i * 10 }));
    expect(judge(spread).text).toContain('keeps up: 100/s completed, latency median 50.0 ms -> 50.0 ms');
    // 12 answers: 3 a quarter, too few for the climb test, which says so.
    const twelve = Array.from({ length: 12 }, (_, i) => sample({ intendedStartMs: i * 100, actualStartMs: i * 100 }));
    const verdict = judgeStep(stepFigures(twelve, 10, { cancelled: 'slow', span: { startMs: 0, endMs: 1200 } }), {
      ...base,
      minRequests: 10,
    });
    expect(verdict).toMatchObject({ ok: true, text: expect.stringContaining('too few answers per quarter to judge a climb') });
    expect(judge(many(30))).toMatchObject({ ok: false, limitedBy: null, text: expect.stringContaining('too few') });
    expect(judge(many(5, { responseTimeMs: 5000 }))).toMatchObject({ ok: false, limitedBy: null });
  });

  it('429s are rate limiting, not errors; other failures are errors; a slow P95 is latency', () => {
    const limited = [...many(95), ...many(5, { status: 429, errorClass: 'http_429', responseTimeMs: 2 })];
    expect(judge(limited)).toMatchObject({
      ok: false,
      limitedBy: 'rate_limiter',
      text: expect.stringContaining('5 of 100 refused with 429'),
    });
    const failing = [...many(95), ...many(5, { status: 500, errorClass: 'http_500' })];
    expect(judge(failing)).toMatchObject({ ok: false, limitedBy: 'errors' });
    const slow = [...many(90), ...many(10, { responseTimeMs: 450 })];
    expect(judge(slow)).toMatchObject({ ok: false, limitedBy: 'latency', text: 'P95 450.0 ms, not below 200 ms' });
    // Success is strictly above the SLO: 99 of 100 is not above 99 %.
    expect(judge([...many(99), sample({ status: 500, errorClass: 'http_500' })])).toMatchObject({ limitedBy: 'errors' });
  });

  it("the generator's lag comes first: the offered rate was not the planned one", () => {
    const late = many(100, { actualStartMs: 80, responseTimeMs: 900 });
    expect(judge(late)).toMatchObject({ ok: false, limitedBy: 'generator', text: expect.stringContaining('lag P99 80.0 ms') });
  });

  it('cancelled requests: left out of a ramp stage the search stopped, counted as slow failures of a steady step', () => {
    const cut = [...many(96), ...many(4, { errorClass: 'aborted', status: 0, responseTimeMs: 900 })];
    expect(judge(cut, 'exclude')).toMatchObject({ ok: true });
    expect(judge(cut, 'slow')).toMatchObject({
      ok: false,
      limitedBy: 'latency',
      text: expect.stringContaining('4 of 100 timed out or were cut short'),
    });
  });

  it('a window keeps the requests by intended start', () => {
    const samples = [0, 999, 1000, 1999, 2000].map((t) => sample({ intendedStartMs: t, actualStartMs: t }));
    expect(stepFigures(samples, 1, { window: { startMs: 1000, endMs: 2000 }, cancelled: 'exclude' }).sent).toBe(2);
  });
});

/** Deterministic noise in [0, 1). */
function noise(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

describe('capacity search: the throughput rule (the service keeps up with the step)', () => {
  const slo2s = { ...base, slo: { minSuccessPercent: 99, maxP95Ms: 2000 }, minDurationMs: 5000 };
  const steady = (samples: CapacitySample[], rps: number, durationMs: number) =>
    stepFigures(samples, rps, { cancelled: 'slow', span: { startMs: 0, endMs: durationMs } });

  it('a step whose queue grows fails as throughput although its P95 is under the SLO (6 slots of 40 ms at 200/s for 5 s)', () => {
    const f = steady(fifoService(steadyArrivals(200, 1000), 6, 40), 200, 5000);
    expect(f.p95Ms).toBeLessThan(2000); // the old rule's test: met
    const verdict = judgeStep(f, slo2s);
    expect(verdict).toMatchObject({ ok: false, limitedBy: 'throughput', text: expect.stringContaining('fell behind') });
    expect(f.throughputRps).toBeLessThan(0.95 * 200);
    expect(f.lastQuarterMedianMs! - f.firstQuarterMedianMs!).toBeGreaterThan(500);
  });

  it('a small overload (5 % over what it completes) fails: latency climbs; the rate it completes passes', () => {
    const over = steady(fifoService(steadyArrivals(157.5, 788), 6, 40), 157.5, 5000);
    expect(judgeStep(over, slo2s)).toMatchObject({ ok: false, limitedBy: 'throughput', text: expect.stringContaining('climbs') });
    const within = steady(fifoService(steadyArrivals(148, 740), 6, 40), 148, 5000);
    expect(judgeStep(within, slo2s)).toMatchObject({ ok: true, limitedBy: null, text: expect.stringContaining('keeps up') });
    expect(within.completed).toBe(740);
  });

  it('requests still queued at the step’s end count against it: answers that never came are not completed', () => {
    // A service that stops answering a tenth of the requests, all in the step's last part (cut at the bound, as slow).
    const samples = steadyArrivals(100, 500).map((t, i) =>
      i >= 450
        ? sample({ intendedStartMs: t, actualStartMs: t, status: 0, errorClass: 'aborted', responseTimeMs: 5000 + 300 - t })
        : sample({ intendedStartMs: t, actualStartMs: t, responseTimeMs: 40 }),
    );
    const f = steady(samples, 100, 5000);
    expect(f.completed).toBe(450);
    expect(fallsBehind(f)).toMatch(/90\.0 %, under 95 %/);
    expect(judgeStep(f, slo2s).limitedBy).toBe('throughput');
  });

  it('noise does not trip the climb test: jitter, a few slow answers and a short pause late in the step', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const random = noise(seed);
      const samples = steadyArrivals(100, 500).map((t) => {
        let latency = 30 + 30 * random(); // 30-60 ms
        if (random() < 0.03) latency += 400; // 3 % slow answers
        if (t >= 4200 && t < 4300) latency += 4300 - t + 80; // a 100 ms pause of the service late in the step
        return sample({ intendedStartMs: t, actualStartMs: t + random(), responseTimeMs: latency });
      });
      const f = steady(samples, 100, 5000);
      expect(fallsBehind(f), `seed ${seed}`).toBeNull();
      expect(judgeStep(f, slo2s), `seed ${seed}`).toMatchObject({ ok: true });
    }
  });

  it('a slow service with flat latency is limited by latency, not throughput; its own noise is judged in proportion (25 %)', () => {
    const flatSlow = steadyArrivals(20, 100).map((t, i) =>
      sample({ intendedStartMs: t, actualStartMs: t, responseTimeMs: 2400 + (i % 7) * 10 }),
    );
    expect(judgeStep(steady(flatSlow, 20, 5000), slo2s)).toMatchObject({ ok: false, limitedBy: 'latency' });
    // 1000 ms at first, 1200 ms at the end: +20 %, under 25 % of 1000 ms.
    const drifting = steadyArrivals(20, 100).map((t) => sample({ intendedStartMs: t, actualStartMs: t, responseTimeMs: 1000 + t / 25 }));
    expect(fallsBehind(steady(drifting, 20, 5000))).toBeNull();
    // 40 ms at first, 100 ms at the end: +60 ms, over max(25 %, 50 ms).
    const climbing = steadyArrivals(20, 100).map((t) =>
      sample({ intendedStartMs: t, actualStartMs: t, responseTimeMs: 40 + (t * 70) / 5000 }),
    );
    expect(fallsBehind(steady(climbing, 20, 5000))).toMatch(/climbs/);
  });

  it('failures that came back are errors, not throughput, though they are no successes', () => {
    const samples = steadyArrivals(100, 500).map((t, i) =>
      sample({ intendedStartMs: t, actualStartMs: t, ...(i % 10 === 0 ? { status: 500, errorClass: 'http_500' } : {}) }),
    );
    expect(judgeStep(steady(samples, 100, 5000), slo2s).limitedBy).toBe('errors');
    // Under a lower success SLO the same step meets it: answered failures are not a service that fell behind.
    const slo90 = { ...slo2s, slo: { minSuccessPercent: 89, maxP95Ms: 2000 } };
    expect(steady(samples, 100, 5000).completed).toBe(500);
    expect(judgeStep(steady(samples, 100, 5000), slo90)).toMatchObject({ ok: true, limitedBy: null });
  });

  it('a ramp stage is judged by the same rule, over its window', () => {
    const arrivals = [...steadyArrivals(100, 300), ...steadyArrivals(200, 600).map((t) => 3000 + t)];
    const samples = fifoService(arrivals, 6, 40);
    const good = stepFigures(samples, 100, { window: { startMs: 0, endMs: 3000 }, cancelled: 'exclude' });
    const over = stepFigures(samples, 200, { window: { startMs: 3000, endMs: 6000 }, cancelled: 'exclude' });
    expect(judgeStep(good, slo2s).ok).toBe(true);
    expect(judgeStep(over, slo2s)).toMatchObject({ ok: false, limitedBy: 'throughput' });
  });
});

describe('capacity search: against a service of known capacity (C slots of L ms, FIFO)', () => {
  for (const [slots, serviceMs] of [
    [5, 50],
    [5, 20],
    [8, 100],
    [8, 20],
  ] as const) {
    const known = (slots * 1000) / serviceMs;
    it(`C=${slots}, L=${serviceMs} ms: finds ${known}/s within the tolerance, limited by its throughput`, () => {
      const result = search(base, slots, serviceMs);
      expect(result.limitedBy).toBe('throughput');
      expect(result.endedBy).toBe('narrow');
      expect(result.lowerBound).toBe(false);
      expect(result.lowConfirmed).toBe(true);
      expect(Math.abs(result.rps - known) / known).toBeLessThanOrEqual(0.1);
      expect(result.high! / result.low).toBeLessThanOrEqual(1.1 + 1e-9);
      expect(result.low).toBeLessThanOrEqual(known * 1.03); // a rate the service cannot complete never meets
      expect(result.steps[0]!.kind).toBe('ramp');
      expect(result.steps[result.steps.length - 1]!.kind).toBe('step');
      expect(formatCapacity(result)).toContain("limited by the service's throughput");
    });
  }

  it('6 slots of 40 ms (150/s) with the default 2 s SLO and 5 s steps: 150/s, not the 200/s at which its queue grows 50 a second', () => {
    const settings = { ...base, slo: { minSuccessPercent: 99, maxP95Ms: 2000 }, minDurationMs: 5000 };
    const result = search(settings, 6, 40);
    expect(Math.abs(result.rps - 150) / 150).toBeLessThanOrEqual(0.1);
    expect(result.rps).toBeLessThanOrEqual(150 * 1.03);
    expect(result).toMatchObject({ limitedBy: 'throughput', lowConfirmed: true, endedBy: 'narrow' });
  });

  it('nothing fails up to the ceiling: a lower bound, limited by nothing', () => {
    const result = search({ ...base, maxRps: 100 }, 50, 10);
    expect(result).toMatchObject({ rps: 100, high: null, limitedBy: 'none', lowerBound: true, endedBy: 'ceiling' });
    expect(result.text).toContain('CAPACITY_MAX_RPS');
  });

  it('the first ramp stage already fails: the search halves below it', () => {
    const result = search({ ...base, startRps: 400 }, 5, 50);
    expect(result.limitedBy).toBe('throughput');
    expect(Math.abs(result.rps - 100) / 100).toBeLessThanOrEqual(0.1);
  });
});

describe('capacity search: the bracket', () => {
  const record = (kind: 'ramp' | 'step', rps: number, ok: boolean, limitedBy: StepRecord['verdict']['limitedBy'] = null): StepRecord => ({
    kind,
    figures: {
      rps,
      sent: 100,
      judged: 100,
      successes: 100,
      rateLimited: 0,
      errors: 0,
      slow: 0,
      successRatePercent: 100,
      p95Ms: 10,
      lagP99Ms: 1,
    },
    verdict: { ok, limitedBy: ok ? null : limitedBy, text: ok ? 'ok' : 'bad' },
  });

  it('with a policy: the ramp passes at the policy and fails past it with 429s, so the capacity is the policy, limited by the rate limiter', () => {
    const settings = { ...base, policy: { limit: 100, windowMs: 60_000 }, startRps: 100 / 120 };
    const [half, atPolicy, over] = rampRates(settings) as [number, number, number];
    let state = afterRamp([record('ramp', half, true), record('ramp', atPolicy, true), record('ramp', over, false, 'rate_limiter')], true);
    const confirm = nextStep(state, settings);
    expect(confirm).toMatchObject({ kind: 'step', rps: atPolicy, why: expect.stringContaining('confirm') });
    state = afterStep(state, record('step', atPolicy, true));
    expect(nextStep(state, settings)).toEqual({ kind: 'done', endedBy: 'narrow' });
    const result = capacityResult(state, settings, 'narrow');
    expect(result).toMatchObject({ limitedBy: 'rate_limiter', lowerBound: false, policyRps: 100 / 60 });
    expect(result.rps).toBeCloseTo(100 / 60, 9);
    expect(result.widthPercent).toBeCloseTo(10, 6);
  });

  it('the generator falling behind (in the ramp, then held steady) ends the search with a lower bound, saying so, once a steady step confirmed the low end', () => {
    let state = afterRamp([record('ramp', 10, true), record('ramp', 20, false, 'generator')], true);
    expect(nextStep(state, base)).toMatchObject({ kind: 'step', rps: 20, why: expect.stringContaining('held steady') });
    state = afterStep(state, record('step', 20, false, 'generator'), base);
    expect(nextStep(state, base)).toMatchObject({ kind: 'step', rps: 10, why: expect.stringContaining('confirm') });
    state = afterStep(state, record('step', 10, true), base);
    expect(nextStep(state, base)).toEqual({ kind: 'done', endedBy: 'generator' });
    const result = capacityResult(state, base, 'generator');
    expect(result).toMatchObject({ rps: 10, limitedBy: 'generator', lowerBound: true });
    expect(result.text).toContain('a lower bound');
  });

  it('a rate the ramp judged good that fails held steady becomes the high end; the search goes on below it', () => {
    let state = afterRamp([record('ramp', 10, true), record('ramp', 20, true), record('ramp', 40, false, 'latency')], true);
    for (const rps of [30, 25, 22.5, 21.25]) state = afterStep(state, record('step', rps, false, 'latency'));
    expect(nextStep(state, base)).toMatchObject({ kind: 'step', rps: 20 });
    state = afterStep(state, record('step', 20, false, 'latency'));
    expect(state).toMatchObject({ low: 10, high: 20, lowConfirmed: false });
    expect(nextStep(state, base)).toMatchObject({ kind: 'step', rps: 15 });
  });

  it('a ramp stage the generator fell behind in is passed over when a later stage kept its schedule', () => {
    const state = afterRamp(
      [record('ramp', 10, false, 'generator'), record('ramp', 20, true), record('ramp', 40, false, 'throughput')],
      true,
    );
    expect(state).toMatchObject({ low: 20, high: 40, recheck: null, stopped: null, rampGood: [20] });
    expect(
      afterRamp([record('ramp', 10, true), record('ramp', 20, false, 'generator'), record('ramp', 40, false, 'generator')], true),
    ).toMatchObject({
      low: 10,
      high: null,
      recheck: 20,
    });
  });

  it('a lag spike in the ramp that a steady step does not repeat is no limit: the search goes on up from there', () => {
    let state = afterRamp([record('ramp', 10, false, 'generator')], true);
    expect(nextStep(state, base)).toMatchObject({ kind: 'step', rps: 10 });
    state = afterStep(state, record('step', 10, true), base);
    expect(state).toMatchObject({ low: 10, lowConfirmed: true, recheck: null, stopped: null, high: null });
    expect(nextStep(state, base)).toMatchObject({ kind: 'step', rps: 20, why: expect.stringContaining('go on up') });
    state = afterStep(state, record('step', 20, false, 'throughput'), base);
    expect(nextStep(state, base)).toMatchObject({ kind: 'step', rps: 15 });
  });

  it('the ramp reaching the ceiling is confirmed by a steady step there before the search ends', () => {
    let state = afterRamp([record('ramp', 10, true), record('ramp', 20, true)], true);
    expect(nextStep(state, base)).toMatchObject({ kind: 'step', rps: 20 });
    state = afterStep(state, record('step', 20, true));
    expect(nextStep(state, base)).toEqual({ kind: 'done', endedBy: 'ceiling' });
  });

  it('a confirmation failing below where the generator fell behind makes the service the limit again', () => {
    let state = afterRamp([record('ramp', 10, true), record('ramp', 20, true), record('ramp', 40, false, 'generator')], true);
    state = afterStep(state, record('step', 40, false, 'generator'), base);
    expect(nextStep(state, base)).toMatchObject({ kind: 'step', rps: 20, why: expect.stringContaining('confirm') });
    state = afterStep(state, record('step', 20, false, 'throughput'), base);
    expect(state).toMatchObject({ stopped: null, low: 10, high: 20 });
    expect(nextStep(state, base)).toMatchObject({ kind: 'step', rps: 15 });
  });

  it('the budget ending an open bracket says so', () => {
    const state = afterRamp([record('ramp', 10, true), record('ramp', 20, false, 'errors')], true);
    const result = capacityResult(state, base, 'budget');
    expect(result).toMatchObject({ rps: 10, high: 20, limitedBy: 'errors' });
    expect(result.text).toContain('the budget ran out');
  });

  it('readCapacity reads a report back, and refuses what is not one', () => {
    const state = afterRamp([record('ramp', 10, true), record('ramp', 20, false, 'errors')], true);
    const result = JSON.parse(JSON.stringify(capacityResult(state, base, 'budget')));
    expect(readCapacity(result)).toEqual(result);
    expect(readCapacity({ rps: '1' })).toBeNull();
    expect(readCapacity(undefined)).toBeNull();
  });
});
