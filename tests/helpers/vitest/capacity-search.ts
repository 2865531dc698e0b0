// The capacity search as it runs against the service: the highest arrival rate at which the
// service meets its SLOs, with its uncertainty and what limited it. The rules (plans, verdicts,
// the bracket, the result) are analysis/capacity.ts; this is the loop that runs them.
//
// 1. A ramp brackets the knee: one staged run (flat stages, the rate growing from the start
//    rate up to the ceiling), judged stage by stage from the samples by intended start, and
//    stopped as soon as two progress snapshots in a row break an SLO.
// 2. Steady steps bisect between the last good and the first bad rate until the bracket is
//    within the tolerance (a low end only the ramp judged is confirmed by a steady step), or
//    the budget is spent.
// Every step lasts at least CAPACITY_STEP_MIN_SECONDS and sends at least
// CAPACITY_STEP_MIN_REQUESTS. With a declared policy (RATE_LIMIT) the limiter is a capacity
// limit: the ceiling is the policy's rate plus the tolerance, a step past the policy lasts the
// window plus 1 s (so a limiter that keeps the policy must refuse), every run waits for room in
// the window first, and 429s are rate limiting, not errors. The whole search stays within
// CAPACITY_MAX_SECONDS (waits included) and CAPACITY_MAX_REQUESTS. It is its own repetition:
// PERF_REPEAT does not repeat it.
//
// The report keeps the result (extra.capacity), the ramp (extra.capacityRamp: not a phase, as
// the search stops it itself) and each steady step as a phase whose bound is part of the
// measurement (requests still queued at the bound are cut, and count as slow).
import { planStages, type LoadTestOptions, type LoadTestResults, type ProgressSnapshot } from '#engine';
import {
  afterRamp,
  afterStep,
  capacityResult,
  fitsBudget,
  fmtRps,
  formatCapacity,
  judgeStep,
  nextStep,
  policyRps,
  rampPlan,
  steadyStep,
  stepFigures,
  type CapacityResult,
  type CapacitySettings,
  type EndedBy,
  type RampPlan,
  type SearchState,
  type StepRecord,
} from '../analysis/index.ts';
import type { PerfConfig } from '../config/index.ts';
import { admittedSends, answerTimes, formatPolicy, planWait } from '../rate-limit/index.ts';
import { formatSummary, timelineOf } from '../report/index.ts';
import { threadRunner } from '../threads/index.ts';
import { perfContext } from './fixtures.ts';
import type { SpecRecorder } from './recorder.ts';

/** The spec's knobs (its CAPACITY_* settings), as it declares them. */
export interface CapacityKnobs {
  /** CAPACITY_MIN_SUCCESS_PERCENT: a rate's success rate must be above it. */
  minSuccessPercent: number;
  /** CAPACITY_MAX_P95_MS: a rate's P95 must be below it. */
  maxP95Ms: number;
  /** CAPACITY_START_RPS; 0: 10/s, or with a declared policy its rate (the limiter caps the search there anyway). */
  startRps: number;
  /** CAPACITY_MAX_RPS */
  maxRps: number;
  /** CAPACITY_GROWTH: the ramp's factor from one stage to the next. */
  growth: number;
  /** CAPACITY_TOLERANCE_PERCENT: how narrow the bracket must get. */
  tolerancePercent: number;
  /** CAPACITY_STEP_MIN_REQUESTS */
  stepMinRequests: number;
  /** CAPACITY_STEP_MIN_SECONDS */
  stepMinSeconds: number;
  /** CAPACITY_MAX_SECONDS: the whole search, waits included. */
  maxSeconds: number;
  /** CAPACITY_MAX_REQUESTS: the whole search. */
  maxRequests: number;
  /** CAPACITY_MAX_LAG_MS: schedule lag P99 above this makes a step the generator's, not the service's. */
  maxLagMs: number;
  /** CAPACITY_WORKERS: worker threads each step is spread over (a core each); default 1, this process alone. */
  workers?: number;
}

