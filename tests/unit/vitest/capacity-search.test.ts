// The capacity search's loop (vitest/capacity-search.ts), run without a network: the engine is
// replaced by a simulated service of known capacity (C slots of L ms, the rest queued FIFO: C / L
// per second; optionally a sliding-window limiter), on a simulated clock, so the whole search
// (ramp, its watch, bisection, budget, recording) runs in milliseconds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../helpers/engine/errors.ts';
import type { LoadTestOptions } from '../../helpers/engine/options.ts';
import { LoadTestResults } from '../../helpers/engine/results.ts';
import { SampleStore } from '../../helpers/engine/samples.ts';
import { dueTimeMs } from '../../helpers/engine/scheduler.ts';
import { StagedSchedule } from '../../helpers/engine/stages.ts';
import {
  backlogMs,
  capacitySearch,
  findCapacity,
  rampWatch,
  type CapacityKnobs,
  type CapacityRecorder,
  type CapacitySearch,
} from '../../helpers/vitest/capacity-search.ts';
import { SpecRecorder } from '../../helpers/vitest/recorder.ts';
import { specContext } from './spec-context.ts';

/** The reliability test's small bounds: 3 s steps, a 200 ms P95 SLO, a 50 s budget. */
const SMALL: CapacityKnobs = {
  minSuccessPercent: 99,
  maxP95Ms: 200,
  startRps: 20,
  maxRps: 1000,
  growth: 2,
  tolerancePercent: 5,
  stepMinRequests: 50,
  stepMinSeconds: 3,
  maxSeconds: 50,
  maxRequests: 100_000,
  maxLagMs: 50,
};
const NO_POLICY = { rateLimit: null, requestTimeoutMs: 30_000 };

interface Service {
  slots: number;
  serviceMs: number;
  limiter?: { limit: number; windowMs: number };
}

/** A simulated engine: runs a plan against `service` on `clock` (ms), with progress snapshots and the engine's bounds. */
function simulated(service: Service, clock: { ms: number }) {
  const free = new Array<number>(service.slots).fill(Number.NEGATIVE_INFINITY);
  const admitted: number[] = [];
  const calls: LoadTestOptions[] = [];
  /** Requests each run sent. */
  const sentByRun: number[] = [];
  const serve = (at: number): { end: number; status: number } => {
    const { limiter } = service;
    if (limiter !== undefined) {
      while (admitted.length > 0 && admitted[0]! <= at - limiter.windowMs) admitted.shift();
      if (admitted.length >= limiter.limit) return { end: at + 1, status: 429 };
      admitted.push(at);
    }
    let k = 0;
    for (let j = 1; j < free.length; j++) if (free[j]! < free[k]!) k = j;
    const start = Math.max(at, free[k]!);
    free[k] = start + service.serviceMs;
    return { end: start + service.serviceMs, status: 200 };
  };
  const run = async (options: LoadTestOptions): Promise<LoadTestResults> => {
    calls.push(options);
    const t0 = clock.ms;
    const staged = options.stages ? new StagedSchedule(options.stages, options.startRps) : null;
    const count = staged ? staged.count : options.totalRequests!;
    const due = (i: number) => (staged ? staged.dueTimeMs(i) : dueTimeMs(i, options.requestsPerSecond!));
    const sent: { intended: number; end: number; status: number }[] = [];
    let stopAt = options.signal?.aborted ? 0 : options.maxDurationMs!;
    const sendUpTo = (ms: number) => {
      while (sent.length < count && due(sent.length) < Math.min(ms, stopAt)) {
        const intended = due(sent.length);
        const answer = serve(t0 + intended);
        sent.push({ intended, end: answer.end - t0, status: answer.status });
      }
    };
    const interval = options.progressIntervalMs ?? 1000;
    for (let p = interval; options.onProgress && p < stopAt; p += interval) {
      sendUpTo(p);
      const done = sent.filter((s) => s.end <= p);
      const window = done
        .filter((s) => s.end > p - interval)
        .map((s) => s.end - s.intended)
        .sort((a, b) => a - b);
      const failed = done.filter((s) => s.status !== 200).length;
      options.onProgress({
        elapsedMs: p,
        plannedRequests: count,
        sent: sent.length,
        completed: done.length,
        inFlight: sent.length - done.length,
        succeeded: done.length - failed,
        failed,
        currentP95Ms: window.length > 0 ? window[Math.ceil(0.95 * window.length) - 1]! : Number.NaN,
        windowCount: window.length,
        windowMs: 5000,
        plannedMs: 60_000,
      });
      if (options.signal?.aborted) stopAt = p;
      if (sent.length === count && done.length === count) break;
    }
    sendUpTo(stopAt);
    const store = new SampleStore(Math.max(1, sent.length), options.ticketIdStart ?? 0);
    sent.forEach((s, i) => {
      store.recordSend(i, s.intended, s.intended + 0.2);
      if (s.end <= stopAt) store.recordEnd(i, s.end, s.status, s.status === 200 ? ErrorCode.none : ErrorCode.http);
      else store.recordEnd(i, stopAt, 0, ErrorCode.aborted); // cut at the bound or the stop
    });
    const durationMs = Math.min(stopAt, Math.max(0, ...sent.map((s) => s.end)));
    clock.ms = t0 + durationMs;
    sentByRun.push(sent.length);
    const info = {
      url: 'http://127.0.0.1:1/webhook',
      plannedRequests: count,
      requestsPerSecond: options.requestsPerSecond ?? null,
      concurrency: options.concurrency ?? 1,
      ticketIdStart: options.ticketIdStart ?? 0,
      // Long past: the suite's ledger never makes a simulated run wait for real time.
      startedAt: new Date(Date.UTC(2000, 0, 1) + t0).toISOString(),
      durationMs,
      endReason: durationMs < stopAt ? ('completed' as const) : ('max_duration' as const),
      slotWaits: 0,
    };
    return new LoadTestResults(info, store, [], []);
  };
  return { run, calls, sentByRun };
}

