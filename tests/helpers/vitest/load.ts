// `load(plan)`: one phase of a spec, everything around runLoadTest done for it.
// It waits for room in the declared rate-limit window, takes the spec's next
// ticket ids, signs and judges answers as the suite's settings say, bounds the
// run from its plan, records the phase in the spec's report and prints its
// summary. With PERF_REPEAT=N it runs the plan N times and hands back the median
// run (by P95), every run kept in `run.runs` and in the report's spread.
import { plannedDurationMs, planStages, type LoadTestOptions, type LoadTestResults, type LoadTestSummary } from '#engine';
import { MAX_THREADS, threadProblem, threadRunner } from '../threads/index.ts';
import { analyzeDegradation, medianRunIndex, METRICS, type DegradationAnalysis } from '../analysis/index.ts';
import { formatSummary } from '../report/index.ts';
import { RATE_LIMIT_HEADERS, type Sent } from '../rate-limit/index.ts';
import type { SpecRecorder } from './recorder.ts';
import { setRunningPhase } from './running-phase.ts';

/** `'2/s'`, `'100/min'`, or `'burst'` (every request due at once). */
export type Rate = `${number}/s` | `${number}/min` | 'burst';

/** What one phase sends: a count at a rate, or `stages`; engine options pass through. */
export interface LoadPlan extends Omit<
  LoadTestOptions,
  'url' | 'secret' | 'signal' | 'isSuccess' | 'checkBody' | 'totalRequests' | 'requestsPerSecond' | 'ticketIdStart' | 'segment' | 'startAt'
> {
  /**
   * Worker threads the phase is spread over, one core each (default 1: the spec's process). For
   * rates one process cannot send on time (the summary's generator line says when); the results
   * are joined back into one run. A payload function of your own cannot reach the threads.
   */
  workers?: number;
  /** How many requests (with `stages`, the stages decide). */
  requests?: number;
  rate?: Rate;
  /** The phase's name in the report and in thresholds; default `load`. */
  phase?: string;
  /**
   * The room the phase needs in the rate-limit window before it starts: by default what its
   * plan sends within a window; `'empty window'` waits until none of the suite's requests is
   * left in it (a phase that judges the limiter from a clean window); `'none'` starts at once,
   * whatever the window holds (a phase sent past the budget on purpose, to meet the limiter).
   */
  room?: 'plan' | 'empty window' | 'none';
  /** Print the summary (default true). */
  quiet?: boolean;
  /** With PERF_REPEAT=N the plan runs N times (default); false runs it once (a search that is its own repetition). */
  repeats?: boolean;
  /** How `run.degradation` is measured: its floor in ms (`floorMs`), windows, significance level. */
  degradation?: DegradationOptions;
}

/** How a run's degradation is measured (analyzeDegradation's options: the floor in ms, windows, significance level). */
type DegradationOptions = NonNullable<Parameters<typeof analyzeDegradation>[1]>;

/** A run's figures under the names thresholds use, with the full results beside them. */
export interface LoadRun {
  phase: string;
  /** Which repetition this is (0-based) and how many there were (PERF_REPEAT). */
  repetition: number;
  sent: number;
  successCount: number;
  failures: number;
  successRatePercent: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Successful requests per minute over the run. */
  throughputPerMinute: number;
  summary: LoadTestSummary;
  results: LoadTestResults;
  /** The suite's requests to this service still in the window when the phase started (rate-limit verdicts). */
  earlier: Sent[];
  /** Every repetition of the plan, this one included (one unless PERF_REPEAT > 1). */
  runs: LoadRun[];
  /** How latency moved over the run (computed on first read, over the successes). */
  readonly degradation: DegradationAnalysis;
}

export type Load = (plan: LoadPlan) => Promise<LoadRun>;

/** Where a run keeps the recorder of its spec, for the matchers (not enumerable: never in a report). */
export const RECORDER = Symbol('perf recorder');

/** The spec recorder a run was recorded by, if it came from load(). */
export function recorderOf(run: unknown): SpecRecorder | undefined {
  return typeof run === 'object' && run !== null ? (run as { [RECORDER]?: SpecRecorder })[RECORDER] : undefined;
}

