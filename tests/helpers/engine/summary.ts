// The end-of-run summary: plain data computed from the sample columns. Pure.
import { ErrorCode, errorClassName } from './errors.ts';
import type { EndReason, ErrorRecord, GeneratorResources, RunInfo, ScheduleStats } from './run-data.ts';
import type { SampleStore } from './samples.ts';
import { generatorVerdict, LAG_WARNING_MS } from './resources.ts';
import type { PlannedStage } from './stages.ts';
import { latencyStats, percentile, sortedValues, type LatencyStats } from './statistics.ts';

/** How many failures keep details (message, body excerpt) for the summary: the first ones. */
export const ERROR_DETAILS = 10;

export { LAG_WARNING_MS };
export type { EndReason, ErrorRecord, ScheduleStats } from './run-data.ts';

export interface LoadTestSummary {
  /** Requests sent (planned ones not sent because the run stopped early are in notSentCount). */
  sentRequests: number;
  /** Sent requests that got an answer or a failure: all sent but the cancelled ones. */
  completedRequests: number;
  /** The options' totalRequests: what the plan was to send. */
  plannedRequests: number;
  notSentCount: number;
  successCount: number;
  /** Sent requests that did not succeed, cancelled ones included. */
  failureCount: number;
  /** Requests in flight when the run stopped early, recorded as `aborted`. */
  cancelledCount: number;
  /** successCount / sentRequests * 100; 0 when nothing was sent. */
  successRatePercent: number;
  /** From the start to the last completion (or the stop). */
  durationSeconds: number;
  /**
   * sentRequests / durationSeconds: the requests sent, over the seconds from the run's start to
   * its last completion (or the stop); 0 for a zero duration. The plan is schedule.targetRps;
   * the rate between the first and the last send is schedule.achievedSendRps.
   */
  achievedRps: number;
  /**
   * Latency from each request's intended start (coordinated-omission corrected),
   * over requests that got a response (any status) or timed out.
   */
  responseTimes: LatencyStats;
  /** Latency from the actual send, same requests. */
  serviceTimes: LatencyStats;
  /** Count per HTTP status; "0" counts requests that got no response. */
  statusCodes: Record<string, number>;
  /** Count per error class (failures only). */
  errorClasses: Record<string, number>;
  /** The first 10 failures, in the order they happened. */
  errors: ErrorRecord[];
  schedule: ScheduleStats;
  /** Staged runs only: one entry per stage, its requests being those due in its window. */
  stages?: StageStats[];
  /**
   * The load generator's own CPU and event loop over the run, and whether it limited the run
   * (resources.ts). Absent in reports written before it was measured.
   */
  generator?: GeneratorResources;
  endReason: EndReason;
  warnings: string[];
}

/**
 * One stage of a staged run. Its requests are those the schedule put in its window (by intended
 * start: the integers of the rate's integral over the window), whenever they were sent.
 */