/** A recorder that keeps what it is given; waiting for room in the window empties it on the simulated clock. */
function fakeRecorder(clock: { ms: number }, windowMs = 0) {
  const interrupt = new AbortController();
  const phases: { phase: string; cutByDesign: boolean | undefined }[] = [];
  const notes: Record<string, unknown> = {};
  let tickets = 0;
  const recorder: CapacityRecorder = {
    title: 'capacity',
    signal: interrupt.signal,
    answerRules: () => ({ url: 'http://127.0.0.1:1/webhook', secret: 's', signal: interrupt.signal }),
    reserveTickets: (count) => {
      const start = tickets;
      tickets += Math.ceil(count / 1000) * 1000;
      return start;
    },
    awaitRoom: async (phase, plan) => {
      clock.ms += windowMs;
      return { waitMs: windowMs, phase, plan } as unknown as Awaited<ReturnType<CapacityRecorder['awaitRoom']>>;
    },
    sent: () => [],
    recordSent: () => undefined,
    addRun: (phase, results, options) => {
      phases.push({ phase, cutByDesign: options?.cutByDesign });
      return results.getSummary();
    },
    note: (key, value) => {
      notes[key] = value;
    },
  };
  return { recorder, interrupt, phases, notes };
}

/** Runs the whole search against `service`; what it found, sent and recorded. */
async function searchAgainst(service: Service, search: CapacitySearch, windowMs = 0) {
  const clock = { ms: 0 };
  const engine = simulated(service, clock);
  const fake = fakeRecorder(clock, windowMs);
  const lines: string[] = [];
  const result = await findCapacity(fake.recorder, search, {
    run: engine.run,
    now: () => clock.ms,
    log: (line) => lines.push(line),
    sleep: async (ms) => void (clock.ms += ms),
  });
  return { result, clock, lines, ...engine, ...fake };
}