/** A search ready to run: the knobs checked together with the suite's settings. */
export interface CapacitySearch {
  knobs: CapacityKnobs;
  settings: CapacitySettings;
  /** REQUEST_TIMEOUT_MS, each request's own bound. */
  requestTimeoutMs: number;
  /** How long a run may go on after its last send: slow answers are part of the verdict, up to this. */
  drainMs: number;
  /** The most the whole search can take: its time budget, the last step's drain and a minute to spare (its test's bound). */
  boundMs: number;
  /** What a step that meets the SLOs needs after its last send (the budget check reserves it). */
  goodDrainMs: number;
}

/** Progress snapshots in a row that must break an SLO before the ramp is stopped. */
export const STOP_AFTER_BAD_SNAPSHOTS = 2;
/** How often the ramp is watched, ms. */
export const SNAPSHOT_MS = 1000;
/** Steady steps at most (the budget ends a search long before). */
export const MAX_STEPS = 50;

/**
 * The search the knobs describe, under the suite's declared policy and request timeout. Settings
 * that cannot work together fail here, when the spec file loads, before any traffic, naming
 * the variables.
 */
export function capacitySearch(
  knobs: CapacityKnobs,
  config: Pick<PerfConfig, 'rateLimit' | 'requestTimeoutMs'> = perfContext().config,
): CapacitySearch {
  const policy = config.rateLimit;
  const startRps = knobs.startRps > 0 ? knobs.startRps : (policyRps(policy) ?? 10);
  if (startRps > knobs.maxRps) {
    throw new Error(
      `CAPACITY_START_RPS=${startRps} is above CAPACITY_MAX_RPS=${knobs.maxRps}: the ramp starts below the ceiling (raise CAPACITY_MAX_RPS or lower CAPACITY_START_RPS)`,
    );
  }
  if (policy !== null && knobs.maxSeconds * 1000 < 3 * (policy.windowMs + 1000)) {
    throw new Error(
      `CAPACITY_MAX_SECONDS=${knobs.maxSeconds} is too short for RATE_LIMIT=${formatPolicy(policy)}: a search under a policy waits for its window, ` +
        `runs a step past it for a window and confirms below it, so it needs at least ${Math.ceil((3 * (policy.windowMs + 1000)) / 1000)} s`,
    );
  }
  const drainMs = Math.min(config.requestTimeoutMs, Math.max(10_000, 5 * knobs.maxP95Ms));
  return {
    knobs,
    settings: {
      slo: { minSuccessPercent: knobs.minSuccessPercent, maxP95Ms: knobs.maxP95Ms },
      startRps,
      maxRps: knobs.maxRps,
      growth: knobs.growth,
      tolerancePercent: knobs.tolerancePercent,
      minRequests: knobs.stepMinRequests,
      minDurationMs: knobs.stepMinSeconds * 1000,
      maxLagMs: knobs.maxLagMs,
      policy,
      maxDurationMs: knobs.maxSeconds * 1000,
      maxRequests: knobs.maxRequests,
    },
    requestTimeoutMs: config.requestTimeoutMs,
    drainMs,
    boundMs: knobs.maxSeconds * 1000 + drainMs + 60_000,
    goodDrainMs: Math.min(drainMs, 2 * knobs.maxP95Ms + 1000),
  };
}

/** In flight at once: every request of a rate held for the SLO and the drain, so the cap never holds the schedule back. */
export function concurrencyFor(search: CapacitySearch, rps: number, requests: number): number {
  return Math.max(1, Math.min(10_000, requests, Math.ceil((rps * (search.knobs.maxP95Ms + search.drainMs)) / 1000) + 16));
}

/** The part of a progress snapshot the ramp's watch reads. */
export type RampSnapshot = Pick<ProgressSnapshot, 'elapsedMs' | 'completed' | 'failed' | 'windowCount' | 'currentP95Ms'>;

