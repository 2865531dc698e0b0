// The result of one run (a whole plan, or one segment of it) in a form that merges
// exactly with the other segments' (merge.ts): counts by status and error class,
// the latency distributions as mergeable records (latency.ts), a per-second
// timeline, and the plan it was a part of, so a merge can tell parts of one plan
// from parts of different ones. Pure: the CLI writes and reads the files.
import type { ErrorRecord, GeneratorResources, LoadTestResults, SegmentSpec } from '#engine';
import { latencyRecord, type LatencyRecord } from './latency.ts';

export const RESULT_FORMAT = 'webhook-perf-result';
export const RESULT_VERSION = 1;
/** A result file's name ends so: `npm run load -- merge DIR` reads every such file under DIR. */
export const RESULT_SUFFIX = '.result.json';

/** The plan a run was a part of: equal in every segment of one plan. */
export interface PlanIdentity {
  url: string;
  mode: 'rate' | 'burst' | 'stages';
  /** The whole plan's requests (every segment's together). */
  totalRequests: number;
  /** The whole plan's rate; null in burst mode and for stages. */
  requestsPerSecond: number | null;
  /** Staged plans: each stage's window and rates. */
  stages: { startMs: number; endMs: number; targetStartRps: number; targetEndRps: number }[] | null;
  ticketIdStart: number;
  segments: number;
  /** The shared start, epoch ms; null for a run without one. */
  startAt: number | null;
  /** How the run sent and judged its requests, when its caller says (the CLI's flags); null otherwise. */
  answers: RunAnswers | null;
}

/** The settings besides the schedule that make two runs comparable: what was sent and what counted as success. */
export interface RunAnswers {
  successStatuses: number[];
  successBody: string;
  timeoutMs: number;
  payload: string;
  signatureHeader: string;
}

/** Requests per second of the run, by second from its start (the shared start for segments). */
export interface Timeline {
  /** Requests sent in each second (by actual send time). */
  sent: number[];
  /** Successes and failures completed in each second (by end time). */
  succeeded: number[];
  failed: number[];
}

export interface RunResult {
  format: typeof RESULT_FORMAT;
  version: typeof RESULT_VERSION;
  plan: PlanIdentity;
  segment: SegmentSpec;
  startedAt: string;
  /** This segment's requests, by the plan. */
  planned: number;
  sent: number;
  succeeded: number;
  /** In flight when the run stopped early (counted as failures of class `aborted`). */
  cancelled: number;
  /** From the start to the last completion, ms. */
  durationMs: number;
  endReason: 'completed' | 'max_duration' | 'aborted';
  concurrency: number;
  slotWaits: number;
  /** How late this segment began after the shared start, ms; absent when on time. */
  lateStartMs?: number;
  /** When this segment's first and last requests were due and sent, ms from the start; null when none. */
  firstDueMs: number | null;
  lastDueMs: number | null;
  firstSendMs: number | null;
  lastSendMs: number | null;
  statusCodes: Record<string, number>;
  errorClasses: Record<string, number>;
  /** The first failures (at most 10), times from the start. */
  errors: ErrorRecord[];
  /** From each request's intended start (coordinated-omission corrected): the requests with a latency. */
  responseTimes: LatencyRecord;
  /** From the actual send, the same requests. */
  serviceTimes: LatencyRecord;
  /** Actual send minus intended send, every sent request. */
  lag: LatencyRecord;
  timeline: Timeline;
  generator?: GeneratorResources;
  warnings: string[];
}

function bump(list: number[], at: number): void {
  const second = Math.max(0, Math.floor(at / 1000));
  while (list.length <= second) list.push(0);
  list[second] = (list[second] as number) + 1;
}

/** Pads the timeline's lists to one length. */
function even(timeline: Timeline): Timeline {
  const length = Math.max(timeline.sent.length, timeline.succeeded.length, timeline.failed.length);
  const pad = (list: number[]) => list.concat(new Array<number>(length - list.length).fill(0));
  return { sent: pad(timeline.sent), succeeded: pad(timeline.succeeded), failed: pad(timeline.failed) };
}

