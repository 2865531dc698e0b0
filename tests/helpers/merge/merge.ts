// Many results of one plan into one: the segments' counts added, their latency
// distributions merged (latency.ts: exact from the values while they fit, else
// HdrHistogram's buckets added), their timelines added second by second, into the
// summary a single process would have printed, judged by the same thresholds.
// Results of different plans, or one segment twice, are refused; a missing segment
// is said and fails the merge's verdict. Pure.
import { ERROR_DETAILS, LAG_WARNING_MS, lagWarning, type GeneratorResources, type LoadTestSummary } from '#engine';
import { mergeLatency, statsOf } from './latency.ts';
import type { PlanIdentity, RunResult, Timeline } from './result.ts';

/** Results that cannot be merged (different plans, a segment twice, no result): nothing is judged. */
export class MergeError extends Error {
  override readonly name = 'MergeError';
}

/** A result and where it was read from (for messages). */
export interface ResultPart {
  source: string;
  result: RunResult;
}

export interface MergedRun {
  plan: PlanIdentity;
  summary: LoadTestSummary;
  /** The parts' segment indices, in order, and those of the plan that no part holds. */
  segments: number[];
  missing: number[];
  /** Whether the percentiles are exact (every part kept its values) or from the merged histograms. */
  exactPercentiles: boolean;
  timeline: Timeline;
}

/** The plan fields two parts must agree on, with how to say each. */
const PLAN_FIELDS: { field: keyof PlanIdentity; what: string }[] = [
  { field: 'segments', what: 'segment count (--segment I/N)' },
  { field: 'url', what: 'URL (--url)' },
  { field: 'mode', what: 'schedule (rate, burst or stages)' },
  { field: 'totalRequests', what: 'request count (--requests)' },
  { field: 'requestsPerSecond', what: 'rate (--rate)' },
  { field: 'stages', what: 'stages' },
  { field: 'startAt', what: 'shared start (--start-at)' },
  { field: 'ticketIdStart', what: 'first ticket id' },
  {
    field: 'answers',
    what: 'success rule, timeout, payload or signature header (--success-statuses, --success-body, --timeout-ms, --payload, --signature-header)',
  },
];

function checkParts(parts: readonly ResultPart[]): void {
  if (parts.length === 0) throw new MergeError('no result to merge: give the result files (*.result.json) or the directories holding them');
  const [first] = parts as [ResultPart];
  for (const part of parts.slice(1)) {
    for (const { field, what } of PLAN_FIELDS) {
      const a = JSON.stringify(first.result.plan[field]);
      const b = JSON.stringify(part.result.plan[field]);
      if (a !== b) {
        throw new MergeError(
          `${part.source} is not a part of the plan ${first.source} is: its ${what} is ${b}, not ${a}. ` +
            'Merge only the results of one plan (the same flags and --start-at, each --segment once)',
        );
      }
    }
  }
  const seen = new Map<number, string>();
  for (const part of parts) {
    const { index } = part.result.segment;
    const earlier = seen.get(index);
    if (earlier !== undefined) {
      throw new MergeError(
        `segment ${index}/${first.result.plan.segments} is there twice (${earlier} and ${part.source}): a merge counts each segment once; remove one`,
      );
    }
    seen.set(index, part.source);
  }
  if (first.result.plan.segments > 1 && first.result.plan.startAt === null) {
    throw new MergeError(`${first.source} is a segment run without a shared start (--start-at): the segments' times are not on one clock`);
  }
}

function add(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
}

function addTimelines(timelines: readonly Timeline[]): Timeline {
  const length = Math.max(0, ...timelines.map((t) => t.sent.length));
  const sum = (key: keyof Timeline) => Array.from({ length }, (_, s) => timelines.reduce((total, t) => total + (t[key][s] ?? 0), 0));
  return { sent: sum('sent'), succeeded: sum('succeeded'), failed: sum('failed') };
}

function rate(count: number, firstMs: number, lastMs: number): number {
  return count >= 2 && lastMs > firstMs ? ((count - 1) * 1000) / (lastMs - firstMs) : Number.NaN;
}

const minOf = (values: (number | null)[]): number => Math.min(...values.filter((v): v is number => v !== null));
const maxOf = (values: (number | null)[]): number => Math.max(...values.filter((v): v is number => v !== null));

/** The generator verdict of the merge: a limited segment makes the whole run limited, named. */
function generatorOf(parts: readonly ResultPart[]): GeneratorResources | undefined {
  const judged = parts.filter((part) => part.result.generator !== undefined);
  if (judged.length === 0) return undefined;
  const limited = judged.filter((part) => part.result.generator?.limited === true);
  const worst = [...(limited.length > 0 ? limited : judged)].sort(
    (a, b) => (b.result.generator?.cpuPercent ?? 0) - (a.result.generator?.cpuPercent ?? 0),
  )[0] as ResultPart;
  const label = (part: ResultPart) => `segment ${part.result.segment.index}/${part.result.plan.segments}`;
  const note =
    limited.length > 0
      ? `${limited.map(label).join(', ')} limited by the generator: ${worst.result.generator?.note ?? ''}`
      : `no generator limited the run (busiest, ${label(worst)}: ${worst.result.generator?.note ?? ''})`;
  return { ...(worst.result.generator as GeneratorResources), limited: limited.length > 0, note };
}