describe('capacitySearch: the knobs checked together, before any traffic', () => {
  it('starts at 10/s, or at the declared policy rate; the drains follow the SLO and the request timeout', () => {
    const plain = capacitySearch({ ...SMALL, startRps: 0, maxP95Ms: 2000 }, NO_POLICY);
    expect(plain.settings).toMatchObject({ startRps: 10, policy: null, minDurationMs: 3000, maxDurationMs: 50_000 });
    expect(plain).toMatchObject({ drainMs: 10_000, goodDrainMs: 5000, requestTimeoutMs: 30_000 });
    const policy = { limit: 100, windowMs: 60_000 };
    const limited = capacitySearch({ ...SMALL, startRps: 0, maxSeconds: 300 }, { rateLimit: policy, requestTimeoutMs: 5000 });
    expect(limited.settings.startRps).toBeCloseTo(100 / 60, 9);
    expect(limited.settings.policy).toEqual(policy);
    expect(limited.drainMs).toBe(5000); // never past a request's own timeout
  });

  it('refuses settings that cannot work together, naming the variables', () => {
    expect(() => capacitySearch({ ...SMALL, startRps: 50, maxRps: 40 }, NO_POLICY)).toThrow(
      /CAPACITY_START_RPS=50 is above CAPACITY_MAX_RPS=40/,
    );
    const policy = { limit: 100, windowMs: 60_000 };
    expect(() => capacitySearch({ ...SMALL, maxSeconds: 120 }, { rateLimit: policy, requestTimeoutMs: 30_000 })).toThrow(
      /CAPACITY_MAX_SECONDS=120 is too short for RATE_LIMIT=100\/60s: .* at least 183 s/,
    );
  });
});

describe('backlogMs: the time a service may still spend on what a run cancelled', () => {
  it("is what was cancelled at the rate the service answered over the run's last 2 s, capped; nothing cancelled, nothing to wait", () => {
    // 50 answers a second for 4 s (intended start + latency = answer time), then 100 cancelled.
    const answered = Array.from({ length: 200 }, (_, i) => ({ errorClass: null, intendedStartMs: i * 20, responseTimeMs: 500 }));
    const cut = Array.from({ length: 100 }, () => ({ errorClass: 'aborted', intendedStartMs: 4000, responseTimeMs: 300 }));
    expect(backlogMs(answered, 30_000)).toBe(0);
    expect(backlogMs([...answered, ...cut], 30_000)).toBe(1981); // 100 at 101 answers in the last 2 s
    expect(backlogMs([...answered, ...cut], 1000)).toBe(1000);
    expect(backlogMs(cut, 1000)).toBe(1000); // nothing answered: the most it may take
  });
});

describe('rampWatch: the ramp stops after two bad snapshots in a row', () => {
  const windows = [
    { rps: 20, startMs: 0, endMs: 3000 },
    { rps: 40, startMs: 3000, endMs: 6000 },
  ];
  const slo = { minSuccessPercent: 99, maxP95Ms: 200 };
  const at = (elapsedMs: number, completed: number, failed: number, windowCount: number, currentP95Ms: number) => ({
    elapsedMs,
    completed,
    failed,
    windowCount,
    currentP95Ms,
  });

  it('one slow snapshot is not enough, a good one in between starts over, the second in a row stops it (once)', () => {
    const watch = rampWatch(slo, windows);
    expect(watch(at(1000, 20, 0, 20, 250))).toBeNull();
    expect(watch(at(2000, 40, 0, 20, 50))).toBeNull();
    expect(watch(at(3000, 60, 0, 20, 300))).toBeNull();
    expect(watch(at(4000, 100, 0, 40, 450))).toBe('stopped at 4.0 s, in the stage at 40/s: P95 of the last answers 450 ms');
    expect(watch(at(5000, 140, 0, 40, 900))).toBeNull();
  });

  it('failures since the previous snapshot count too; fewer than 10 answers judge nothing', () => {
    const failing = rampWatch(slo, windows);
    expect(failing(at(1000, 20, 1, 20, 10))).toBeNull();
    expect(failing(at(2000, 40, 2, 20, 10))).toBe('stopped at 2.0 s, in the stage at 20/s: 1 of the last 20 answers failed');
    const few = rampWatch(slo, windows);
    expect(few(at(1000, 9, 9, 9, 5000))).toBeNull();
    expect(few(at(2000, 18, 18, 9, 5000))).toBeNull();
  });
});