/**
 * The ramp's watch: fed every progress snapshot, it answers why the ramp must stop (once, on the
 * snapshot that decides it: the STOP_AFTER_BAD_SNAPSHOTS-th in a row whose answers since the
 * previous one break an SLO, judged on at least 10 of them), else null.
 */
export function rampWatch(slo: CapacitySettings['slo'], windows: RampPlan['windows']): (snapshot: RampSnapshot) => string | null {
  const rateAt = (elapsedMs: number) => (windows.find((w) => elapsedMs < w.endMs) ?? windows[windows.length - 1]!).rps;
  let previous = { completed: 0, failed: 0 };
  let bad = 0;
  let stopped = false;
  return (snapshot) => {
    const completed = snapshot.completed - previous.completed;
    const failed = snapshot.failed - previous.failed;
    previous = { completed: snapshot.completed, failed: snapshot.failed };
    const slow = snapshot.windowCount >= 10 && snapshot.currentP95Ms >= slo.maxP95Ms;
    const failing = completed >= 10 && (failed / completed) * 100 > 100 - slo.minSuccessPercent;
    bad = slow || failing ? bad + 1 : 0;
    if (bad < STOP_AFTER_BAD_SNAPSHOTS || stopped) return null;
    stopped = true;
    return (
      `stopped at ${(snapshot.elapsedMs / 1000).toFixed(1)} s, in the stage at ${fmtRps(rateAt(snapshot.elapsedMs))}/s: ` +
      (slow ? `P95 of the last answers ${snapshot.currentP95Ms.toFixed(0)} ms` : `${failed} of the last ${completed} answers failed`)
    );
  };
}

/** What the search uses of the spec's recorder. */
export type CapacityRecorder = Pick<
  SpecRecorder,
  'title' | 'signal' | 'answerRules' | 'reserveTickets' | 'awaitRoom' | 'sent' | 'recordSent' | 'addRun' | 'note'
> &
  Partial<Pick<SpecRecorder, 'successRule'>>;

/** What the search runs on; the defaults are the engine, the monotonic clock and the console (tests give their own). */
export interface SearchRunner {
  run?: (options: LoadTestOptions) => Promise<LoadTestResults>;
  /** Monotonic ms. */
  now?: () => number;
  log?: (line: string) => void;
  /** Waits this many ms (the default a timer; tests move their clock). */
  sleep?: (ms: number) => Promise<void>;
}

/** The span at the end of a run over which the service's answer rate is measured, ms. */
export const ANSWER_RATE_SPAN_MS = 2000;

/**
 * How long the service may still be busy with requests a run cancelled (the ramp's stop, a step's
 * bound): as many as were cancelled, at the rate it answered over the run's last 2 s, capped at
 * `capMs`. A service works through what it queued whether or not the client is still there, so
 * the next step waits this long, or it would start behind the queue the last one left.
 */
export function backlogMs(
  samples: readonly { errorClass: string | null; intendedStartMs: number; responseTimeMs: number }[],
  capMs: number,
): number {
  let cancelled = 0;
  const ends: number[] = [];
  for (const s of samples) {
    if (s.errorClass === 'aborted') cancelled++;
    else if (Number.isFinite(s.responseTimeMs)) ends.push(s.intendedStartMs + s.responseTimeMs);
  }
  if (cancelled === 0) return 0;
  if (ends.length === 0) return capMs;
  const last = Math.max(...ends);
  const first = Math.min(...ends);
  const spanMs = Math.min(ANSWER_RATE_SPAN_MS, Math.max(1, last - first));
  const answered = ends.filter((end) => end >= last - spanMs).length;
  return Math.min(Math.ceil((cancelled / answered) * spanMs), capMs);
}

/**
 * Runs the search against the service and records it into the spec's report (the ramp, every
 * steady step, the result); returns the result. Ends early, with `endedBy: 'interrupted'`, when
 * the spec is interrupted.
 */