/** Merges the results of one plan's segments; throws MergeError when they are not one plan's, each once. */
export function mergeResults(parts: readonly ResultPart[]): MergedRun {
  checkParts(parts);
  const results = parts.map((part) => part.result);
  const plan = (results[0] as RunResult).plan;
  const segments = results.map((r) => r.segment.index).sort((a, b) => a - b);
  const missing = Array.from({ length: plan.segments }, (_, i) => i + 1).filter((i) => !segments.includes(i));

  const sent = results.reduce((n, r) => n + r.sent, 0);
  const succeeded = results.reduce((n, r) => n + r.succeeded, 0);
  const cancelled = results.reduce((n, r) => n + r.cancelled, 0);
  const statusCodes: Record<string, number> = {};
  const errorClasses: Record<string, number> = {};
  for (const r of results) {
    add(statusCodes, r.statusCodes);
    add(errorClasses, r.errorClasses);
  }
  const responseTimes = statsOf(mergeLatency(results.map((r) => r.responseTimes)));
  const serviceTimes = statsOf(mergeLatency(results.map((r) => r.serviceTimes)));
  const lag = statsOf(mergeLatency(results.map((r) => r.lag)));
  const durationMs = Math.max(0, ...results.map((r) => r.durationMs));
  const durationSeconds = durationMs / 1000;
  const targetRps =
    plan.mode === 'burst'
      ? null
      : plan.mode === 'rate'
        ? plan.requestsPerSecond
        : rate(plan.totalRequests, minOf(results.map((r) => r.firstDueMs)), maxOf(results.map((r) => r.lastDueMs)));
  const schedule: LoadTestSummary['schedule'] = {
    mode: plan.mode,
    targetRps,
    achievedSendRps: rate(sent, minOf(results.map((r) => r.firstSendMs)), maxOf(results.map((r) => r.lastSendMs))),
    lagP50Ms: lag.p50Ms,
    lagP99Ms: lag.p99Ms,
    lagMaxMs: lag.maxMs,
    concurrency: results.reduce((n, r) => n + r.concurrency, 0),
    slotWaits: results.reduce((n, r) => n + r.slotWaits, 0),
  };
  const lateStartMs = Math.max(0, ...results.map((r) => r.lateStartMs ?? 0));
  if (lateStartMs > 0) schedule.lateStartMs = lateStartMs;
  const endReason = results.some((r) => r.endReason === 'aborted')
    ? 'aborted'
    : results.some((r) => r.endReason === 'max_duration')
      ? 'max_duration'
      : 'completed';
  const errors = results
    .flatMap((r) => r.errors)
    .sort((a, b) => a.atMs - b.atMs)
    .slice(0, ERROR_DETAILS);
  const generator = generatorOf(parts);
  const summary: LoadTestSummary = {
    sentRequests: sent,
    completedRequests: sent - cancelled,
    plannedRequests: plan.totalRequests,
    notSentCount: plan.totalRequests - sent,
    successCount: succeeded,
    failureCount: sent - succeeded,
    cancelledCount: cancelled,
    successRatePercent: sent > 0 ? (succeeded / sent) * 100 : 0,
    durationSeconds,
    achievedRps: durationSeconds > 0 ? sent / durationSeconds : 0,
    responseTimes: withoutFlag(responseTimes),
    serviceTimes: withoutFlag(serviceTimes),
    statusCodes,
    errorClasses,
    errors,
    schedule,
    ...(generator === undefined ? {} : { generator }),
    endReason,
    warnings: [],
  };
  const warnings: string[] = [];
  if (missing.length > 0) {
    warnings.push(
      `${missing.length} of ${plan.segments} segments have no result (${missing.map((i) => `${i}/${plan.segments}`).join(', ')}): ` +
        `the figures cover ${segments.length} of them, and their planned requests count as not sent.`,
    );
  }
  if (plan.mode !== 'burst' && schedule.lagP99Ms > LAG_WARNING_MS) warnings.push(lagWarning(schedule));
  for (const r of results) {
    for (const warning of r.warnings) warnings.push(`segment ${r.segment.index}/${plan.segments}: ${warning}`);
  }
  summary.warnings = warnings;
  return {
    plan,
    summary,
    segments,
    missing,
    exactPercentiles: responseTimes.exact && serviceTimes.exact,
    timeline: addTimelines(results.map((r) => r.timeline)),
  };
}

function withoutFlag<T extends { exact: boolean }>(stats: T): Omit<T, 'exact'> {
  const { exact: _exact, ...rest } = stats;
  return rest;
}