/** The mergeable result of a finished run; `answers`, the settings its caller ran it with. */
export function runResultOf(results: LoadTestResults, answers: RunAnswers | null = null): RunResult {
  const { info, store } = results;
  const summary = results.getSummary();
  const segment = info.segment ?? { index: 1, count: 1 };
  const whole = info.whole ?? { totalRequests: info.plannedRequests, requestsPerSecond: info.requestsPerSecond };
  const sent = store.sent;
  const response: number[] = [];
  const service: number[] = [];
  const lag = new Float64Array(sent);
  const timeline: Timeline = { sent: [], succeeded: [], failed: [] };
  for (let i = 0; i < sent; i++) {
    const sample = results.sample(i);
    lag[i] = sample.actualStartMs - sample.intendedStartMs;
    bump(timeline.sent, sample.actualStartMs);
    bump(sample.ok ? timeline.succeeded : timeline.failed, sample.endMs);
    if (store.hasLatency(i)) {
      response.push(sample.responseTimeMs);
      service.push(sample.serviceTimeMs);
    }
  }
  const mode = summary.schedule.mode;
  const stages = info.stages ?? null;
  const withRequests = stages?.filter((stage) => stage.plannedRequests > 0) ?? [];
  const dueOf = (local: number): number =>
    whole.requestsPerSecond === null ? 0 : ((segment.index - 1 + local * segment.count) * 1000) / whole.requestsPerSecond;
  const planned = info.plannedRequests;
  return {
    format: RESULT_FORMAT,
    version: RESULT_VERSION,
    plan: {
      url: info.url,
      mode,
      totalRequests: whole.totalRequests,
      requestsPerSecond: whole.requestsPerSecond,
      stages:
        stages === null
          ? null
          : stages.map(({ startMs, endMs, targetStartRps, targetEndRps }) => ({ startMs, endMs, targetStartRps, targetEndRps })),
      ticketIdStart: info.ticketIdStart,
      segments: segment.count,
      startAt: info.startAt ?? null,
      answers,
    },
    segment,
    startedAt: info.startedAt,
    planned,
    sent,
    succeeded: summary.successCount,
    cancelled: summary.cancelledCount,
    durationMs: info.durationMs,
    endReason: info.endReason,
    concurrency: info.concurrency,
    slotWaits: info.slotWaits,
    ...(info.lateStartMs === undefined ? {} : { lateStartMs: info.lateStartMs }),
    firstDueMs: mode === 'stages' ? (withRequests[0]?.firstDueMs ?? null) : dueOf(0),
    lastDueMs: mode === 'stages' ? (withRequests[withRequests.length - 1]?.lastDueMs ?? null) : dueOf(planned - 1),
    firstSendMs: sent > 0 ? (store.actualMs[0] as number) : null,
    lastSendMs: sent > 0 ? (store.actualMs[sent - 1] as number) : null,
    statusCodes: summary.statusCodes,
    errorClasses: summary.errorClasses,
    errors: summary.errors,
    responseTimes: latencyRecord(response),
    serviceTimes: latencyRecord(service),
    lag: latencyRecord(lag),
    timeline: even(timeline),
    ...(summary.generator === undefined ? {} : { generator: summary.generator }),
    warnings: summary.warnings,
  };
}

/** The file name of a result: the report's name and the segment (`load-…-segment-2-of-4.result.json`). */
export function resultFileName(reportName: string, segment: SegmentSpec): string {
  return `${reportName}-segment-${segment.index}-of-${segment.count}${RESULT_SUFFIX}`;
}

/** Why `value` is not a result this version reads, or null when it is one. */
export function resultProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const r = value as Partial<RunResult>;
  if (r.format !== RESULT_FORMAT) return `not a result file (format ${JSON.stringify(r.format)}, expected "${RESULT_FORMAT}")`;
  if (r.version !== RESULT_VERSION) return `result version ${JSON.stringify(r.version)}; this suite reads version ${RESULT_VERSION}`;
  for (const field of ['plan', 'segment', 'responseTimes', 'serviceTimes', 'lag', 'timeline', 'statusCodes'] as const) {
    if (typeof r[field] !== 'object' || r[field] === null) return `no "${field}" in it`;
  }
  return null;
}