describe('findCapacity against a simulated service of known capacity', () => {
  it('C=5, L=50 ms (100/s): finds it within 10 %, limited by its throughput, the ramp stopped by its watch, within the budget', async () => {
    const search = capacitySearch(SMALL, NO_POLICY);
    const { result, clock, calls, phases, notes, lines } = await searchAgainst({ slots: 5, serviceMs: 50 }, search);
    expect(Math.abs(result.rps - 100) / 100).toBeLessThanOrEqual(0.1);
    expect(result).toMatchObject({ limitedBy: 'throughput', lowerBound: false, endedBy: 'narrow', lowConfirmed: true });
    expect(result.high! / result.low).toBeLessThanOrEqual(1.05 + 1e-9);
    // The ramp: one staged run, watched every second, stopped before its last stage.
    const ramp = notes.capacityRamp as { stoppedEarly: string | null; windows: unknown[]; summary: unknown; timeline: unknown };
    expect(ramp.stoppedEarly).toMatch(/^stopped at [\d.]+ s, in the stage at 160\/s: P95 of the last answers \d+ ms$/);
    expect(ramp.summary).toBeDefined();
    expect(ramp.timeline).toBeDefined();
    expect(calls[0]).toMatchObject({ startRps: 20, progressIntervalMs: 1000, maxDurationMs: 21_000 + search.drainMs });
    // Every steady step is a phase whose bound is part of the measurement; the ramp is none.
    expect(phases.length).toBe(calls.length - 1);
    expect(phases.every((p, i) => p.cutByDesign === true && p.phase.startsWith(`step ${i + 1} at `))).toBe(true);
    for (const step of calls.slice(1)) {
      const durationMs = (step.totalRequests! / step.requestsPerSecond!) * 1000;
      expect(step.totalRequests).toBeGreaterThanOrEqual(50);
      expect(durationMs).toBeGreaterThanOrEqual(3000 - 1000 / step.requestsPerSecond!);
      expect(step.maxDurationMs).toBeGreaterThanOrEqual(durationMs + search.goodDrainMs - 1);
    }
    // Each run its own ticket ids.
    const starts = calls.map((c) => c.ticketIdStart!);
    expect(new Set(starts).size).toBe(starts.length);
    expect(notes.capacity).toEqual(result);
    expect(clock.ms).toBeLessThanOrEqual(50_000);
    // The ramp's stop left a queue: the first step waited for the service to work through it.
    expect(lines.join('\n')).toMatch(/[\d.]+ s for the service to work through the requests the last run cancelled/);
    expect(lines.join('\n')).toMatch(/Capacity: [\d.]+ req\/s meets the SLOs .* limited by the service's throughput/);
  });

  it('C=10, L=50 ms (200/s): a clearly different capacity is found as clearly', async () => {
    const { result } = await searchAgainst({ slots: 10, serviceMs: 50 }, capacitySearch(SMALL, NO_POLICY));
    expect(Math.abs(result.rps - 200) / 200).toBeLessThanOrEqual(0.1);
    expect(result.limitedBy).toBe('throughput');
  });

  it('the request budget: no step starts that would pass CAPACITY_MAX_REQUESTS; the search ends by the budget', async () => {
    const search = capacitySearch({ ...SMALL, startRps: 40, maxRequests: 1700 }, NO_POLICY);
    const { result, calls, sentByRun, lines } = await searchAgainst({ slots: 5, serviceMs: 50 }, search);
    const sent = sentByRun.reduce((sum, n) => sum + n, 0);
    expect(calls.length).toBeGreaterThan(2); // the ramp bracketed the knee, and steps bisected it
    expect(result.endedBy).toBe('budget');
    expect(lines.join('\n')).toMatch(/the budget has no room for a step of \d+ at [\d.]+\/s/);
    expect(result.text).toContain('the budget ran out');
    expect(sent).toBeLessThanOrEqual(1700);
  });

  it('nothing fails up to the ceiling: a lower bound, confirmed by one steady step at the ceiling', async () => {
    const { result, calls } = await searchAgainst({ slots: 100, serviceMs: 5 }, capacitySearch({ ...SMALL, maxRps: 100 }, NO_POLICY));
    expect(result).toMatchObject({ endedBy: 'ceiling', limitedBy: 'none', lowerBound: true, rps: 100, lowConfirmed: true });
    expect(calls.length).toBe(2);
    expect(calls[1]).toMatchObject({ requestsPerSecond: 100 });
  });

  it('under a declared policy the limiter is the capacity: 429s past it, steps past it last the window plus 1 s', async () => {
    const policy = { limit: 100, windowMs: 10_000 }; // 10/s
    const search = capacitySearch({ ...SMALL, startRps: 0, maxSeconds: 120 }, { rateLimit: policy, requestTimeoutMs: 30_000 });
    const { result, notes } = await searchAgainst({ slots: 50, serviceMs: 10, limiter: policy }, search, policy.windowMs);
    expect(result).toMatchObject({ limitedBy: 'rate_limiter', policyRps: 10, rps: 10, lowerBound: false, lowConfirmed: true });
    expect(result.ceilingRps).toBeCloseTo(10.5, 9);
    expect(result.high).toBeCloseTo(10.5, 9);
    const windows = (notes.capacityRamp as { windows: { rps: number; startMs: number; endMs: number }[] }).windows;
    const past = windows.filter((w) => w.rps > 10);
    expect(past.length).toBe(1);
    expect(past[0]!.endMs - past[0]!.startMs).toBe(11_000);
  });

  it('an interrupted spec ends the search after the run in progress, saying so', async () => {
    const clock = { ms: 0 };
    const engine = simulated({ slots: 5, serviceMs: 50 }, clock);
    const fake = fakeRecorder(clock);
    const run = async (options: LoadTestOptions) => {
      const results = await engine.run(options);
      fake.interrupt.abort(); // Ctrl-C during the ramp
      return results;
    };
    const result = await findCapacity(fake.recorder, capacitySearch(SMALL, NO_POLICY), {
      run,
      now: () => clock.ms,
      log: () => undefined,
      sleep: async (ms) => void (clock.ms += ms),
    });
    expect(result.endedBy).toBe('interrupted');
    expect(engine.calls.length).toBe(1);
  });
});

describe('findCapacity into the spec report', () => {
  let reportDir: string | undefined;
  afterEach(() => {
    if (reportDir !== undefined) rmSync(reportDir, { recursive: true, force: true });
    reportDir = undefined;
  });

  it('the report keeps the result and the ramp (not a phase) and every steady step as a phase; it is completed', async () => {
    reportDir = mkdtempSync(join(tmpdir(), 'capacity-search-'));
    const url = 'http://127.0.0.1:1/webhook';
    const context = specContext({ url, reportDir, spec: 'capacity', settings: { RATE_LIMIT: 'none' } });
    const recorder = new SpecRecorder('capacity', context, 'Capacity');
    const clock = { ms: 0 };
    const engine = simulated({ slots: 5, serviceMs: 50 }, clock);
    const result = await findCapacity(recorder, capacitySearch(SMALL, context.config), {
      run: engine.run,
      now: () => clock.ms,
      log: () => undefined,
      sleep: async (ms) => void (clock.ms += ms),
    });
    const { report } = await recorder.finish();
    expect(report.status).toBe('completed');
    expect(report.extra?.capacity).toEqual(result);
    expect(report.extra?.capacityRamp).toMatchObject({ stoppedEarly: expect.stringMatching(/^stopped at /) });
    expect(Object.keys(report.summaries)).toEqual(
      engine.calls.slice(1).map((_, i) => expect.stringMatching(new RegExp(`^step ${i + 1} at `))),
    );
  });
});
