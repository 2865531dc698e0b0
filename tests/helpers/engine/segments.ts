// Segments of one schedule: N processes (threads, machines) share one open-model
// plan, and segment i of N sends the requests k with k mod N = i - 1, at their due
// times in the one schedule, from one shared start. The union of the N segments is
// the schedule a single process would have sent: the same count, times and rate.
// Request k keeps its index in the whole plan, so its ticket id (ticketIdStart + k)
// is unique across segments. Round-robin rather than contiguous blocks: every
// segment is busy over the whole run, and a ramp's stages split evenly. Pure.
import type { Schedule } from './scheduler.ts';
import type { PlannedStage } from './stages.ts';

/** Segment `index` (1-based) of `count`. */
export interface SegmentSpec {
  index: number;
  count: number;
}

/** The most segments one plan may be split into. */
export const MAX_SEGMENTS = 1024;

/** `2/4` → { index: 2, count: 4 }; null when the text is not of that form (range checked by the caller). */
export function parseSegment(text: string): SegmentSpec | null {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (match === null) return null;
  return { index: Number(match[1]), count: Number(match[2]) };
}

export function formatSegment(segment: SegmentSpec): string {
  return `${segment.index}/${segment.count}`;
}

/** Why `segment` is not a segment of a plan, or null when it is. */
export function segmentProblem(segment: SegmentSpec): string | null {
  const { index, count } = segment;
  if (!Number.isInteger(count) || count < 1 || count > MAX_SEGMENTS) return `the count must be a whole number from 1 to ${MAX_SEGMENTS}`;
  if (!Number.isInteger(index) || index < 1 || index > count) return `the index must be a whole number from 1 to the count (${count})`;
  return null;
}

/** Index in the whole plan of the segment's `local`-th request. */
export function globalIndex(segment: SegmentSpec, local: number): number {
  return segment.index - 1 + local * segment.count;
}

/** How many of the plan's `total` requests (indices 0 .. total - 1) belong to `segment`. */
export function segmentShare(segment: SegmentSpec, total: number): number {
  return Math.max(0, Math.ceil((total - (segment.index - 1)) / segment.count));
}

/** How many of the plan's requests below `globalEnd` belong to `segment`: the first local index at or past it. */
function localBelow(segment: SegmentSpec, globalEnd: number): number {
  return segmentShare(segment, globalEnd);
}

/** The segment's part of a schedule: its local request j is the plan's request globalIndex(j), due when that one is. */
export class SegmentSchedule implements Schedule {
  readonly mode: Schedule['mode'];
  readonly count: number;

  constructor(
    readonly whole: Schedule,
    readonly segment: SegmentSpec,
  ) {
    this.mode = whole.mode;
    this.count = segmentShare(segment, whole.count);
  }

  dueTimeMs(index: number): number {
    return this.whole.dueTimeMs(globalIndex(this.segment, index));
  }
}

/**
 * A staged plan as one segment sees it: each stage's requests and rates are the segment's share of
 * the stage's, in local indices, with the due times of the first and last of them.
 */
export function segmentStages(stages: readonly PlannedStage[], segment: SegmentSpec, whole: Schedule): PlannedStage[] {
  return stages.map((stage) => {
    const firstRequest = localBelow(segment, stage.firstRequest);
    const end = localBelow(segment, stage.firstRequest + stage.plannedRequests);
    const plannedRequests = end - firstRequest;
    const some = plannedRequests > 0;
    return {
      ...stage,
      // The segment's share of the rate, as of the requests.
      targetStartRps: stage.targetStartRps / segment.count,
      targetEndRps: stage.targetEndRps / segment.count,
      firstRequest,
      plannedRequests,
      firstDueMs: some ? whole.dueTimeMs(globalIndex(segment, firstRequest)) : Number.NaN,
      lastDueMs: some ? whole.dueTimeMs(globalIndex(segment, end - 1)) : Number.NaN,
    };
  });
}
