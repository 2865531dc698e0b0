// Ramping arrival rates (k6's ramping-arrival-rate): the rate goes linearly from the
// previous stage's target (the first stage from startRps) to each stage's target over
// its duration. Request i is due at the time t where the integral of the rate from 0
// to t equals i (request 0 at area 0, as in the constant-rate mode; k6 counts its
// iterations from area 1), so a staged run sends the integers in [0, total area): its
// request count is the integral rounded up, and a flat stage at r is exactly
// `requestsPerSecond: r`. Pure; the options validate the stages before they get here.
import type { Schedule } from './scheduler.ts';

/** One stage of the `stages` option. */
export interface LoadStage {
  /** How long the stage lasts, ms (> 0). */
  durationMs: number;
  /** The rate, requests per second, at the end of the stage (>= 0); it ramps linearly from the previous stage's. */
  targetRps: number;
}

/** A stage as planned: its window, its rates and the requests due in it. */
export interface PlannedStage {
  index: number;
  /** Window [startMs, endMs), ms from the run's start. */
  startMs: number;
  endMs: number;
  /** The rate at the start of the stage (the previous target, or startRps for the first). */
  targetStartRps: number;
  targetEndRps: number;
  /** Index of the first request due in the stage (requests are due in index order). */
  firstRequest: number;
  /** Requests due in the stage: the integers of [area before it, area at its end). */
  plannedRequests: number;
  /** Due times of the stage's first and last request, ms from the start; NaN when none is due. */
  firstDueMs: number;
  lastDueMs: number;
}

export interface StagePlan {
  stages: PlannedStage[];
  /** Requests the stages plan: the integral of the rate over them, rounded up. */
  count: number;
  /** The sum of the stages' durations. */
  durationMs: number;
}

/**
 * Areas within this relative distance of an integer are that integer: 0.1 + 0.2 must not
 * plan a phantom request (ceil(300.00000000000006) would be 301).
 */
const SNAP = 1e-9;

function snapped(area: number): number {
  const nearest = Math.round(area);
  return Math.abs(area - nearest) <= SNAP * Math.max(1, nearest) ? nearest : area;
}

/** Number of requests due in [0, area): the integers 0 .. ceil(area) - 1. */
function requestsBelow(area: number): number {
  return Math.max(0, Math.ceil(area));
}

/** The plan of valid stages (durations > 0, rates >= 0, all finite): windows, counts, the total. */
export function planStages(stages: readonly LoadStage[], startRps = 0): StagePlan {
  return build(stages, startRps).plan;
}

/** A stage as the solver needs it. */
interface Segment {
  startMs: number;
  durationMs: number;
  /** Rate at the start, per second. */
  fromRps: number;
  /** d(rate)/dt, per second per ms; 0 for a flat stage. */
  slope: number;
  /** The integral of the rate up to the stage's start (snapped). */
  areaBefore: number;
  firstRequest: number;
  /** One past the stage's last request. */
  endRequest: number;
}

function build(stages: readonly LoadStage[], startRps: number): { plan: StagePlan; segments: Segment[] } {
  const planned: PlannedStage[] = [];
  const segments: Segment[] = [];
  let startMs = 0;
  let from = startRps;
  let areaBefore = 0;
  stages.forEach((stage, index) => {
    const { durationMs, targetRps } = stage;
    const areaAfter = snapped(areaBefore + ((from + targetRps) * durationMs) / 2000);
    const firstRequest = requestsBelow(areaBefore);
    const endRequest = requestsBelow(areaAfter);
    const segment = { startMs, durationMs, fromRps: from, slope: (targetRps - from) / durationMs, areaBefore, firstRequest, endRequest };
    const some = endRequest > firstRequest;
    planned.push({
      index,
      startMs,
      endMs: startMs + durationMs,
      targetStartRps: from,
      targetEndRps: targetRps,
      firstRequest,
      plannedRequests: endRequest - firstRequest,
      firstDueMs: some ? dueIn(segment, firstRequest) : Number.NaN,
      lastDueMs: some ? dueIn(segment, endRequest - 1) : Number.NaN,
    });
    segments.push(segment);
    startMs += durationMs;
    from = targetRps;
    areaBefore = areaAfter;
  });
  return { plan: { stages: planned, count: requestsBelow(areaBefore), durationMs: startMs }, segments };
}

/**
 * The time t (ms) where the integral of the rate reaches `index`, in the stage that holds it.
 * With rate r0 at the stage's start and slope s, the area after x ms is (r0 x + s x^2 / 2) / 1000:
 * linear when s = 0, else a quadratic solved as x = 2q / (r0 + sqrt(r0^2 + 2 s q)), stable for
 * small s and for r0 = 0 (a ramp from 0), where it is sqrt(2q / s).
 */
function dueIn(s: Segment, index: number): number {
  const q = (index - s.areaBefore) * 1000;
  let x: number;
  if (q <= 0) x = 0;
  else if (s.slope === 0) x = q / s.fromRps;
  else x = (2 * q) / (s.fromRps + Math.sqrt(Math.max(0, s.fromRps * s.fromRps + 2 * s.slope * q)));
  return s.startMs + Math.min(x, s.durationMs);
}

/** Due times from the integral of a piecewise-linear rate, solved exactly per stage. */
export class StagedSchedule implements Schedule {
  readonly mode = 'stages';
  readonly plan: StagePlan;
  readonly count: number;
  private readonly segments: Segment[];
  /** The stage of the last lookup: due times are asked in index order, so the search is O(1) amortised. */
  private cursor = 0;

  constructor(stages: readonly LoadStage[], startRps = 0) {
    const { plan, segments } = build(stages, startRps);
    this.plan = plan;
    this.count = plan.count;
    this.segments = segments;
  }

  /** Where the integral of the rate reaches `index` (see dueIn); stages with no request due are skipped. */
  dueTimeMs(index: number): number {
    if (!(index >= 0 && index < this.count)) {
      throw new RangeError(`request index ${index} is out of range: the stages plan ${this.count} requests`);
    }
    const segments = this.segments;
    let k = this.cursor;
    if (index < (segments[k] as Segment).firstRequest) k = 0;
    while (index >= (segments[k] as Segment).endRequest) k++;
    this.cursor = k;
    return dueIn(segments[k] as Segment, index);
  }

  /** The stage whose window holds `elapsedMs` (the last one from its end on). */
  stageAt(elapsedMs: number): number {
    const stages = this.plan.stages;
    for (let k = 0; k < stages.length; k++) if (elapsedMs < (stages[k] as PlannedStage).endMs) return k;
    return stages.length - 1;
  }
}