const RATE = /^(\d+(?:\.\d+)?)\/(s|min)$/;

/** Requests per second of a rate, null for a burst; a clear error for anything else. */
export function parseRate(rate: string): number | null {
  if (rate === 'burst') return null;
  const match = RATE.exec(rate.trim());
  const value = match ? Number(match[1]) : Number.NaN;
  if (!match || !(value > 0)) {
    throw new Error(`load(): rate ${JSON.stringify(rate)} is not a rate: write 'N/s', 'N/min' (N > 0) or 'burst' (all at once)`);
  }
  return match[2] === 's' ? value : value / 60;
}

/** The run's figures, named as thresholds name them. */
export function figuresOf(
  phase: string,
  repetition: number,
  results: LoadTestResults,
  summary: LoadTestSummary,
  earlier: Sent[],
  runs: LoadRun[] = [],
  degradationOptions: DegradationOptions = {},
): LoadRun {
  let degradation: DegradationAnalysis | undefined;
  const r = summary.responseTimes;
  return {
    phase,
    repetition,
    sent: summary.sentRequests,
    successCount: summary.successCount,
    failures: summary.failureCount,
    successRatePercent: summary.successRatePercent,
    p50Ms: r.p50Ms,
    p95Ms: r.p95Ms,
    p99Ms: r.p99Ms,
    maxMs: r.maxMs,
    throughputPerMinute: METRICS.throughputPerMinute.read(summary),
    summary,
    results,
    earlier,
    runs,
    get degradation() {
      degradation ??= analyzeDegradation(results, degradationOptions);
      return degradation;
    },
  };
}

/**
 * Checks a plan before any traffic (the error names the field and the fix): how many requests it
 * sends, at what rate (null: all at once), and the average rate the window must make room for.
 */
function checkPlan(plan: LoadPlan): { rps: number | null; requests: number; plannedMs: number; roomRps: number | null } {
  if (plan.workers !== undefined && !(Number.isInteger(plan.workers) && plan.workers >= 1 && plan.workers <= MAX_THREADS)) {
    throw new Error(`load(): workers must be a whole number from 1 to ${MAX_THREADS} (got ${String(plan.workers)})`);
  }
  const crossing = (plan.workers ?? 1) > 1 ? threadProblem(plan) : null;
  if (crossing !== null) throw new Error(`load(): ${crossing}`);
  if (plan.stages !== undefined) {
    if (plan.requests !== undefined || plan.rate !== undefined) {
      throw new Error('load(): give either stages, or requests and rate, not both');
    }
    // The stages' requests are the integral of their rates: known before the run, so the window's
    // room and the ticket ids are planned for exactly those.
    const { count, durationMs } = planStages(plan.stages, plan.startRps ?? 0);
    return { rps: null, requests: count, plannedMs: durationMs, roomRps: durationMs > 0 ? count / (durationMs / 1000) : null };
  }
  if (plan.requests === undefined || !Number.isInteger(plan.requests) || plan.requests < 1) {
    throw new Error(`load(): requests must be a whole number of at least 1 (got ${String(plan.requests)})`);
  }
  if (plan.rate === undefined) throw new Error("load(): rate is missing: write 'N/s', 'N/min' or 'burst'");
  const rps = parseRate(plan.rate);
  return { rps, requests: plan.requests, plannedMs: plannedDurationMs(plan.requests, rps), roomRps: rps };
}

/** The time a phase's run may take at most: its schedule, one request timeout and slack. */
export function phaseBoundMs(plannedMs: number, requestTimeoutMs: number): number {
  return Math.ceil(plannedMs + requestTimeoutMs + 10_000);
}

/** Phases up to this size keep the service's rate-limit headers of every answer (lastWord). */
const MAX_HEARD_REQUESTS = 10_000;

/**
 * The `load` function of one test, over the spec's recorder. `deadlineMs` is when the test's
 * timeout runs out: a phase that could not finish by then is refused before it sends anything.
 */