export interface StageStats {
  index: number;
  /** The stage's window [startMs, endMs), ms from the run's start. */
  startMs: number;
  endMs: number;
  /** The planned rate at the window's start and end, requests per second (linear in between). */
  targetStartRps: number;
  targetEndRps: number;
  /** Requests due in the window. */
  plannedRequests: number;
  /** Of those, sent (fewer only when the run stopped early). */
  sentRequests: number;
  /** (plannedRequests - 1) / (last due - first due): what achievedSendRps is compared with. NaN below 2. */
  plannedSendRps: number;
  /** (sentRequests - 1) / (last actual send - first actual send) over the stage's requests. NaN below 2 sends. */
  achievedSendRps: number;
  /** Lag (actual send - intended send) of the stage's sent requests. NaN when none was sent. */
  lagP50Ms: number;
  lagP99Ms: number;
  successCount: number;
  /** Sent requests of the stage that did not succeed (cancelled ones included). */
  failureCount: number;
  /** Corrected latency (from the intended start) of the stage's requests that have one; NaN when none. */
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface SummaryInput {
  store: SampleStore;
  /** The plan and how the run went (only the figures a summary needs). */
  info: Pick<
    RunInfo,
    | 'plannedRequests'
    | 'requestsPerSecond'
    | 'stages'
    | 'concurrency'
    | 'durationMs'
    | 'endReason'
    | 'slotWaits'
    | 'lateStartMs'
    | 'resources'
  >;
  errors: readonly ErrorRecord[];
  /** Warnings the engine collected during the run. */
  runWarnings: readonly string[];
}

export function buildSummary(input: SummaryInput): LoadTestSummary {
  const { store, info } = input;
  const sent = store.sent;
  const responseTimes = new Float64Array(sent);
  const serviceTimes = new Float64Array(sent);
  const lags = new Float64Array(sent);
  const statusCodes: Record<string, number> = {};
  const errorClasses: Record<string, number> = {};
  let latencyCount = 0;
  let successCount = 0;
  let cancelledCount = 0;

  for (let i = 0; i < sent; i++) {
    const intended = store.intendedMs[i] as number;
    const actual = store.actualMs[i] as number;
    const end = store.endMs[i] as number;
    const status = store.status[i] as number;
    const code = store.errorCode[i] as ErrorCode;
    lags[i] = actual - intended;
    statusCodes[status] = (statusCodes[status] ?? 0) + 1;
    if (code === ErrorCode.none) successCount++;
    else {
      const name = errorClassName(code, status) as string;
      errorClasses[name] = (errorClasses[name] ?? 0) + 1;
      if (code === ErrorCode.aborted) cancelledCount++;
    }
    if (store.hasLatency(i)) {
      responseTimes[latencyCount] = end - intended;
      serviceTimes[latencyCount] = end - actual;
      latencyCount++;
    }
  }

  const sortedLags = sortedValues(lags);
  const firstSend = store.actualMs[0] as number;
  const lastSend = store.actualMs[sent - 1] as number;
  const staged = info.stages !== undefined;
  const schedule: ScheduleStats = {
    mode: staged ? 'stages' : info.requestsPerSecond === null ? 'burst' : 'rate',
    targetRps: staged ? plannedSendRps(info.stages as readonly PlannedStage[], info.plannedRequests) : info.requestsPerSecond,
    achievedSendRps: sendRate(sent, firstSend, lastSend),
    lagP50Ms: percentile(sortedLags, 0.5),
    lagP99Ms: percentile(sortedLags, 0.99),
    lagMaxMs: sent > 0 ? (sortedLags[sent - 1] as number) : Number.NaN,
    concurrency: info.concurrency,
    slotWaits: info.slotWaits,
    ...(info.lateStartMs === undefined ? {} : { lateStartMs: info.lateStartMs }),
  };

  const durationSeconds = info.durationMs / 1000;
  const summary: LoadTestSummary = {
    sentRequests: sent,
    completedRequests: sent - cancelledCount,
    plannedRequests: info.plannedRequests,
    notSentCount: info.plannedRequests - sent,
    successCount,
    failureCount: sent - successCount,
    cancelledCount,
    successRatePercent: sent > 0 ? (successCount / sent) * 100 : 0,
    durationSeconds,
    achievedRps: durationSeconds > 0 ? sent / durationSeconds : 0,
    responseTimes: latencyStats(responseTimes.subarray(0, latencyCount)),
    serviceTimes: latencyStats(serviceTimes.subarray(0, latencyCount)),
    statusCodes,
    errorClasses,
    errors: input.errors.slice(0, ERROR_DETAILS),
    schedule,
    ...(staged ? { stages: stageStats(store, info.stages as readonly PlannedStage[], lags) } : {}),
    ...(info.resources === undefined ? {} : { generator: generatorVerdict(info.resources, schedule) }),
    endReason: info.endReason,
    warnings: [],
  };
  summary.warnings = summaryWarnings(summary, input.runWarnings);
  return summary;
}

/** (count - 1) sends per the span from the first to the last, per second; NaN below 2 or for a zero span. */
function sendRate(count: number, firstMs: number, lastMs: number): number {
  return count >= 2 && lastMs > firstMs ? ((count - 1) * 1000) / (lastMs - firstMs) : Number.NaN;
}

/** A staged run's planned send rate, measured like achievedSendRps: from the first to the last due time. */
function plannedSendRps(stages: readonly PlannedStage[], planned: number): number {
  const withRequests = stages.filter((stage) => stage.plannedRequests > 0);
  const first = withRequests[0];
  const last = withRequests[withRequests.length - 1];
  return first === undefined || last === undefined ? Number.NaN : sendRate(planned, first.firstDueMs, last.lastDueMs);
}

/** Per-stage figures from the sample columns; `lags` (actual - intended) is by request index. */
function stageStats(store: SampleStore, stages: readonly PlannedStage[], lags: Float64Array): StageStats[] {
  return stages.map((stage) => {
    const [first, sentEnd] = store.rangeOf(stage.firstRequest, stage.firstRequest + stage.plannedRequests);
    const sentRequests = sentEnd - first;
    const latencies = new Float64Array(sentRequests);
    let latencyCount = 0;
    let successCount = 0;
    for (let i = first; i < sentEnd; i++) {
      if (store.errorCode[i] === ErrorCode.none) successCount++;
      if (store.hasLatency(i)) latencies[latencyCount++] = (store.endMs[i] as number) - (store.intendedMs[i] as number);
    }
    const sortedLags = sortedValues(lags.subarray(first, first + sentRequests));
    const sortedLatencies = sortedValues(latencies.subarray(0, latencyCount));
    return {
      index: stage.index,
      startMs: stage.startMs,
      endMs: stage.endMs,
      targetStartRps: stage.targetStartRps,
      targetEndRps: stage.targetEndRps,
      plannedRequests: stage.plannedRequests,
      sentRequests,
      plannedSendRps: sendRate(stage.plannedRequests, stage.firstDueMs, stage.lastDueMs),
      achievedSendRps:
        sentRequests >= 2 ? sendRate(sentRequests, store.actualMs[first] as number, store.actualMs[sentEnd - 1] as number) : Number.NaN,
      lagP50Ms: percentile(sortedLags, 0.5),
      lagP99Ms: percentile(sortedLags, 0.99),
      successCount,
      failureCount: sentRequests - successCount,
      p50Ms: percentile(sortedLatencies, 0.5),
      p95Ms: percentile(sortedLatencies, 0.95),
      p99Ms: percentile(sortedLatencies, 0.99),
    };
  });
}

/**
 * How far below the target the achieved send rate must be, in percent, before the lag warning
 * says the server was offered less load than planned: below it, the rate is the target's.
 */
export const SEND_RATE_SHORTFALL_PERCENT = 1;

/**
 * The warning for a schedule lag P99 over LAG_WARNING_MS: what was measured (the lag), why the
 * generator was late, and what that did to the load. It claims a lower offered load only when
 * the achieved send rate is more than SEND_RATE_SHORTFALL_PERCENT below the target; a generator
 * that sent late but caught up offered the planned rate, only not on time.
 */
export function lagWarning(schedule: ScheduleStats): string {
  const late = schedule.lateStartMs ?? 0;
  const lateStart = `the run began ${late.toFixed(0)} ms after its shared start (--start-at)`;
  // A late start explains a lag of its own size (and the catch-up burst after it), not one far beyond.
  const lateExplains = late > 0 && schedule.lagP99Ms <= 2 * late;
  const cause = lateExplains
    ? `${lateStart}, so the requests due before then went out at once`
    : (schedule.slotWaits > 0
        ? `due requests waited ${schedule.slotWaits} times for one of the ${schedule.concurrency} concurrency slots`
        : 'the generator process was too busy to send on time (CPU contention or a rate too high for one process)') +
      (late > 0 ? ` (also, ${lateStart})` : '');
  const sentences = [
    `Schedule lag P99 ${schedule.lagP99Ms.toFixed(1)} ms exceeds ${LAG_WARNING_MS} ms (max ${schedule.lagMaxMs.toFixed(1)} ms): ` +
      `the load generator, not the server, fell behind its schedule, because ${cause}`,
  ];
  const target = schedule.targetRps;
  const achieved = schedule.achievedSendRps;
  if (target !== null && target > 0 && Number.isFinite(achieved)) {
    const shortfallPercent = ((target - achieved) / target) * 100;
    const rates = `Achieved send rate ${achieved.toFixed(2)} req/s against a target of ${target.toFixed(2)} req/s`;
    sentences.push(
      shortfallPercent > SEND_RATE_SHORTFALL_PERCENT
        ? `${rates} (${shortfallPercent.toFixed(1)} % lower): the server was offered less load than planned`
        : -shortfallPercent > SEND_RATE_SHORTFALL_PERCENT
          ? `${rates} (${(-shortfallPercent).toFixed(1)} % higher): the late requests went out together, in a catch-up burst ` +
            '(response times count from the intended start)'
          : `${rates}: the server was offered the planned rate, but requests went out later than scheduled ` +
            '(response times count from the intended start)',
    );
  }
  if (schedule.slotWaits > 0) {
    sentences.push('Raise concurrency to keep the open model (the wait is counted in response times)');
  }
  return sentences.map((sentence) => `${sentence}.`).join(' ');
}

function summaryWarnings(s: LoadTestSummary, runWarnings: readonly string[]): string[] {
  const warnings: string[] = [];
  const { schedule } = s;
  // In burst mode every request is due at 0, so lag is the intended queueing, not a fault.
  if (schedule.mode !== 'burst' && schedule.lagP99Ms > LAG_WARNING_MS) warnings.push(lagWarning(schedule));
  if (s.endReason !== 'completed') {
    const why = s.endReason === 'max_duration' ? 'maxDurationMs was reached' : 'the signal aborted the run';
    warnings.push(
      `The run stopped early because ${why}: ${s.notSentCount} of ${s.plannedRequests} planned requests were not sent ` +
        `and ${s.cancelledCount} in flight were cancelled (counted as failures of class "aborted").`,
    );
  }
  if (s.sentRequests > 0 && s.responseTimes.count === 0) {
    warnings.push('No request got a response or timed out, so there are no latency figures (see errors).');
  }
  warnings.push(...runWarnings);
  return warnings;
}

/**
 * The summaries of a JSON report as this version names them. Reports and baselines written
 * before the rename carry `totalRequests` (now sentRequests) and `requestsPerSecond` (now
 * achievedRps) and no completedRequests; those written before the generator was measured have
 * no `generator` (it is optional), and one that is not an object with a `limited` verdict is
 * dropped. Anything that is not an object is kept as it is. Numbers JSON turned into null
 * (from NaN) stay null: readers check.
 */
export function readSummaries(summaries: unknown): Record<string, LoadTestSummary> {
  const out: Record<string, LoadTestSummary> = {};
  if (typeof summaries !== 'object' || summaries === null) return out;
  for (const [phase, summary] of Object.entries(summaries)) out[phase] = upgradeSummary(summary);
  return out;
}

function upgradeSummary(summary: unknown): LoadTestSummary {
  if (typeof summary !== 'object' || summary === null) return summary as LoadTestSummary;
  return withReadableGenerator('sentRequests' in summary ? summary : renamed(summary));
}

function renamed(summary: object): Record<string, unknown> {
  const { totalRequests, requestsPerSecond, ...rest } = summary as Record<string, unknown>;
  const cancelled = typeof rest.cancelledCount === 'number' ? rest.cancelledCount : 0;
  const upgraded: Record<string, unknown> = { ...rest, sentRequests: totalRequests, achievedRps: requestsPerSecond };
  if (typeof totalRequests === 'number') upgraded.completedRequests = totalRequests - cancelled;
  return upgraded;
}

function withReadableGenerator(summary: object): LoadTestSummary {
  if (!('generator' in summary)) return summary as LoadTestSummary;
  const generator = summary.generator as Partial<GeneratorResources> | null;
  if (typeof generator === 'object' && generator !== null && typeof generator.limited === 'boolean') return summary as LoadTestSummary;
  const { generator: _dropped, ...rest } = summary as Record<string, unknown>;
  return rest as unknown as LoadTestSummary;
}
