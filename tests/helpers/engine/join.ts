// The segments of one plan run apart (threads of one process) joined back into the
// results one run would have returned: every request's columns in the plan's order,
// so the summary, the timeline and every analysis see one run. The columns travel
// between threads as plain data (SegmentColumns); joining is exact, no histogram.
import type { ErrorCode } from './errors.ts';
import type { ErrorRecord, EndReason, MeasuredResources, RunInfo } from './run-data.ts';
import { LoadTestResults } from './results.ts';
import { SampleStore } from './samples.ts';
import { ERROR_DETAILS } from './summary.ts';
import type { PlannedStage } from './stages.ts';

/** One segment's run as data a worker thread can post: its metadata and its sent requests' columns. */
export interface SegmentColumns {
  info: RunInfo;
  intendedMs: Float64Array;
  actualMs: Float64Array;
  endMs: Float64Array;
  status: Uint16Array;
  errorCode: Uint8Array;
  errors: ErrorRecord[];
  warnings: string[];
  captured: [number, Record<string, string>][];
}

/** A segment's results as columns (only its sent requests), for postMessage. */
export function segmentColumns(results: LoadTestResults): SegmentColumns {
  const { store } = results;
  const sent = store.sent;
  const summary = results.getSummary();
  return {
    info: results.info,
    intendedMs: store.intendedMs.slice(0, sent),
    actualMs: store.actualMs.slice(0, sent),
    endMs: store.endMs.slice(0, sent),
    status: store.status.slice(0, sent),
    errorCode: store.errorCode.slice(0, sent),
    errors: summary.errors,
    // The run's own warnings; the summary's (lag, early stop) are worked out again over the whole.
    warnings: [...results.runWarnings],
    captured: [...results.capturedHeaders.entries()].map(([index, headers]) => [index, { ...headers }]),
  };
}

/** A store whose requests carry their plan indices (a stopped run's segments may leave holes). */
class JoinedStore extends SampleStore {
  constructor(
    capacity: number,
    ticketIdStart: number,
    private readonly plan: Float64Array,
  ) {
    super(capacity, ticketIdStart);
  }

  override planIndex(index: number): number {
    return this.plan[index] as number;
  }

  /** The joined stages count the plan's requests: those sent of [first, end), found by plan index. */
  override rangeOf(first: number, end: number): [number, number] {
    return [this.below(first), this.below(end)];
  }

  /** How many sent requests have a plan index below `k` (plan indices rise with store indices). */
  private below(k: number): number {
    let lo = 0;
    let hi = this.sent;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.plan[mid] as number) < k) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

const WORST: EndReason[] = ['aborted', 'max_duration', 'completed'];

/**
 * One results of the plan from its segments' columns (each segment of the plan at most once).
 * `stages`: the whole plan's stages (planStages), for a staged plan.
 */
export function joinSegments(parts: readonly SegmentColumns[], stages?: readonly PlannedStage[]): LoadTestResults {
  const first = parts[0];
  if (first === undefined) throw new Error('joinSegments: no segment to join');
  const count = first.info.segment?.count ?? 1;
  const whole = first.info.whole ?? { totalRequests: first.info.plannedRequests, requestsPerSecond: first.info.requestsPerSecond };
  const bySegment: (SegmentColumns | undefined)[] = new Array(count).fill(undefined);
  for (const part of parts) {
    const index = part.info.segment?.index ?? 1;
    if ((part.info.segment?.count ?? 1) !== count || bySegment[index - 1] !== undefined) {
      throw new Error(`joinSegments: segment ${index} of ${part.info.segment?.count ?? 1} does not belong with the others, or comes twice`);
    }
    bySegment[index - 1] = part;
  }
  const sent = parts.reduce((n, part) => n + part.intendedMs.length, 0);
  const plan = new Float64Array(sent);
  const store = new JoinedStore(sent, first.info.ticketIdStart, plan);
  // Where each segment's request landed in the store (a stopped segment leaves holes in the plan).
  const storeIndex = bySegment.map((part) => new Int32Array(part?.intendedMs.length ?? 0));
  let n = 0;
  for (let k = 0; k < whole.totalRequests && n < sent; k++) {
    const part = bySegment[k % count];
    const local = Math.floor(k / count);
    if (part === undefined || local >= part.intendedMs.length) continue;
    plan[n] = k;
    (storeIndex[k % count] as Int32Array)[local] = n;
    store.recordSend(n, part.intendedMs[local] as number, part.actualMs[local] as number);
    const end = part.endMs[local] as number;
    if (!Number.isNaN(end)) store.recordEnd(n, end, part.status[local] as number, part.errorCode[local] as ErrorCode);
    n++;
  }
  const at = (part: SegmentColumns, local: number) => (storeIndex[(part.info.segment?.index ?? 1) - 1] as Int32Array)[local] as number;
  const errors = parts
    .flatMap((part) => part.errors.map((e) => ({ ...e, index: at(part, e.index) })))
    .sort((a, b) => a.atMs - b.atMs)
    .slice(0, ERROR_DETAILS);
  const captured = new Map<number, Record<string, string>>();
  for (const part of parts) {
    for (const [local, headers] of part.captured) captured.set(at(part, local), headers);
  }
  const warnings = parts.flatMap((part) =>
    part.warnings.map((w) => (count > 1 ? `segment ${part.info.segment?.index ?? 1}/${count}: ${w}` : w)),
  );
  const info: RunInfo = {
    url: first.info.url,
    plannedRequests: whole.totalRequests,
    requestsPerSecond: whole.requestsPerSecond,
    ...(stages === undefined ? {} : { stages }),
    concurrency: parts.reduce((sum, part) => sum + part.info.concurrency, 0),
    ticketIdStart: first.info.ticketIdStart,
    startedAt: first.info.startedAt,
    durationMs: Math.max(...parts.map((part) => part.info.durationMs)),
    endReason: WORST.find((reason) => parts.some((part) => part.info.endReason === reason)) ?? 'completed',
    slotWaits: parts.reduce((sum, part) => sum + part.info.slotWaits, 0),
    ...(first.info.startAt === undefined ? {} : { startAt: first.info.startAt }),
  };
  const lateStartMs = Math.max(0, ...parts.map((part) => part.info.lateStartMs ?? 0));
  if (lateStartMs > 0) info.lateStartMs = lateStartMs;
  const resources = busiest(parts);
  if (resources !== undefined) info.resources = resources;
  return new LoadTestResults(info, store, errors, warnings, captured);
}

/**
 * The generator's figures of the busiest thread (by event-loop utilisation). A thread reads the
 * whole process's CPU time, every thread's, so the CPU is shared out per thread.
 */
function busiest(parts: readonly SegmentColumns[]): MeasuredResources | undefined {
  const measured = parts.flatMap((part) => (part.info.resources === undefined ? [] : [part.info.resources]));
  if (measured.length === 0) return undefined;
  const top = measured.reduce((a, b) => (b.eventLoopUtilization > a.eventLoopUtilization ? b : a));
  return { ...top, userCpuMs: top.userCpuMs / measured.length, systemCpuMs: top.systemCpuMs / measured.length };
}