export async function findCapacity(recorder: CapacityRecorder, search: CapacitySearch, runner: SearchRunner = {}): Promise<CapacityResult> {
  const {
    run = threadRunner(search.knobs.workers ?? 1, recorder.successRule?.() ?? { statuses: [200], body: 'any' }),
    now = () => performance.now(),
    log = (line: string) => console.log(line),
    sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms)),
  } = runner;
  let settleMs = 0;
  /** Lets the service work through what the last run cancelled (see backlogMs), unless the spec is interrupted. */
  const settle = async () => {
    if (settleMs <= 0 || recorder.signal.aborted) return;
    log(`[perf] capacity: ${(settleMs / 1000).toFixed(1)} s for the service to work through the requests the last run cancelled`);
    await sleep(settleMs);
    settleMs = 0;
  };
  const { knobs, settings, drainMs, goodDrainMs, requestTimeoutMs } = search;
  const { policy } = settings;
  const began = now();
  let sentSoFar = 0;
  const used = () => ({ elapsedMs: now() - began, requests: sentSoFar });
  const policyRate = policyRps(policy);
  log(
    `[perf] capacity: SLOs success > ${knobs.minSuccessPercent} %, P95 < ${knobs.maxP95Ms} ms; ` +
      (policy === null
        ? 'RATE_LIMIT=none: no declared limiter'
        : `RATE_LIMIT=${formatPolicy(policy)} (${fmtRps(policyRate!)}/s): the search stops at the policy's rate plus ${knobs.tolerancePercent} %, and 429s are rate limiting`) +
      `; steps of at least ${knobs.stepMinRequests} requests and ${knobs.stepMinSeconds} s; budget ${knobs.maxSeconds} s and ${knobs.maxRequests} requests`,
  );

  // 1. The ramp.
  const ramp = rampPlan(settings);
  const peak = ramp.windows[ramp.windows.length - 1]!.rps;
  log(
    `[perf] capacity: ramp ${ramp.windows.map((w) => `${fmtRps(w.rps)}/s for ${((w.endMs - w.startMs) / 1000).toFixed(1)} s`).join(', ')}` +
      (ramp.reachesCeiling ? '' : ' (cut short by the budget)'),
  );
  await recorder.awaitRoom(
    'ramp',
    { requests: ramp.requests, ratePerSecond: peak },
    `the ramp sends about ${ramp.requests} requests, rising to ${fmtRps(peak)}/s`,
  );
  const stop = new AbortController();
  const watch = rampWatch(settings.slo, ramp.windows);
  let stoppedWhy: string | null = null;
  const rampResults = await run({
    ...recorder.answerRules(),
    signal: AbortSignal.any([recorder.signal, stop.signal]),
    startRps: ramp.startRps,
    stages: ramp.stages,
    ticketIdStart: recorder.reserveTickets(planStages(ramp.stages, ramp.startRps).count),
    concurrency: concurrencyFor(search, peak, ramp.requests),
    timeoutMs: requestTimeoutMs,
    maxDurationMs: ramp.durationMs + drainMs,
    progressIntervalMs: SNAPSHOT_MS,
    onProgress: (snapshot) => {
      const why = watch(snapshot);
      if (why === null || stop.signal.aborted) return;
      stoppedWhy = why;
      stop.abort();
    },
  });
  sentSoFar += rampResults.sampleCount;
  // Not a phase (addRun): the search stops the ramp itself, which is no interruption of the spec.
  recorder.recordSent(admittedSends(rampResults));
  const rampSummary = rampResults.getSummary();
  recorder.note('capacityRamp', {
    stoppedEarly: stoppedWhy,
    windows: ramp.windows,
    summary: rampSummary,
    timeline: timelineOf(rampResults),
  });
  log(formatSummary(rampSummary, `${recorder.title}: ramp`));
  if (stoppedWhy !== null) log(`[perf] capacity: the ramp ${stoppedWhy}`);
  const records: StepRecord[] = ramp.windows.map((window) => {
    const figures = stepFigures(rampResults.samples, window.rps, { window, cancelled: 'exclude' });
    return { kind: 'ramp', figures, verdict: judgeStep(figures, settings) };
  });
  let state: SearchState = afterRamp(records, ramp.reachesCeiling);
  settleMs = backlogMs(rampResults.samples, 2 * drainMs);

  // 2. Steady steps bisecting the bracket.
  let endedBy: EndedBy = 'budget';
  for (let k = 1; k <= MAX_STEPS; k++) {
    if (recorder.signal.aborted) {
      endedBy = 'interrupted';
      break;
    }
    let next = nextStep(state, settings);
    if (next.kind === 'done') {
      endedBy = next.endedBy;
      break;
    }
    const fits = (rps: number) => {
      const step = steadyStep(rps, settings);
      const plan = { requests: step.requests, ratePerSecond: step.rps };
      const waitMs = planWait(policy, answerTimes(recorder.sent()), plan, Date.now()).waitMs;
      return fitsBudget(
        used(),
        { waitMs: Math.max(waitMs, settleMs), durationMs: step.durationMs, drainMs: goodDrainMs, requests: step.requests },
        settings,
      );
    };
    if (!fits(next.rps) && !state.lowConfirmed && state.low > 0 && next.rps !== state.low && fits(state.low)) {
      // No room to narrow the bracket, but room to confirm its low end with a steady step: the answer comes from one.
      log(
        `[perf] capacity: the budget has no room for a step at ${fmtRps(next.rps)}/s (${next.why}); confirming ${fmtRps(state.low)}/s instead`,
      );
      next = {
        kind: 'step',
        rps: state.low,
        why: `confirm ${fmtRps(state.low)}/s, which only the ramp judged, with what the budget leaves`,
      };
    }
    const step = steadyStep(next.rps, settings);
    const plan = { requests: step.requests, ratePerSecond: step.rps };
    if (!fits(next.rps)) {
      log(`[perf] capacity: the budget has no room for a step of ${step.requests} at ${fmtRps(step.rps)}/s (${next.why})`);
      endedBy = 'budget';
      break;
    }
    const phase = `step ${k} at ${fmtRps(step.rps)}/s`;
    log(`[perf] capacity: ${phase}: ${step.requests} requests over ${(step.durationMs / 1000).toFixed(1)} s (${next.why})`);
    await settle();
    await recorder.awaitRoom(phase, plan);
    const remainingMs = settings.maxDurationMs - used().elapsedMs;
    const results = await run({
      ...recorder.answerRules(),
      totalRequests: step.requests,
      requestsPerSecond: step.rps,
      ticketIdStart: recorder.reserveTickets(step.requests),
      concurrency: concurrencyFor(search, step.rps, step.requests),
      timeoutMs: requestTimeoutMs,
      maxDurationMs: Math.max(step.durationMs + goodDrainMs, Math.min(step.durationMs + drainMs, remainingMs)),
    });
    sentSoFar += results.sampleCount;
    settleMs = backlogMs(results.samples, 2 * drainMs);
    recorder.addRun(phase, results, { cutByDesign: true, summaryPrinted: false }); // requests still queued at the bound are cut, and count as slow
    const figures = stepFigures(results.samples, step.rps, { cancelled: 'slow', span: { startMs: 0, endMs: step.durationMs } });
    const record: StepRecord = { kind: 'step', figures, verdict: judgeStep(figures, settings) };
    log(
      `[perf] capacity: ${phase}: ${record.verdict.ok ? 'ok' : `FAIL (${record.verdict.limitedBy ?? 'not judged'})`}: ${record.verdict.text}`,
    );
    state = afterStep(state, record, settings);
  }

  const result = capacityResult(state, settings, endedBy);
  recorder.note('capacity', result);
  log(formatCapacity(result));
  log(`[perf] capacity: ${(used().elapsedMs / 1000).toFixed(1)} s, ${used().requests} requests`);
  return result;
}