export function createLoad(recorder: SpecRecorder, deadlineMs = Number.POSITIVE_INFINITY): Load {
  return async function load(plan: LoadPlan): Promise<LoadRun> {
    const { rps, requests, plannedMs: planned, roomRps } = checkPlan(plan);
    const {
      phase = 'load',
      room = 'plan',
      quiet = false,
      repeats = true,
      degradation,
      workers = 1,
      rate: _rate,
      requests: _requests,
      ...engine
    } = plan;
    const runPlan = threadRunner(workers, recorder.successRule());
    recorder.claimPhase(phase);
    const { config } = recorder.context;
    const staged = engine.stages !== undefined;
    // 'empty window': room for a whole window, i.e. none of the suite's requests left in it.
    const roomFor =
      room === 'empty window'
        ? { requests: config.rateLimit?.limit ?? requests, ratePerSecond: null }
        : { requests, ratePerSecond: roomRps };
    const needs =
      room === 'empty window'
        ? 'the phase judges the limiter, so it waits until none of the suite’s requests is left in the window'
        : undefined;
    const defaults: Partial<LoadTestOptions> = {
      // What the service says of its window (remaining, reset), for the next phase's wait; kept per
      // answer, so only for phases of a size a spec's report holds anyway.
      ...(config.rateLimit !== null && requests <= MAX_HEARD_REQUESTS
        ? { captureHeaders: [...RATE_LIMIT_HEADERS, ...(engine.captureHeaders ?? [])] }
        : {}),
      timeoutMs: config.requestTimeoutMs,
      maxDurationMs: phaseBoundMs(planned, engine.timeoutMs ?? config.requestTimeoutMs),
      // A burst: every request due at once, all in flight together (up to 256 connections).
      ...(rps === null && !staged ? { concurrency: Math.min(requests, 256) } : {}),
    };
    const title = phase === 'load' ? recorder.title : `${recorder.title}: ${phase}`;
    const count = repeats ? recorder.repeatLoads() : 1;
    const runs: LoadRun[] = [];
    for (let repetition = 0; repetition < count; repetition++) {
      if (room === 'none') {
        setRunningPhase(recorder.spec, phase);
        console.log(`[perf] rate limit: ${recorder.spec}/${phase} starts now, past the budget on purpose`);
      } else await recorder.awaitRoom(phase, roomFor, needs);
      const boundMs = engine.maxDurationMs ?? defaults.maxDurationMs!;
      const leftMs = deadlineMs - Date.now();
      if (boundMs > leftMs) {
        throw new Error(
          `load(): the phase ${phase} may take up to ${(boundMs / 60_000).toFixed(1)} min, and its test has ${(leftMs / 60_000).toFixed(1)} min left ` +
            `of its timeout: nothing was sent. Give the test a longer one: perfTest(name, fn, { timeout: ms })`,
        );
      }
      const earlier = recorder.sent();
      const results = await runPlan({
        ...recorder.answerRules(),
        ...defaults,
        ...engine,
        ...(defaults.captureHeaders === undefined ? {} : { captureHeaders: defaults.captureHeaders }),
        ...(staged ? {} : { totalRequests: requests }),
        ...(rps === null ? {} : { requestsPerSecond: rps }),
        ticketIdStart: recorder.reserveTickets(requests),
      });
      const summary = recorder.addRun(phase, results, { repetition, summaryPrinted: !quiet });
      const run = figuresOf(phase, repetition, results, summary, earlier, runs, degradation);
      Object.defineProperty(run, RECORDER, { value: recorder });
      runs.push(run);
      if (!quiet) console.log(formatSummary(summary, count > 1 ? `${title}, run ${repetition + 1} of ${count}` : title));
      if (recorder.signal.aborted) break;
    }
    if (runs.length === 1) return runs[0]!;
    const median = medianRunIndex(
      runs.map((r) => ({ summaries: { [phase]: r.summary }, timelines: {} })),
      phase,
    );
    console.log(`[perf] ${phase}: the median run is run ${median + 1} of ${runs.length} (its P95 is the median)`);
    return runs[median]!;
  };
}
